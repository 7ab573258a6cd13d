//! Turning raw detector outputs into [0, 1] scores that mean the same thing across detectors.

use serde::{Deserialize, Serialize};

use super::Thresholds;
use crate::log::Label;
use crate::ranked::Ranked;

/// Empirically calibrated scores: flag the riskiest 5 %, and 1 % as high.
pub const UNSUPERVISED_THRESHOLDS: Thresholds = Thresholds {
    suspicious: 0.95,
    high: 0.99,
};

/// A probability's thresholds before (or without) labelled rows to fit them on.
pub const SUPERVISED_DEFAULT_THRESHOLDS: Thresholds = Thresholds {
    suspicious: 0.5,
    high: 0.8,
};

/// Thresholds for a probability from labelled rows: `suspicious` where F1 is best, `high`
/// where precision first reaches 90 % above it (or halfway to 1 when it never does).
pub fn fit_thresholds(scores: &[f32], labels: &[Label]) -> Thresholds {
    let ranked = Ranked::labelled(scores, labels);
    if ranked.positives() == 0 || ranked.negatives() == 0 {
        return SUPERVISED_DEFAULT_THRESHOLDS;
    }
    let (mut best_f1, mut suspicious) = (-1.0f64, 0.5f32);
    let mut precise_at: Option<f32> = None;
    for (score, k) in ranked.distinct_cuts() {
        let at = ranked.at_cut(k);
        let f1 = at.f1();
        if f1 > best_f1 {
            best_f1 = f1;
            suspicious = score;
        }
        if at.precision() >= 0.9 {
            precise_at = Some(score);
        }
    }
    let high = precise_at
        .filter(|&h| h > suspicious)
        .unwrap_or((suspicious + 1.0) / 2.0);
    Thresholds { suspicious, high }
}

/// How many quantiles of the training scores an empirical calibration keeps.
const QUANTILES: usize = 1001;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calibration {
    /// The output already is a probability (supervised models).
    Identity,
    /// The share of training rows scoring at or below: an unsupervised score of 0.99 means
    /// "riskier than 99 % of the training accounts".
    Empirical { quantiles: Vec<f32> },
}

impl Calibration {
    pub fn empirical(raw: &[f32]) -> Self {
        let mut sorted: Vec<f32> = raw.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_unstable_by(f32::total_cmp);
        if sorted.is_empty() {
            return Self::Empirical {
                quantiles: vec![0.0],
            };
        }
        let quantiles = (0..QUANTILES)
            .map(|i| sorted[i * (sorted.len() - 1) / (QUANTILES - 1)])
            .collect();
        Self::Empirical { quantiles }
    }

    pub fn apply(&self, raw: f32) -> f32 {
        match self {
            Calibration::Identity => raw.clamp(0.0, 1.0),
            Calibration::Empirical { quantiles } => {
                if !raw.is_finite() {
                    return 0.0;
                }
                let n = quantiles.len();
                if n < 2 {
                    return if raw > quantiles[0] { 1.0 } else { 0.5 };
                }
                // Ties share the middle of their run, so a constant score maps to 0.5, not 1.
                let below = quantiles.partition_point(|&q| q < raw);
                let at_or_below = quantiles.partition_point(|&q| q <= raw);
                let mid = (below + at_or_below) as f32 / 2.0;
                let frac = if at_or_below > below || below == 0 || below == n {
                    mid / n as f32
                } else {
                    // Interpolate between the two quantiles around `raw`.
                    let (lo, hi) = (quantiles[below - 1], quantiles[below]);
                    (below as f32 - 1.0 + (raw - lo) / (hi - lo) + 0.5) / n as f32
                };
                frac.clamp(0.0, 1.0)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empirical_scores_are_ranks() {
        let raw: Vec<f32> = (0..10_000).map(|i| i as f32).collect();
        let c = Calibration::empirical(&raw);
        assert!((c.apply(5000.0) - 0.5).abs() < 0.01);
        assert!(c.apply(9990.0) > 0.99);
        assert_eq!(c.apply(-5.0), 0.0);
        assert_eq!(c.apply(1e9), 1.0);
        let flat = Calibration::empirical(&[3.0; 100]);
        assert!((flat.apply(3.0) - 0.5).abs() < 0.01);
    }
}
