//! The behaviour model's reading of a log: each event a token (its type, amount bucket, hour,
//! gap since the account's previous event and its entity values, hashed), and the passes the
//! model reads, each a run of an account's events with the bounded past before it.

mod batch;
mod passes;
mod vocab;

pub use batch::{GAP_CLASSES, HOUR_CLASSES, ROLE_STATES, TokenBatch, same_padding};
pub use passes::{
    MAX_PASS_TOKENS, Pass, account_passes, behaviour_context_from, pass_before, passes_of,
};
pub use vocab::{HASH_BUCKETS, LogTokens, TokenVocab};
