//! Turning raw detector outputs into [0, 1] scores that mean the same thing across detectors.

use serde::{Deserialize, Serialize};

use super::Thresholds;
use super::detector::Level;
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

/// A model's thresholds at each level.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LevelThresholds {
    pub user: Thresholds,
    pub event: Thresholds,
}

impl LevelThresholds {
    pub const UNSUPERVISED: Self = Self {
        user: UNSUPERVISED_THRESHOLDS,
        event: UNSUPERVISED_THRESHOLDS,
    };

    pub fn at(&self, level: Level) -> Thresholds {
        match level {
            Level::User => self.user,
            Level::Event => self.event,
        }
    }

    pub fn set(&mut self, level: Level, thresholds: Thresholds) {
        match level {
            Level::User => self.user = thresholds,
            Level::Event => self.event = thresholds,
        }
    }
}

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
                let (lowest, highest) = (quantiles[0], quantiles[n - 1]);
                // Beyond the training scores the rank keeps rising, ever more slowly, toward 0
                // and 1: a new account riskier than every training one still outranks one
                // that is merely as risky as the riskiest.
                let span = (highest - lowest).max(f32::EPSILON);
                let frac = if raw > highest {
                    (n as f32 - 0.5 + 0.5 * (1.0 - span / (span + raw - highest))) / n as f32
                } else if raw < lowest {
                    0.5 * (span / (span + lowest - raw)) / n as f32
                } else if at_or_below > below || below == 0 || below == n {
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

/// Tie-breaks kept for at most this many distinct model outputs.
const MAX_LEVELS: usize = 16_384;
/// A nudge never moves a score by more than this.
const MAX_NUDGE: f64 = 1e-3;

/// Spreads rows a model scores alike (boosted trees give whole groups the same leaves) by a
/// second score, without reordering scores that differ: each score moves by less than half
/// the gap to the nearest other output the model gave its training rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TieBreak {
    /// The model's distinct outputs on its training rows, ascending (empty: no tie-break,
    /// as in models saved before it existed).
    levels: Vec<f32>,
}

impl TieBreak {
    pub fn fit(scores: &[f32]) -> Self {
        let mut levels: Vec<f32> = scores.iter().copied().filter(|v| v.is_finite()).collect();
        levels.sort_unstable_by(f32::total_cmp);
        levels.dedup();
        if levels.len() > MAX_LEVELS {
            let n = levels.len();
            levels = (0..MAX_LEVELS)
                .map(|i| levels[i * (n - 1) / (MAX_LEVELS - 1)])
                .collect();
        }
        Self { levels }
    }

    /// `score` moved up (by `second` above 0.5) or down (below), `second` in [0, 1].
    pub fn apply(&self, score: f32, second: f32) -> f32 {
        if self.levels.is_empty() || !score.is_finite() || !second.is_finite() {
            return score;
        }
        let below = self.levels.partition_point(|&l| l < score);
        let above = self.levels.partition_point(|&l| l <= score);
        let p = f64::from(score);
        let gaps = [
            below.checked_sub(1).map(|i| p - f64::from(self.levels[i])),
            self.levels.get(above).map(|&l| f64::from(l) - p),
        ];
        let gap = gaps.into_iter().flatten().fold(f64::INFINITY, f64::min);
        let half = (0.45 * gap).min(MAX_NUDGE);
        let nudged = p + half * (2.0 * f64::from(second.clamp(0.0, 1.0)) - 1.0);
        (nudged as f32).clamp(0.0, 1.0)
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
        assert!(c.apply(-5.0) < 0.001 && c.apply(-5.0) < c.apply(0.0));
        assert!(c.apply(1e9) > 0.999 && c.apply(1e9) <= 1.0);
        let flat = Calibration::empirical(&[3.0; 100]);
        assert!((flat.apply(3.0) - 0.5).abs() < 0.01);
    }

    #[test]
    fn scores_beyond_the_training_range_stay_ordered() {
        let raw: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        let c = Calibration::empirical(&raw);
        let out: Vec<f32> = [-500.0, -1.0, 0.0, 999.0, 1000.0, 2000.0, 1e6]
            .iter()
            .map(|&r| c.apply(r))
            .collect();
        assert!(out.windows(2).all(|w| w[0] < w[1]), "{out:?}");
        assert!(out.iter().all(|&v| (0.0..=1.0).contains(&v)));
    }

    #[test]
    fn a_tie_break_spreads_ties_and_keeps_every_other_order() {
        let levels = [0.1f32, 0.2, 0.2, 0.2, 0.5, 0.9];
        let t = TieBreak::fit(&levels);
        let spread: Vec<f32> = [0.0, 0.3, 1.0].iter().map(|&s| t.apply(0.2, s)).collect();
        assert!(spread.windows(2).all(|w| w[0] < w[1]), "{spread:?}");
        // Never past the neighbours, whatever the second score.
        assert!(t.apply(0.1, 1.0) < t.apply(0.2, 0.0));
        assert!(t.apply(0.5, 1.0) < t.apply(0.9, 0.0));
        assert_eq!(TieBreak::default().apply(0.2, 1.0), 0.2);
    }
}
