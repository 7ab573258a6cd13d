//! Similar accounts: the accounts nearest to one in behaviour, whether or not they share a
//! device, address or any other entity with it. A ring's members behave alike even when each
//! uses its own phone. Behaviour is read two ways: the standardised account features, and,
//! when the model is a sequence network, its own reading of each account's events.

use super::session::Session;
use crate::features::{Matrix, Scaler};
use crate::log::UserCode;

/// Accounts the view lists by default.
pub const SIMILAR_SHOWN: usize = 20;

/// What "behaves alike" is measured in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Likeness {
    /// The account features, standardised.
    #[default]
    Features,
    /// The sequence model's reading of the account's events (`ModelState::embedding`).
    SequenceModel,
}

/// One account near the one looked at.
#[derive(Clone, Debug, PartialEq)]
pub struct SimilarAccount {
    pub user: UserCode,
    /// Distance in the space measured (0: identical behaviour).
    pub distance: f32,
}

impl Session {
    /// The `k` accounts nearest to `u`, nearest first (never `u` itself). By features, they
    /// are scaled as the model scaled them when it has a scaler, else on this log. Empty by
    /// the sequence model when the model has no reading of the accounts.
    pub fn similar_accounts(&self, u: UserCode, k: usize, by: Likeness) -> Vec<SimilarAccount> {
        match by {
            Likeness::Features => {
                let values = &self.data.account.values;
                let fitted;
                let scaler = match self.model.detector.account_scaler() {
                    Some(s) if s.cols() == values.cols => s,
                    _ => {
                        fitted = Scaler::fit(values);
                        &fitted
                    }
                };
                nearest(&scaler.transform(values), u, k)
            }
            Likeness::SequenceModel => match &self.model.embedding {
                Some(m) => nearest(m, u, k),
                None => Vec::new(),
            },
        }
    }
}

/// The `k` rows of `space` nearest to user `u`'s row (Euclidean), nearest first, ties by row.
fn nearest(space: &Matrix, u: UserCode, k: usize) -> Vec<SimilarAccount> {
    if u.index() >= space.rows {
        return Vec::new();
    }
    let me = space.row(u.index());
    let mut near: Vec<SimilarAccount> = UserCode::all(space.rows)
        .filter(|&v| v != u)
        .map(|v| SimilarAccount {
            user: v,
            distance: space
                .row(v.index())
                .iter()
                .zip(me)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f32>()
                .sqrt(),
        })
        .collect();
    let k = k.min(near.len());
    if k == 0 {
        return Vec::new();
    }
    near.select_nth_unstable_by(k - 1, |a, b| a.distance.total_cmp(&b.distance));
    near.truncate(k);
    near.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.user.cmp(&b.user)));
    near
}
