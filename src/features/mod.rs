//! Behaviour features: per-account aggregates, per-event as-of features and padded sequences,
//! computed once per log and shared by every detector.

mod account;
mod dataset;
mod error;
mod event;
mod knowledge;
mod matrix;
mod scale;
mod sequence;
mod spec;
mod vocab;

pub use account::AccountFeatures;
pub use dataset::{Dataset, LabelledLog};
pub use error::FeatureError;
pub use event::{EventFeatures, lookback_ms};
pub use knowledge::LabelKnowledge;
pub use matrix::Matrix;
pub use scale::Scaler;
pub use sequence::{Sequences, build_sequences};
pub use spec::{FeatureSpec, FeatureTable, Unit};
pub use vocab::{Act, act_of};
