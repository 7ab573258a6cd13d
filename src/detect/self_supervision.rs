//! What a model that learns without labels learnt, measured on passes it did not train on:
//! how often it names the next event's type, against the two habits an analyst would guess
//! from (the account's most frequent type so far, and the log's most frequent type).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfSupervision {
    /// Held-out events graded.
    pub events: usize,
    /// The share of them whose type the model ranked first before reading it.
    pub next_type_accuracy: f64,
    /// The same share for "the type the account used most in the events read before it"
    /// (the log's most frequent type when it had none).
    pub account_habit_accuracy: f64,
    /// The same share for "the log's most frequent type".
    pub log_habit_accuracy: f64,
    /// The share of the learnt events read with an earlier event of their account: 0 when
    /// every account has one event, and the model learnt which events are common and
    /// nothing of sequences.
    pub with_history: f64,
}

impl SelfSupervision {
    /// Whether the model had sequences to learn from.
    pub fn learnt_sequences(&self) -> bool {
        self.with_history > 0.0
    }
}
