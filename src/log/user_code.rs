//! An account as the program numbers it: its code in the log's user dictionary. Codes are
//! dense (0..users) and only grow as a log grows, so they index every per-user table (scores,
//! labels, account features) and stay valid when a live watch adds accounts.

use serde::{Deserialize, Serialize};

/// A user's code in the log's user dictionary.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
#[repr(transparent)]
pub struct UserCode(u32);

impl UserCode {
    /// The code of the `index`th user. Dictionaries hold at most `u32::MAX` values, so every
    /// index of a per-user table is a code.
    pub fn from_index(index: usize) -> Self {
        Self(u32::try_from(index).unwrap_or(u32::MAX))
    }

    pub fn from_raw(code: u32) -> Self {
        Self(code)
    }

    /// Where the user's row is in a per-user table.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The code as the dictionary stores it.
    pub fn raw(self) -> u32 {
        self.0
    }

    /// Every code of a log with `users` users, in order.
    pub fn all(users: usize) -> impl DoubleEndedIterator<Item = UserCode> + ExactSizeIterator {
        (0..users).map(Self::from_index)
    }
}

impl std::fmt::Display for UserCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}
