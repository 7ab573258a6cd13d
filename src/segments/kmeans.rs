//! k-means: k-means++ seeding, several seeded restarts (the lowest inertia wins), Lloyd's
//! iterations; large inputs refine their centres on mini-batches and are assigned once at the
//! end. The same input and seed give the same segments.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::features::Matrix;

/// Above this many rows, centres are refined on mini-batches instead of every row.
const MINI_BATCH_ROWS: usize = 50_000;
const BATCH: usize = 4096;
const BATCH_STEPS: usize = 300;
const MAX_ITERATIONS: usize = 100;

#[derive(Clone, Debug)]
pub struct KMeans {
    /// `k` centres, row after row.
    pub centres: Matrix,
    /// Each row's segment.
    pub assignments: Vec<usize>,
    /// Sum of squared distances of the rows to their centres.
    pub inertia: f64,
}

fn sq_dist(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The nearest centre of `row` and its squared distance.
fn nearest(centres: &Matrix, row: &[f32]) -> (usize, f32) {
    (0..centres.rows)
        .map(|c| (c, sq_dist(centres.row(c), row)))
        .fold(
            (0, f32::INFINITY),
            |best, d| if d.1 < best.1 { d } else { best },
        )
}

/// k-means++: each next centre drawn with probability proportional to its squared distance
/// from the nearest centre so far.
fn seed_centres(x: &Matrix, k: usize, rng: &mut ChaCha8Rng) -> Matrix {
    let mut centres = Matrix::zeros(k, x.cols);
    let first = rng.random_range(0..x.rows);
    centres.row_mut(0).copy_from_slice(x.row(first));
    let mut dist: Vec<f32> = (0..x.rows)
        .map(|r| sq_dist(x.row(r), x.row(first)))
        .collect();
    for c in 1..k {
        let total: f64 = dist.iter().map(|&d| d as f64).sum();
        let pick = if total > 0.0 {
            let mut target = rng.random::<f64>() * total;
            dist.iter()
                .position(|&d| {
                    target -= d as f64;
                    target <= 0.0
                })
                .unwrap_or(x.rows - 1)
        } else {
            rng.random_range(0..x.rows)
        };
        centres.row_mut(c).copy_from_slice(x.row(pick));
        for (r, d) in dist.iter_mut().enumerate() {
            *d = d.min(sq_dist(x.row(r), centres.row(c)));
        }
    }
    centres
}

/// Assigns every row; returns the inertia.
fn assign(x: &Matrix, centres: &Matrix, out: &mut [usize]) -> f64 {
    let mut inertia = 0.0;
    for (r, a) in out.iter_mut().enumerate() {
        let (c, d) = nearest(centres, x.row(r));
        *a = c;
        inertia += d as f64;
    }
    inertia
}

/// Moves each centre to the mean of its rows (a centre with none stays where it is).
fn update(x: &Matrix, assignments: &[usize], centres: &mut Matrix) {
    let mut sums = vec![0.0f64; centres.rows * x.cols];
    let mut counts = vec![0usize; centres.rows];
    for (r, &c) in assignments.iter().enumerate() {
        counts[c] += 1;
        for (s, &v) in sums[c * x.cols..(c + 1) * x.cols].iter_mut().zip(x.row(r)) {
            *s += v as f64;
        }
    }
    for c in 0..centres.rows {
        if counts[c] == 0 {
            continue;
        }
        for (j, v) in centres.row_mut(c).iter_mut().enumerate() {
            *v = (sums[c * x.cols + j] / counts[c] as f64) as f32;
        }
    }
}

/// Mini-batch refinement: each step moves the centres toward a random batch's rows with a
/// per-centre learning rate of 1 / (rows seen).
fn refine_on_batches(x: &Matrix, centres: &mut Matrix, rng: &mut ChaCha8Rng) {
    let mut seen = vec![0usize; centres.rows];
    for _ in 0..BATCH_STEPS {
        for _ in 0..BATCH {
            let r = rng.random_range(0..x.rows);
            let (c, _) = nearest(centres, x.row(r));
            seen[c] += 1;
            let rate = 1.0 / seen[c] as f32;
            for (v, &xv) in centres.row_mut(c).iter_mut().zip(x.row(r)) {
                *v += rate * (xv - *v);
            }
        }
    }
}

fn fit_once(x: &Matrix, k: usize, rng: &mut ChaCha8Rng) -> KMeans {
    let mut centres = seed_centres(x, k, rng);
    let mut assignments = vec![0usize; x.rows];
    if x.rows > MINI_BATCH_ROWS {
        refine_on_batches(x, &mut centres, rng);
        let inertia = assign(x, &centres, &mut assignments);
        return KMeans {
            centres,
            assignments,
            inertia,
        };
    }
    let mut inertia = assign(x, &centres, &mut assignments);
    for _ in 0..MAX_ITERATIONS {
        update(x, &assignments, &mut centres);
        let next = assign(x, &centres, &mut assignments);
        let settled = inertia - next <= 1e-6 * inertia.max(1e-12);
        inertia = next;
        if settled {
            break;
        }
    }
    KMeans {
        centres,
        assignments,
        inertia,
    }
}

/// `k` segments of the rows of `x` (k is capped at the number of rows), best of `restarts`.
pub fn fit(x: &Matrix, k: usize, seed: u64, restarts: usize) -> KMeans {
    let k = k.clamp(1, x.rows.max(1));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    if x.rows == 0 {
        return KMeans {
            centres: Matrix::zeros(0, x.cols),
            assignments: Vec::new(),
            inertia: 0.0,
        };
    }
    (0..restarts.max(1))
        .map(|_| fit_once(x, k, &mut rng))
        .min_by(|a, b| a.inertia.total_cmp(&b.inertia))
        .unwrap_or_else(|| fit_once(x, k, &mut rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three tight blobs in 2-D.
    fn blobs() -> (Matrix, Vec<usize>) {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let centres = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)];
        let mut data = Vec::new();
        let mut truth = Vec::new();
        for (i, &(cx, cy)) in centres.iter().enumerate() {
            for _ in 0..100 {
                data.push(cx + rng.random::<f32>() - 0.5);
                data.push(cy + rng.random::<f32>() - 0.5);
                truth.push(i);
            }
        }
        (
            Matrix {
                rows: 300,
                cols: 2,
                data,
            },
            truth,
        )
    }

    #[test]
    fn finds_separated_blobs_and_is_deterministic() {
        let (x, truth) = blobs();
        let a = fit(&x, 3, 7, 4);
        let b = fit(&x, 3, 7, 4);
        assert_eq!(a.assignments, b.assignments);
        // Each blob is one segment.
        for blob in 0..3 {
            let segs: Vec<usize> = (0..300)
                .filter(|&r| truth[r] == blob)
                .map(|r| a.assignments[r])
                .collect();
            assert!(segs.iter().all(|&s| s == segs[0]), "blob {blob} split");
        }
        assert!(a.inertia < 300.0 * 0.5, "{}", a.inertia);
    }
}
