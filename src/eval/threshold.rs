//! What a threshold means, live: how many accounts it flags, precision / recall / F1 against
//! the labels so far, the confusion matrix, the precision–recall curve and a histogram of scores
//! stacked by label. The distribution panel redraws from this on every drag, so building it is
//! one sort (the shared `Ranked` sweep) and the queries are binary searches.

use serde::Serialize;

use crate::log::Label;
use crate::ranked::{Counts, Ranked};

/// Every account's score with its label (1 fraud, 0 legit, -1 unlabelled), ranked; and,
/// where the model learnt from the labels, the labelled accounts' out-of-sample scores that
/// precision and recall are counted on.
pub struct ThresholdView {
    ranked: Ranked,
    graded: Option<Ranked>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct AtThreshold {
    pub flagged: usize,
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_negative: usize,
    /// NaN where undefined, as everywhere (see `ranked`).
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl From<Counts> for AtThreshold {
    fn from(c: Counts) -> Self {
        Self {
            flagged: c.flagged,
            true_positive: c.true_positive,
            false_positive: c.false_positive,
            false_negative: c.false_negative,
            true_negative: c.true_negative,
            precision: c.precision(),
            recall: c.recall(),
            f1: c.f1(),
        }
    }
}

/// One bar of the histogram: accounts in [lo, hi) by label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Bin {
    pub lo: f32,
    pub hi: f32,
    pub fraud: u32,
    pub legit: u32,
    pub unlabelled: u32,
}

impl ThresholdView {
    /// Precision and recall counted on the scores themselves.
    pub fn new(scores: &[f32], labels: &[Label]) -> Self {
        Self {
            ranked: Ranked::new(scores, labels),
            graded: None,
        }
    }

    /// Accounts flagged and drawn by `scores`; precision, recall and the curve counted on
    /// `graded`, each labelled account's out-of-sample score.
    pub fn graded(scores: &[f32], graded: &[f32], labels: &[Label]) -> Self {
        Self {
            ranked: Ranked::new(scores, labels),
            graded: Some(Ranked::labelled(graded, labels)),
        }
    }

    /// Whether precision and recall are counted on out-of-sample scores.
    pub fn is_graded(&self) -> bool {
        self.graded.is_some()
    }

    /// Everything at `threshold` (scores ≥ it are flagged).
    pub fn at(&self, threshold: f32) -> AtThreshold {
        let flagged = self.ranked.at(threshold).flagged;
        let counts = match &self.graded {
            Some(g) => g.at(threshold),
            None => self.ranked.at(threshold),
        };
        AtThreshold {
            flagged,
            ..counts.into()
        }
    }

    /// The precision–recall curve as (recall, precision) points, at most `max_points`.
    pub fn pr_curve(&self, max_points: usize) -> Vec<(f64, f64)> {
        self.graded
            .as_ref()
            .unwrap_or(&self.ranked)
            .pr_curve(max_points)
    }

    /// `bins` equal-width bars over [0, 1].
    pub fn histogram(&self, bins: usize) -> Vec<Bin> {
        let bins = bins.max(1);
        let width = 1.0 / bins as f32;
        let mut out: Vec<Bin> = (0..bins)
            .map(|i| Bin {
                lo: i as f32 * width,
                hi: (i + 1) as f32 * width,
                ..Bin::default()
            })
            .collect();
        for (&s, &l) in self.ranked.scores().iter().zip(self.ranked.labels()) {
            let b = &mut out[((s.clamp(0.0, 1.0) / width) as usize).min(bins - 1)];
            match l {
                Label::Fraud => b.fraud += 1,
                Label::Legit => b.legit += 1,
                Label::Unknown => b.unlabelled += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graded_view_flags_by_the_scores_and_counts_on_the_graded_ones() {
        let scores = [0.95, 0.85, 0.75, 0.45];
        // Out of sample, the fraud account at 0.95 scores only 0.3: a miss at 0.5.
        let graded = [0.3, 0.85, 0.75, 0.45];
        let labels = crate::log::labels_of(&[1, 0, -1, 1]);
        let v = ThresholdView::graded(&scores, &graded, &labels);
        let a = v.at(0.5);
        assert_eq!(a.flagged, 3);
        assert_eq!(
            (a.true_positive, a.false_positive, a.false_negative),
            (0, 1, 2)
        );
        assert!(v.is_graded() && !ThresholdView::new(&scores, &labels).is_graded());
    }

    #[test]
    fn counts_at_a_threshold_and_the_curve() {
        let scores = [0.95, 0.85, 0.75, 0.45, 0.25, 0.15];
        let labels = crate::log::labels_of(&[1, 0, -1, 1, 0, 0]);
        let v = ThresholdView::new(&scores, &labels);
        let a = v.at(0.5);
        assert_eq!(
            (
                a.flagged,
                a.true_positive,
                a.false_positive,
                a.false_negative,
                a.true_negative
            ),
            (3, 1, 1, 1, 2)
        );
        assert!((a.precision - 0.5).abs() < 1e-9 && (a.recall - 0.5).abs() < 1e-9);
        assert_eq!(v.at(0.99).flagged, 0);
        assert!(
            v.at(0.99).precision.is_nan(),
            "nothing flagged: precision is undefined, not 0"
        );
        assert_eq!(v.at(0.0).flagged, 6);
        let pr = v.pr_curve(100);
        assert_eq!(pr.first(), Some(&(0.5, 1.0)));
        assert_eq!(pr.last().map(|p| p.0), Some(1.0));
        let h = v.histogram(10);
        assert_eq!(
            h.iter()
                .map(|b| b.fraud + b.legit + b.unlabelled)
                .sum::<u32>(),
            6
        );
        assert_eq!((h[9].fraud, h[7].unlabelled, h[1].legit), (1, 1, 1));
    }
}
