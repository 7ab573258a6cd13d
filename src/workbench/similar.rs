//! Similar accounts: the accounts nearest to one in behaviour (its standardised account
//! features), whether or not they share a device, address or any other entity with it. A
//! ring's members behave alike even when each uses its own phone.

use super::session::Session;
use crate::features::Scaler;

/// Accounts the view lists by default.
pub const SIMILAR_SHOWN: usize = 20;

/// One account near the one looked at.
#[derive(Clone, Debug, PartialEq)]
pub struct SimilarAccount {
    pub user: usize,
    /// Distance in standardised units (0: identical behaviour).
    pub distance: f32,
}

impl Session {
    /// The `k` accounts nearest to `u` in behaviour, nearest first (never `u` itself). The
    /// features are scaled as the model scaled them when it has a scaler, else on this log.
    pub fn similar_accounts(&self, u: usize, k: usize) -> Vec<SimilarAccount> {
        let values = &self.data.account.values;
        if u >= values.rows {
            return Vec::new();
        }
        let fitted;
        let scaler = match self.model.detector.account_scaler() {
            Some(s) if s.cols() == values.cols => s,
            _ => {
                fitted = Scaler::fit(values);
                &fitted
            }
        };
        let scaled = scaler.transform(values);
        let me = scaled.row(u);
        let mut near: Vec<SimilarAccount> = (0..scaled.rows)
            .filter(|&v| v != u)
            .map(|v| SimilarAccount {
                user: v,
                distance: scaled
                    .row(v)
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
}
