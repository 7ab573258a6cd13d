//! A 2-D view of standardised rows: their projection on the two leading principal components,
//! found by power iteration on the covariance (with deflation), seeded and deterministic.

use crate::features::Matrix;

const ITERATIONS: usize = 100;

/// Column means of `x`.
fn means(x: &Matrix) -> Vec<f64> {
    let mut m = vec![0.0f64; x.cols];
    for r in 0..x.rows {
        for (s, &v) in m.iter_mut().zip(x.row(r)) {
            *s += v as f64;
        }
    }
    m.iter_mut().for_each(|s| *s /= x.rows.max(1) as f64);
    m
}

/// `cov · v` without forming the covariance: Xcᵀ (Xc v) / n.
fn cov_times(x: &Matrix, mean: &[f64], v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0f64; x.cols];
    for r in 0..x.rows {
        let row = x.row(r);
        let dot: f64 = row
            .iter()
            .zip(mean)
            .zip(v)
            .map(|((&a, m), b)| (a as f64 - m) * b)
            .sum();
        for ((o, &a), m) in out.iter_mut().zip(row).zip(mean) {
            *o += (a as f64 - m) * dot;
        }
    }
    out.iter_mut().for_each(|o| *o /= x.rows.max(1) as f64);
    out
}

fn normalise(v: &mut [f64]) -> f64 {
    let n = v.iter().map(|a| a * a).sum::<f64>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|a| *a /= n);
    }
    n
}

/// The two leading components (unit vectors) of `x`'s columns.
fn components(x: &Matrix, mean: &[f64]) -> [Vec<f64>; 2] {
    let mut found: Vec<Vec<f64>> = Vec::new();
    for c in 0..2 {
        // A fixed, non-degenerate start keeps the result deterministic.
        let mut v: Vec<f64> = (0..x.cols).map(|j| 1.0 + ((j + c) % 3) as f64).collect();
        normalise(&mut v);
        for _ in 0..ITERATIONS {
            let mut next = cov_times(x, mean, &v);
            // Deflation: stay orthogonal to the components already found.
            for f in &found {
                let d: f64 = next.iter().zip(f).map(|(a, b)| a * b).sum();
                next.iter_mut().zip(f).for_each(|(a, b)| *a -= d * b);
            }
            if normalise(&mut next) == 0.0 {
                break;
            }
            v = next;
        }
        // A sign convention: the largest loading is positive.
        let big = v
            .iter()
            .cloned()
            .fold(0.0f64, |m, a| if a.abs() > m.abs() { a } else { m });
        if big < 0.0 {
            v.iter_mut().for_each(|a| *a = -*a);
        }
        found.push(v);
    }
    let second = found.pop().unwrap_or_default();
    let first = found.pop().unwrap_or_default();
    [first, second]
}

/// Each row's (x, y) on the two leading principal components.
pub fn project_2d(x: &Matrix) -> Vec<(f32, f32)> {
    if x.rows == 0 || x.cols == 0 {
        return vec![(0.0, 0.0); x.rows];
    }
    let mean = means(x);
    let [a, b] = components(x, &mean);
    (0..x.rows)
        .map(|r| {
            let row = x.row(r);
            let on = |c: &[f64]| -> f32 {
                row.iter()
                    .zip(&mean)
                    .zip(c)
                    .map(|((&v, m), w)| (v as f64 - m) * w)
                    .sum::<f64>() as f32
            };
            (on(&a), on(&b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_follows_the_largest_spread() {
        // Spread along (1, 1, 0) ten times the spread along (0, 0, 1).
        let mut data = Vec::new();
        for i in 0..50 {
            let t = i as f32 - 25.0;
            let small = ((i % 5) as f32 - 2.0) * 0.2;
            data.extend([t, t, small]);
        }
        let x = Matrix {
            rows: 50,
            cols: 3,
            data,
        };
        let p = project_2d(&x);
        let spread = |f: fn(&(f32, f32)) -> f32| {
            let v: Vec<f32> = p.iter().map(f).collect();
            v.iter().cloned().fold(f32::MIN, f32::max) - v.iter().cloned().fold(f32::MAX, f32::min)
        };
        assert!(spread(|q| q.0) > 10.0 * spread(|q| q.1));
        assert_eq!(p, project_2d(&x), "deterministic");
    }
}
