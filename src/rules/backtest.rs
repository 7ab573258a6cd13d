//! A rule's backtest: which accounts it hits, and how those hits stand against the labels
//! known so far and against the model's flags.

use serde::Serialize;

use crate::log::{Label, UserCode};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    /// The accounts hit, ascending.
    pub hits: Vec<UserCode>,
    /// Hits with a label (fraud or legit).
    pub labelled_hits: usize,
    pub fraud_hits: usize,
    /// Fraud accounts among all labelled ones.
    pub fraud_total: usize,
    /// Fraud among the labelled hits; NaN with no labelled hit.
    pub precision: f64,
    /// Share of the fraud accounts hit; NaN with no fraud labelled.
    pub recall: f64,
    /// Hits the model flags as well.
    pub also_flagged: usize,
    /// Accounts the model flags.
    pub flagged: usize,
}

/// Grades the per-account `hit` against the accounts' `labels` and the model's `flagged`
/// accounts.
pub fn backtest(hit: &[bool], labels: &[Label], flagged: &[bool]) -> Backtest {
    let hits: Vec<UserCode> = UserCode::all(hit.len())
        .filter(|u| hit[u.index()])
        .collect();
    let labelled_hits = hits.iter().filter(|u| labels[u.index()].is_known()).count();
    let fraud_hits = hits.iter().filter(|u| labels[u.index()].is_fraud()).count();
    let fraud_total = labels.iter().filter(|l| l.is_fraud()).count();
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    Backtest {
        also_flagged: hits.iter().filter(|u| flagged[u.index()]).count(),
        flagged: flagged.iter().filter(|&&f| f).count(),
        precision: ratio(fraud_hits, labelled_hits),
        recall: ratio(fraud_hits, fraud_total),
        hits,
        labelled_hits,
        fraud_hits,
        fraud_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_hand() {
        // Accounts: 0 fraud hit, 1 legit hit, 2 unknown hit, 3 fraud missed, 4 legit missed.
        let hit = [true, true, true, false, false];
        let labels = crate::log::labels_of(&[1, 0, -1, 1, 0]);
        let flagged = [true, false, true, true, false];
        let b = backtest(&hit, &labels, &flagged);
        assert_eq!(b.hits, UserCode::all(3).collect::<Vec<_>>());
        assert_eq!((b.labelled_hits, b.fraud_hits, b.fraud_total), (2, 1, 2));
        assert_eq!((b.precision, b.recall), (0.5, 0.5));
        assert_eq!((b.also_flagged, b.flagged), (2, 3));
        let none = backtest(&[false; 2], &[Label::Unknown; 2], &[false; 2]);
        assert!(none.precision.is_nan() && none.recall.is_nan());
    }
}
