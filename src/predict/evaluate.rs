//! Predictions against what really happened: ROC-AUC and AP for the yes/no targets, accuracy
//! for the next event, and the log loss of both; NaN where a figure is undefined.

use serde::Serialize;

use crate::log::Label;
use crate::ranked::Ranked;

#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// "model", "recency-frequency logistic", "base rate", "most frequent event".
    pub name: String,
    pub roc_auc: f64,
    pub average_precision: f64,
    /// Share of users whose most likely class was the right one.
    pub accuracy: f64,
    pub log_loss: f64,
}

/// `probabilities` holds `classes` values per user, `actual` each user's true class.
pub fn figures(name: &str, probabilities: &[f32], classes: usize, actual: &[u32]) -> Figures {
    let n = actual.len();
    let (mut right, mut loss) = (0usize, 0f64);
    for (i, &truth) in actual.iter().enumerate() {
        let row = &probabilities[i * classes..(i + 1) * classes];
        let best = (0..classes)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap_or(0);
        right += usize::from(best as u32 == truth);
        let p = row.get(truth as usize).copied().unwrap_or(0.0) as f64;
        loss -= p.clamp(1e-7, 1.0).ln();
    }
    let (roc_auc, average_precision) = if classes == 2 {
        let yes: Vec<f32> = (0..n).map(|i| probabilities[i * 2 + 1]).collect();
        let labels: Vec<Label> = actual.iter().map(|&a| Label::of_fraud(a == 1)).collect();
        let ranked = Ranked::new(&yes, &labels);
        (ranked.roc_auc(), ranked.average_precision())
    } else {
        (f64::NAN, f64::NAN)
    };
    let per_user = |v: f64| if n == 0 { f64::NAN } else { v / n as f64 };
    Figures {
        name: name.to_string(),
        roc_auc,
        average_precision,
        accuracy: per_user(right as f64),
        log_loss: per_user(loss),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_ranking_and_a_coin() {
        let p = [0.9, 0.1, 0.2, 0.8, 0.7, 0.3];
        let perfect = figures("m", &p, 2, &[0, 1, 0]);
        assert_eq!(perfect.roc_auc, 1.0);
        assert_eq!(perfect.accuracy, 1.0);
        let coin = figures("c", &[0.5; 6], 2, &[0, 1, 0]);
        assert_eq!(coin.roc_auc, 0.5);
        assert!((coin.log_loss - 2f64.ln()).abs() < 1e-6);
        let three = figures("n", &[0.2, 0.5, 0.3], 3, &[2]);
        assert_eq!(three.accuracy, 0.0);
        assert!(three.roc_auc.is_nan());
    }
}
