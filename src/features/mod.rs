//! Behaviour features: per-account aggregates, per-event as-of features and padded sequences,
//! computed once per log and shared by every detector.

mod account;
mod account_aggregates;
mod blocks;
mod dataset;
mod error;
mod event;
mod event_state;
mod knowledge;
mod live;
mod matrix;
mod phrase;
mod scale;
mod sequence;
mod spec;
mod tokens;
mod vocab;

pub use account::{AccountFeatures, account_features_with_types, main_type_names, shared_users_of};
pub use blocks::{
    Block, BlockCounts, Blocks, GroupKey, Grouping, block_counts, entity_block_rows,
    type_block_rows,
};
pub use dataset::{Dataset, LabelledLog};
pub use error::FeatureError;
pub use event::{
    EventFamily, EventFeatures, event_features_given, family_features, family_features_in_block,
    family_groupings, lookback_ms,
};
pub use event_state::FraudSpan;
pub use knowledge::{LabelKnowledge, UserKnowledge};
pub use live::LiveFeatures;
pub use matrix::{GroupMeans, Matrix};
pub use phrase::{Phrase, RiskMeasure, RiskOf, Window};
pub use scale::{Scaler, slog};
pub use sequence::{Sequences, build_sequences, day_windows, sequence_context_from, sequence_day};
pub use spec::{FeatureSpec, FeatureTable, Unit};
pub use tokens::{
    GAP_CLASSES, HASH_BUCKETS, HOUR_CLASSES, LogTokens, MAX_PASS_TOKENS, Pass, ROLE_STATES,
    TokenBatch, TokenVocab, account_passes, behaviour_context_from, pass_before, passes_of,
    same_padding,
};
pub use vocab::{Act, act_of};
