//! What a model that reads each account's events made of a dataset (the behaviour model's
//! readings of each event and account), as columns the ensemble's heads may read beside the
//! features. The columns come in nested groups, most telling first; the search over time
//! decides how many of them earn their place.

use super::Level;
use crate::features::Matrix;

/// One row per account and one per featured event row of a dataset, and per level the widths a
/// head may read: each a prefix of the columns, narrowest first (0: none of them).
pub struct Readings {
    pub user: Matrix,
    pub event: Matrix,
    pub user_widths: Vec<usize>,
    pub event_widths: Vec<usize>,
}

impl Readings {
    pub fn at(&self, level: Level) -> (&Matrix, &[usize]) {
        match level {
            Level::User => (&self.user, &self.user_widths),
            Level::Event => (&self.event, &self.event_widths),
        }
    }
}
