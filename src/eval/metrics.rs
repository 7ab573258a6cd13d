//! Ranking and threshold metrics, computed as scikit-learn does (ties grouped), so figures
//! compare with the Python peer's.

use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub roc_auc: f64,
    pub average_precision: f64,
    pub precision_at_100: f64,
    /// At the detector's suspicious threshold.
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub positives: usize,
    pub negatives: usize,
}

/// Pairs of (score, is_fraud) for the labelled rows, riskiest first.
fn ranked(scores: &[f32], labels: &[i8]) -> Vec<(f32, bool)> {
    let mut v: Vec<(f32, bool)> = scores
        .iter()
        .zip(labels)
        .filter(|(_, l)| **l == 0 || **l == 1)
        .map(|(&s, &l)| (if s.is_finite() { s } else { 0.0 }, l == 1))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v
}

/// Area under the ROC curve: the chance a random fraud row outranks a random legit one
/// (ties count half).
pub fn roc_auc(scores: &[f32], labels: &[i8]) -> f64 {
    let v = ranked(scores, labels);
    let pos = v.iter().filter(|x| x.1).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    // Walk from the lowest score up, group by tied scores.
    let (mut negatives_below, mut sum) = (0.0f64, 0.0f64);
    let mut i = v.len();
    while i > 0 {
        let s = v[i - 1].0;
        let mut j = i;
        let (mut p, mut n) = (0.0, 0.0);
        while j > 0 && v[j - 1].0 == s {
            if v[j - 1].1 {
                p += 1.0
            } else {
                n += 1.0
            }
            j -= 1;
        }
        sum += p * (negatives_below + n / 2.0);
        negatives_below += n;
        i = j;
    }
    sum / (pos * neg)
}

/// Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds.
pub fn average_precision(scores: &[f32], labels: &[i8]) -> f64 {
    let v = ranked(scores, labels);
    let pos = v.iter().filter(|x| x.1).count() as f64;
    if pos == 0.0 {
        return f64::NAN;
    }
    let (mut tp, mut ap, mut last_recall) = (0.0f64, 0.0f64, 0.0f64);
    for k in 0..v.len() {
        tp += f64::from(u8::from(v[k].1));
        if v.get(k + 1).is_some_and(|next| next.0 == v[k].0) {
            continue;
        }
        let recall = tp / pos;
        ap += (recall - last_recall) * tp / (k + 1) as f64;
        last_recall = recall;
    }
    ap
}

pub fn precision_at(scores: &[f32], labels: &[i8], k: usize) -> f64 {
    let v = ranked(scores, labels);
    let k = k.min(v.len());
    if k == 0 {
        return f64::NAN;
    }
    v[..k].iter().filter(|x| x.1).count() as f64 / k as f64
}

pub fn metrics(scores: &[f32], labels: &[i8], threshold: f32) -> Metrics {
    let v = ranked(scores, labels);
    let positives = v.iter().filter(|x| x.1).count();
    let flagged: Vec<&(f32, bool)> = v.iter().filter(|x| x.0 >= threshold).collect();
    let tp = flagged.iter().filter(|x| x.1).count() as f64;
    let precision = if flagged.is_empty() {
        0.0
    } else {
        tp / flagged.len() as f64
    };
    let recall = if positives == 0 {
        0.0
    } else {
        tp / positives as f64
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Metrics {
        roc_auc: roc_auc(scores, labels),
        average_precision: average_precision(scores, labels),
        precision_at_100: precision_at(scores, labels, 100),
        precision,
        recall,
        f1,
        positives,
        negatives: v.len() - positives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scikit_learn_on_a_small_case() {
        // sklearn: roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) = 0.75,
        // average_precision_score(...) = 0.8333.
        let s = [0.1, 0.4, 0.35, 0.8];
        let y = [0, 0, 1, 1];
        assert!((roc_auc(&s, &y) - 0.75).abs() < 1e-9);
        assert!((average_precision(&s, &y) - 0.833_333_333).abs() < 1e-6);
        // Ties: all equal scores give AUC 0.5 and AP the positive rate.
        assert!((roc_auc(&[0.5; 4], &y) - 0.5).abs() < 1e-9);
        assert!((average_precision(&[0.5; 4], &y) - 0.5).abs() < 1e-9);
        let m = metrics(&s, &[0, 0, 1, -1], 0.3);
        assert_eq!((m.positives, m.negatives), (1, 2));
        assert!((m.precision - 0.5).abs() < 1e-9 && (m.recall - 1.0).abs() < 1e-9);
    }
}
