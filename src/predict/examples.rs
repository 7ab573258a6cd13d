//! The examples a target learns from or is asked about: the model's feature rows, the
//! baselines' inputs, and the answers.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::features;
use super::timeline::Events;

/// Feature rows with their answers, for the model and for both baselines.
#[derive(Default)]
pub struct Examples {
    pub features: Vec<f32>,
    pub baseline: Vec<f32>,
    /// The user's class counts before the cut-off (for the most-frequent-event baseline).
    pub mix: Vec<f32>,
    pub answers: Vec<u32>,
}

impl Examples {
    pub fn push(
        &mut self,
        ev: &Events,
        n: usize,
        cutoff: i64,
        horizon: i64,
        width: usize,
        answer: u32,
    ) {
        features::row(ev, n, cutoff, horizon, width, &mut self.features);
        features::baseline_row(ev, n, cutoff, &mut self.baseline);
        let start = self.mix.len();
        self.mix.resize(start + width, 0.0);
        for &c in &ev.class[..n] {
            self.mix[start + c as usize] += 1.0;
        }
        self.answers.push(answer);
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
    }
}
