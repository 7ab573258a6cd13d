//! What a threshold means, live: how many accounts it flags, precision / recall / F1 against
//! the labels so far, the confusion matrix, the precision–recall curve and a histogram of scores
//! stacked by label. The distribution panel redraws from this on every drag, so building it is
//! one sort and the queries are binary searches.

use serde::Serialize;

/// Scores with labels, sorted riskiest first.
pub struct ThresholdView {
    /// (score, label) with label 1 fraud, 0 legit, -1 unlabelled; descending by score.
    ranked: Vec<(f32, i8)>,
    /// Prefix counts over `ranked`: fraud and legit among the first k.
    fraud_prefix: Vec<u32>,
    legit_prefix: Vec<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct AtThreshold {
    pub flagged: usize,
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_negative: usize,
    /// Of the labelled flagged accounts, the share that is fraud (NaN with none labelled).
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
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
    pub fn new(scores: &[f32], labels: &[i8]) -> Self {
        let mut ranked: Vec<(f32, i8)> = scores
            .iter()
            .zip(labels)
            .map(|(&s, &l)| (if s.is_finite() { s } else { 0.0 }, l))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut fraud_prefix = vec![0u32; ranked.len() + 1];
        let mut legit_prefix = vec![0u32; ranked.len() + 1];
        for (i, &(_, l)) in ranked.iter().enumerate() {
            fraud_prefix[i + 1] = fraud_prefix[i] + u32::from(l == 1);
            legit_prefix[i + 1] = legit_prefix[i] + u32::from(l == 0);
        }
        Self {
            ranked,
            fraud_prefix,
            legit_prefix,
        }
    }

    /// Everything at `threshold` (scores ≥ it are flagged).
    pub fn at(&self, threshold: f32) -> AtThreshold {
        let k = self.ranked.partition_point(|&(s, _)| s >= threshold);
        let n = self.ranked.len();
        let tp = self.fraud_prefix[k] as usize;
        let fp = self.legit_prefix[k] as usize;
        let fraud = self.fraud_prefix[n] as usize;
        let legit = self.legit_prefix[n] as usize;
        let precision = if tp + fp > 0 {
            tp as f64 / (tp + fp) as f64
        } else {
            f64::NAN
        };
        let recall = if fraud > 0 {
            tp as f64 / fraud as f64
        } else {
            f64::NAN
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            f64::NAN
        };
        AtThreshold {
            flagged: k,
            true_positive: tp,
            false_positive: fp,
            false_negative: fraud - tp,
            true_negative: legit - fp,
            precision,
            recall,
            f1,
        }
    }

    /// The precision–recall curve as (recall, precision) points, one per distinct score among
    /// labelled accounts, at most `max_points` of them (evenly thinned).
    pub fn pr_curve(&self, max_points: usize) -> Vec<(f64, f64)> {
        let n = self.ranked.len();
        let fraud = self.fraud_prefix[n] as f64;
        if fraud == 0.0 {
            return Vec::new();
        }
        let mut points = Vec::new();
        for k in 1..=n {
            let last_of_tie = k == n || self.ranked[k].0 != self.ranked[k - 1].0;
            let labelled = self.fraud_prefix[k] + self.legit_prefix[k];
            if last_of_tie && labelled > 0 {
                points.push((
                    self.fraud_prefix[k] as f64 / fraud,
                    self.fraud_prefix[k] as f64 / labelled as f64,
                ));
            }
        }
        if points.len() > max_points && max_points > 1 {
            let step = (points.len() - 1) as f64 / (max_points - 1) as f64;
            points = (0..max_points)
                .map(|i| points[(i as f64 * step).round() as usize])
                .collect();
        }
        points
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
        for &(s, l) in &self.ranked {
            let b = &mut out[((s.clamp(0.0, 1.0) / width) as usize).min(bins - 1)];
            match l {
                1 => b.fraud += 1,
                0 => b.legit += 1,
                _ => b.unlabelled += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_at_a_threshold_and_the_curve() {
        let scores = [0.95, 0.85, 0.75, 0.45, 0.25, 0.15];
        let labels = [1, 0, -1, 1, 0, 0];
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
