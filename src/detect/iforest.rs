//! Isolation forest (Liu, Ting & Zhou, 2008): anomalies are isolated by fewer random splits.
//! Written here because no maintained crate offers one that saves, loads and seeds as the
//! model files need.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::features::Matrix;
use crate::progress::{Progress, Stage};

use super::DetectError;

const TREES: usize = 200;
const SAMPLE: usize = 256;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Node {
    /// -1 for a leaf.
    feature: i32,
    split: f32,
    left: u32,
    right: u32,
    /// Rows that reached a leaf (its path length is extended by c(size)).
    size: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IsolationForest {
    trees: Vec<Vec<Node>>,
    sample: usize,
}

/// Average path length of an unsuccessful search in a binary search tree of n nodes.
fn c(n: usize) -> f32 {
    if n <= 1 {
        return 0.0;
    }
    let n = n as f32;
    2.0 * ((n - 1.0).ln() + 0.577_215_7) - 2.0 * (n - 1.0) / n
}

impl IsolationForest {
    pub fn fit(x: &Matrix, seed: u64, progress: &dyn Progress) -> Result<Self, DetectError> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let sample = SAMPLE.min(x.rows).max(1);
        let max_depth = (sample as f32).log2().ceil() as usize;
        let mut trees = Vec::with_capacity(TREES);
        for t in 0..TREES {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            progress.report(Stage::Training("iforest"), t as u64, Some(TREES as u64));
            let rows: Vec<usize> = (0..sample)
                .map(|_| rng.random_range(0..x.rows.max(1)))
                .collect();
            let mut nodes = Vec::new();
            grow(x, rows, 0, max_depth, &mut rng, &mut nodes);
            trees.push(nodes);
        }
        Ok(Self { trees, sample })
    }

    /// Anomaly scores in (0, 1]: 2^(-mean path length / c(sample)). Rows are split across the
    /// worker threads: scoring two million events is the forest's heaviest work.
    pub fn raw_scores(&self, x: &Matrix) -> Vec<f32> {
        let norm = c(self.sample).max(1e-6);
        // A leaf's expected further depth by its size (at most the sample's), worked out once
        // rather than a logarithm per row and tree.
        let further: Vec<f32> = (0..=self.sample).map(c).collect();
        let further = further.as_slice();
        let score = |i: usize| {
            let row = x.row(i);
            let total: f32 = self
                .trees
                .iter()
                .map(|t| path_length(t, row, further))
                .sum();
            2f32.powf(-(total / self.trees.len() as f32) / norm)
        };
        let mut out = vec![0.0f32; x.rows];
        let per_thread = x.rows.div_ceil(crate::log::worker_threads()).max(1);
        std::thread::scope(|s| {
            for (k, chunk) in out.chunks_mut(per_thread).enumerate() {
                s.spawn(move || {
                    for (j, v) in chunk.iter_mut().enumerate() {
                        *v = score(k * per_thread + j);
                    }
                });
            }
        });
        out
    }
}

fn grow(
    x: &Matrix,
    rows: Vec<usize>,
    depth: usize,
    max_depth: usize,
    rng: &mut ChaCha8Rng,
    nodes: &mut Vec<Node>,
) -> u32 {
    let id = nodes.len() as u32;
    let leaf = Node {
        feature: -1,
        split: 0.0,
        left: 0,
        right: 0,
        size: rows.len() as u32,
    };
    nodes.push(leaf);
    if rows.len() <= 1 || depth >= max_depth {
        return id;
    }
    // A random feature that still varies among these rows.
    let start = rng.random_range(0..x.cols.max(1));
    for k in 0..x.cols {
        let f = (start + k) % x.cols;
        let (lo, hi) = rows
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &r| {
                let v = x.row(r)[f];
                (lo.min(v), hi.max(v))
            });
        if hi > lo {
            let split = rng.random_range(lo..hi);
            let (l, r): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| x.row(r)[f] < split);
            let left = grow(x, l, depth + 1, max_depth, rng, nodes);
            let right = grow(x, r, depth + 1, max_depth, rng, nodes);
            nodes[id as usize] = Node {
                feature: f as i32,
                split,
                left,
                right,
                size: 0,
            };
            return id;
        }
    }
    id
}

/// The depth at which `row` leaves the tree, plus the expected depth of the rest of its leaf
/// (`further`: `c` by leaf size).
fn path_length(nodes: &[Node], row: &[f32], further: &[f32]) -> f32 {
    let mut i = 0usize;
    let mut depth = 0.0;
    loop {
        let n = &nodes[i];
        if n.feature < 0 {
            let size = n.size as usize;
            return depth + further.get(size).copied().unwrap_or_else(|| c(size));
        }
        i = if row[n.feature as usize] < n.split {
            n.left
        } else {
            n.right
        } as usize;
        depth += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn an_outlier_scores_above_the_crowd() {
        let mut cols = vec![Vec::new(), Vec::new()];
        for i in 0..500 {
            cols[0].push((i % 17) as f32 * 0.1);
            cols[1].push((i % 13) as f32 * 0.1);
        }
        cols[0].push(9.0);
        cols[1].push(9.0);
        let x = Matrix::from_columns(&cols);
        let f = IsolationForest::fit(&x, 1, &NoProgress).unwrap();
        let s = f.raw_scores(&x);
        let max_inlier = s[..500].iter().copied().fold(0.0, f32::max);
        assert!(s[500] > max_inlier, "{} vs {max_inlier}", s[500]);
        assert_eq!(
            f,
            IsolationForest::fit(&x, 1, &NoProgress).unwrap(),
            "seeded"
        );
    }
}
