//! The one ranked sweep behind every figure computed from scores and labels: the evaluation
//! metrics (ROC-AUC, AP, precision@k, P/R/F1), the live threshold view of the window, and the
//! fitting of a supervised model's thresholds all read the same sorted scores and the same
//! prefix counts, so they cannot disagree.
//!
//! One convention for what is undefined: precision is NaN when nothing labelled is flagged,
//! recall is NaN when no labelled row is fraud, F1 is NaN when either is, ROC-AUC is NaN
//! without both classes and AP is NaN without a fraud row. A NaN is shown as a dash and
//! written as `null` in JSON; it is never silently a 0.

use crate::log::Label;

/// Scores with labels, riskiest first. Unknown labels count as flagged but never as right or
/// wrong.
pub struct Ranked {
    /// Descending; a non-finite score counts as 0.
    scores: Vec<f32>,
    /// The label of each ranked row.
    labels: Vec<Label>,
    /// Fraud and legit among the first k rows, for k in 0..=n.
    fraud_prefix: Vec<u32>,
    legit_prefix: Vec<u32>,
}

/// What a cut flags, against the labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Counts {
    /// Rows at or above the cut, labelled or not.
    pub flagged: usize,
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_negative: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_positive)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.true_positive, self.true_positive + self.false_negative)
    }

    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// The harmonic mean; NaN when either side is undefined, 0 when both are 0.
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision.is_nan() || recall.is_nan() {
        f64::NAN
    } else if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

impl Ranked {
    pub fn new(scores: &[f32], labels: &[Label]) -> Self {
        let mut pairs: Vec<(f32, Label)> = scores
            .iter()
            .zip(labels)
            .map(|(&s, &l)| (if s.is_finite() { s } else { 0.0 }, l))
            .collect();
        // Stable: tied rows keep their input order.
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut fraud_prefix = Vec::with_capacity(pairs.len() + 1);
        let mut legit_prefix = Vec::with_capacity(pairs.len() + 1);
        let (mut f, mut l) = (0u32, 0u32);
        fraud_prefix.push(0);
        legit_prefix.push(0);
        for &(_, y) in &pairs {
            f += u32::from(y.is_fraud());
            l += u32::from(y.is_legit());
            fraud_prefix.push(f);
            legit_prefix.push(l);
        }
        let (scores, labels) = pairs.into_iter().unzip();
        Self {
            scores,
            labels,
            fraud_prefix,
            legit_prefix,
        }
    }

    /// Only the labelled rows of `scores` (what evaluation and threshold fitting rank).
    pub fn labelled(scores: &[f32], labels: &[Label]) -> Self {
        let (s, y): (Vec<f32>, Vec<Label>) = scores
            .iter()
            .zip(labels)
            .filter(|(_, l)| l.is_known())
            .map(|(&s, &l)| (s, l))
            .unzip();
        Self::new(&s, &y)
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    pub fn positives(&self) -> usize {
        self.fraud_prefix[self.len()] as usize
    }

    pub fn negatives(&self) -> usize {
        self.legit_prefix[self.len()] as usize
    }

    /// The scores, riskiest first.
    pub fn scores(&self) -> &[f32] {
        &self.scores
    }

    /// The labels in rank order.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// What the first `k` rows (the riskiest) flag.
    pub fn at_cut(&self, k: usize) -> Counts {
        let k = k.min(self.len());
        let tp = self.fraud_prefix[k] as usize;
        let fp = self.legit_prefix[k] as usize;
        Counts {
            flagged: k,
            true_positive: tp,
            false_positive: fp,
            false_negative: self.positives() - tp,
            true_negative: self.negatives() - fp,
        }
    }

    /// What `threshold` flags (scores at or above it).
    pub fn at(&self, threshold: f32) -> Counts {
        self.at_cut(self.scores.partition_point(|&s| s >= threshold))
    }

    /// The cuts that fall between distinct scores, riskiest first: (the lowest score flagged,
    /// how many rows are flagged).
    pub fn distinct_cuts(&self) -> impl Iterator<Item = (f32, usize)> + '_ {
        let n = self.len();
        (1..=n)
            .filter(move |&k| k == n || self.scores[k] != self.scores[k - 1])
            .map(move |k| (self.scores[k - 1], k))
    }

    /// The chance a random fraud row outranks a random legit one (ties count half).
    pub fn roc_auc(&self) -> f64 {
        let (pos, neg) = (self.positives() as f64, self.negatives() as f64);
        if pos == 0.0 || neg == 0.0 {
            return f64::NAN;
        }
        let (mut sum, mut above) = (0.0f64, 0usize);
        for (_, k) in self.distinct_cuts() {
            let before = self.at_cut(above);
            let after = self.at_cut(k);
            let p = (after.true_positive - before.true_positive) as f64;
            let n = (after.false_positive - before.false_positive) as f64;
            sum += p * (after.true_negative as f64 + n / 2.0);
            above = k;
        }
        sum / (pos * neg)
    }

    /// Average precision as scikit-learn computes it: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct scores.
    pub fn average_precision(&self) -> f64 {
        self.average_precision_of_sample(1.0)
    }

    /// Average precision of the rows these stand for, when each legit row stands for
    /// `legit_weight` of them (a sample that kept every fraud row and one legit row in so
    /// many): precision counts each false positive that many times. Graded on the sample
    /// itself, AP flatters a model in proportion to what was dropped.
    pub fn average_precision_of_sample(&self, legit_weight: f64) -> f64 {
        if self.positives() == 0 {
            return f64::NAN;
        }
        let (mut ap, mut last_recall) = (0.0, 0.0);
        for (_, k) in self.distinct_cuts() {
            let c = self.at_cut(k);
            let recall = c.recall();
            if c.true_positive + c.false_positive > 0 {
                let (tp, fp) = (c.true_positive as f64, c.false_positive as f64);
                ap += (recall - last_recall) * tp / (tp + legit_weight * fp);
            }
            last_recall = recall;
        }
        ap
    }

    /// Precision among the `k` riskiest labelled rows (NaN with none).
    pub fn precision_at(&self, k: usize) -> f64 {
        let labelled = self.positives() + self.negatives();
        let k = k.min(labelled);
        if k == 0 {
            return f64::NAN;
        }
        // The first cut with k labelled rows above it.
        let cut = (1..=self.len())
            .find(|&i| (self.fraud_prefix[i] + self.legit_prefix[i]) as usize == k)
            .unwrap_or(self.len());
        self.fraud_prefix[cut] as f64 / k as f64
    }

    /// (recall, precision) at every distinct cut with a labelled row above it, thinned evenly
    /// to at most `max_points`.
    pub fn pr_curve(&self, max_points: usize) -> Vec<(f64, f64)> {
        if self.positives() == 0 {
            return Vec::new();
        }
        let mut points: Vec<(f64, f64)> = self
            .distinct_cuts()
            .map(|(_, k)| self.at_cut(k))
            .filter(|c| c.true_positive + c.false_positive > 0)
            .map(|c| (c.recall(), c.precision()))
            .collect();
        if points.len() > max_points && max_points > 1 {
            let step = (points.len() - 1) as f64 / (max_points - 1) as f64;
            points = (0..max_points)
                .map(|i| points[(i as f64 * step).round() as usize])
                .collect();
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::labels_of;

    #[test]
    fn a_sample_graded_as_the_rows_it_stands_for() {
        // Each legit row standing for two: the same ranking with every legit row doubled.
        let doubled = Ranked::new(
            &[0.9, 0.8, 0.8, 0.7, 0.6, 0.6],
            &labels_of(&[1, 0, 0, 1, 0, 0]),
        );
        let sampled = Ranked::new(&[0.9, 0.8, 0.7, 0.6], &labels_of(&[1, 0, 1, 0]));
        let ap = sampled.average_precision_of_sample(2.0);
        assert!((ap - doubled.average_precision()).abs() < 1e-12);
        assert!(ap < sampled.average_precision());
    }

    #[test]
    fn matches_scikit_learn_on_a_small_case() {
        // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75,
        // average_precision_score(...) = 0.8333.
        let r = Ranked::new(&[0.1, 0.4, 0.35, 0.8], &labels_of(&[0, 0, 1, 1]));
        assert!((r.roc_auc() - 0.75).abs() < 1e-9);
        assert!((r.average_precision() - 0.833_333_333).abs() < 1e-6);
        // Ties: all equal scores give AUC 0.5 and AP the positive rate.
        let tied = Ranked::new(&[0.5; 4], &labels_of(&[0, 0, 1, 1]));
        assert!((tied.roc_auc() - 0.5).abs() < 1e-9);
        assert!((tied.average_precision() - 0.5).abs() < 1e-9);
        // Unlabelled rows change neither.
        let mixed = Ranked::new(
            &[0.1, 0.9, 0.4, 0.35, 0.8, 0.2],
            &labels_of(&[0, -1, 0, 1, 1, -1]),
        );
        assert!((mixed.roc_auc() - 0.75).abs() < 1e-9);
        assert!((mixed.average_precision() - 0.833_333_333).abs() < 1e-6);
        assert!((mixed.precision_at(1) - 1.0).abs() < 1e-9);
        assert!((mixed.precision_at(2) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn undefined_is_nan_everywhere() {
        let r = Ranked::new(&[0.9, 0.2], &labels_of(&[0, 0]));
        assert!(r.roc_auc().is_nan() && r.average_precision().is_nan());
        let nothing = r.at(0.95);
        assert_eq!(nothing.flagged, 0);
        assert!(nothing.precision().is_nan() && nothing.recall().is_nan());
        assert!(nothing.f1().is_nan());
        let wrong = Ranked::new(&[0.9, 0.2], &labels_of(&[0, 1])).at(0.5);
        assert_eq!(
            (wrong.precision(), wrong.recall(), wrong.f1()),
            (0.0, 0.0, 0.0)
        );
    }
}
