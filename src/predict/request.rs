//! What a prediction is asked: the target, the cut-off, the horizon; and what can go wrong.

use serde::{Deserialize, Serialize};

use crate::detect::DetectError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Purchase,
    Churn,
    NextEvent,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Purchase => "purchase",
            Target::Churn => "churn",
            Target::NextEvent => "next-event",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error(
        "no event type looks like a purchase (order, buy, purchase, checkout, pay, 下单, 购买, ...); the log has: {}",
        types.join(", ")
    )]
    NoPurchaseType { types: Vec<String> },
    #[error("horizon: expected a positive duration such as 30d")]
    BadHorizon,
    #[error("nothing happened before {at}: a prediction needs history before its cut-off")]
    NothingBefore { at: String },
    #[error(
        "only {history_days:.1} days of history before {at}, the first event being at {first}: \
         the model learns from what happened in the horizon ({horizon_days:.1} days) after \
         an earlier cut-off, so choose a later --at or a shorter --horizon"
    )]
    TooLittleHistory {
        at: String,
        first: String,
        history_days: f64,
        horizon_days: f64,
    },
    #[error(
        "no {target} examples to learn from before {at} (no user qualifies at any earlier cut-off)"
    )]
    NoExamples { target: &'static str, at: String },
    #[error(
        "a {detector} model has no next-event head to predict with; give a behaviour model \
         (`vigil train LOG --detector behaviour --until T --out DIR`)"
    )]
    NoNextEventHead { detector: String },
    #[error(transparent)]
    Model(#[from] DetectError),
}

#[derive(Clone, Debug)]
pub struct PredictOptions {
    pub target: Target,
    /// The cut-off T, in ms since the epoch.
    pub at_ms: i64,
    pub horizon_ms: i64,
    pub seed: u64,
    /// Training epochs; 0 chooses from the data size.
    pub epochs: usize,
}

impl PredictOptions {
    /// The checks that need no log, so a bad argument is refused before one is read.
    pub fn check(&self) -> Result<(), PredictError> {
        match self.horizon_ms > 0 {
            true => Ok(()),
            false => Err(PredictError::BadHorizon),
        }
    }
}
