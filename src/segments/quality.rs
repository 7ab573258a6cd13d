//! How good a segmentation is: the silhouette (how much closer each row is to its own segment
//! than to the next one) and the adjusted Rand index against a known grouping.

use std::collections::HashMap;

use crate::features::Matrix;

/// The silhouette is computed on at most this many rows (evenly spread): it is quadratic.
const SILHOUETTE_ROWS: usize = 2000;

fn dist(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| ((x - y) * (x - y)) as f64)
        .sum::<f64>()
        .sqrt()
}

/// Mean silhouette in [-1, 1] of `assignments` over `k` segments (NaN with fewer than 2).
pub fn silhouette(x: &Matrix, assignments: &[usize], k: usize) -> f64 {
    if k < 2 || x.rows < 2 {
        return f64::NAN;
    }
    let stride = x.rows.div_ceil(SILHOUETTE_ROWS).max(1);
    let rows: Vec<usize> = (0..x.rows).step_by(stride).collect();
    let mut total = 0.0;
    let mut counted = 0usize;
    for &i in &rows {
        let mut sum = vec![0.0f64; k];
        let mut n = vec![0usize; k];
        for &j in &rows {
            if i != j {
                sum[assignments[j]] += dist(x.row(i), x.row(j));
                n[assignments[j]] += 1;
            }
        }
        let own = assignments[i];
        if n[own] == 0 {
            continue; // a singleton's silhouette is 0 by convention: leave it out
        }
        let a = sum[own] / n[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && n[c] > 0)
            .map(|c| sum[c] / n[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(1e-12);
            counted += 1;
        }
    }
    if counted == 0 {
        f64::NAN
    } else {
        total / counted as f64
    }
}

fn pairs(n: u64) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Adjusted Rand index of two groupings of the same items: 1 when they agree, about 0 when
/// they agree only by chance.
pub fn adjusted_rand_index<A, B>(a: &[A], b: &[B]) -> f64
where
    A: std::hash::Hash + Eq,
    B: std::hash::Hash + Eq,
{
    let n = a.len().min(b.len()) as u64;
    let mut table: HashMap<(&A, &B), u64> = HashMap::new();
    let mut rows: HashMap<&A, u64> = HashMap::new();
    let mut cols: HashMap<&B, u64> = HashMap::new();
    for (x, y) in a.iter().zip(b) {
        *table.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let sum_a: f64 = rows.values().map(|&c| pairs(c)).sum();
    let sum_b: f64 = cols.values().map(|&c| pairs(c)).sum();
    let expected = sum_a * sum_b / pairs(n).max(1.0);
    let max = (sum_a + sum_b) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_index_is_one_for_the_same_grouping_under_other_names() {
        let a = [0, 0, 1, 1, 2, 2];
        let b = ["x", "x", "y", "y", "z", "z"];
        assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-9);
        let c = [0, 1, 0, 1, 0, 1];
        assert!(adjusted_rand_index(&a, &c) < 0.1);
    }

    #[test]
    fn silhouette_is_high_for_separated_groups() {
        let x = Matrix {
            rows: 4,
            cols: 1,
            data: vec![0.0, 0.1, 10.0, 10.1],
        };
        assert!(silhouette(&x, &[0, 0, 1, 1], 2) > 0.9);
        assert!(silhouette(&x, &[0, 1, 0, 1], 2) < 0.0);
    }
}
