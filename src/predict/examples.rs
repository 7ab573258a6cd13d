//! The examples a target learns from or is asked about: the model's feature rows, the
//! baselines' inputs, and the answers.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::features;
use super::timeline::Events;

/// Where an example stands: a user (its index in `Timelines`), how many of its events come
/// before the cut-off, and the cut-off.
#[derive(Clone, Copy)]
pub struct At {
    pub user: usize,
    pub n: usize,
    pub cutoff: i64,
}

/// Feature rows with their answers, for the model and for both baselines.
#[derive(Default)]
pub struct Examples {
    /// Each example's user and cut-off.
    pub at: Vec<(usize, i64)>,
    pub features: Vec<f32>,
    /// The behaviour model's expectations of each example (`encoder_cols` per row), when
    /// read (`encoder.rs`).
    pub encoder: Vec<f32>,
    pub encoder_cols: usize,
    pub baseline: Vec<f32>,
    /// The user's class counts before the cut-off (for the most-frequent-event baseline).
    pub mix: Vec<f32>,
    pub answers: Vec<u32>,
}

impl Examples {
    pub fn push(&mut self, ev: &Events, at: At, horizon: i64, width: usize, answer: u32) {
        let At { user, n, cutoff } = at;
        self.at.push((user, cutoff));
        features::row(ev, n, cutoff, horizon, width, &mut self.features);
        features::baseline_row(ev, n, cutoff, &mut self.baseline);
        let start = self.mix.len();
        self.mix.resize(start + width, 0.0);
        for &c in &ev.class[..n] {
            self.mix[start + c as usize] += 1.0;
        }
        self.answers.push(answer);
    }

    /// Each row's features followed by its encoder columns (`cols` features per row).
    pub fn with_encoder(&self, cols: usize) -> Vec<f32> {
        let extra = self.encoder_cols;
        let rows = self.answers.len();
        let mut both = Vec::with_capacity(rows * (cols + extra));
        for i in 0..rows {
            both.extend_from_slice(&self.features[i * cols..(i + 1) * cols]);
            both.extend_from_slice(&self.encoder[i * extra..(i + 1) * extra]);
        }
        both
    }

    /// Keeps a seeded sample of at most `most` examples.
    pub fn sample(&mut self, most: usize, seed: u64) {
        let n = self.answers.len();
        if n <= most {
            return;
        }
        let mut keep: Vec<usize> = (0..n).collect();
        keep.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x9e7));
        keep.truncate(most);
        keep.sort_unstable();
        let pick_rows = |v: &[f32], cols: usize| -> Vec<f32> {
            keep.iter()
                .flat_map(|&i| v[i * cols..(i + 1) * cols].iter().copied())
                .collect()
        };
        let (f, b, m) = (
            self.features.len() / n,
            self.baseline.len() / n,
            self.mix.len() / n,
        );
        self.features = pick_rows(&self.features, f);
        self.baseline = pick_rows(&self.baseline, b);
        self.mix = pick_rows(&self.mix, m);
        self.answers = keep.iter().map(|&i| self.answers[i]).collect();
        self.at = keep.iter().map(|&i| self.at[i]).collect();
        if self.encoder_cols > 0 {
            self.encoder = pick_rows(&self.encoder, self.encoder_cols);
        }
    }
}
