//! The evaluation table's metrics, as scikit-learn computes them (ties grouped) so figures
//! compare with the Python peer's; all of them read one `Ranked` sweep.

use serde::Serialize;

use crate::log::Label;
use crate::ranked::Ranked;

/// Metrics of scores against labels. NaN (JSON `null`) where a metric is undefined: see
/// `ranked` for the one convention.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

impl Default for Metrics {
    fn default() -> Self {
        Self {
            roc_auc: f64::NAN,
            average_precision: f64::NAN,
            precision_at_100: f64::NAN,
            precision: f64::NAN,
            recall: f64::NAN,
            f1: f64::NAN,
            positives: 0,
            negatives: 0,
        }
    }
}

/// Every metric of `scores` on the labelled rows of `labels`, with P/R/F1 at `threshold`.
pub fn metrics(scores: &[f32], labels: &[Label], threshold: f32) -> Metrics {
    let r = Ranked::labelled(scores, labels);
    let at = r.at(threshold);
    Metrics {
        roc_auc: r.roc_auc(),
        average_precision: r.average_precision(),
        precision_at_100: r.precision_at(100),
        precision: at.precision(),
        recall: at.recall(),
        f1: at.f1(),
        positives: r.positives(),
        negatives: r.negatives(),
    }
}

/// A metric to `decimals` places, or a dash where it is undefined: how tables and panels show
/// every metric.
pub fn metric_text(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        "–".into()
    } else {
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_figures_count_labelled_rows_only() {
        let m = metrics(
            &[0.1, 0.4, 0.35, 0.8],
            &crate::log::labels_of(&[0, 0, 1, -1]),
            0.3,
        );
        assert_eq!((m.positives, m.negatives), (1, 2));
        assert!((m.precision - 0.5).abs() < 1e-9 && (m.recall - 1.0).abs() < 1e-9);
        assert_eq!(metric_text(f64::NAN, 3), "–");
        assert_eq!(metric_text(0.5, 3), "0.500");
    }
}
