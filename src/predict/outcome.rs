//! What a prediction gives back: one line per user asked, and the grades of the model and its
//! baselines where the log shows what really happened.

use serde::Serialize;

use super::evaluate::Figures;
use super::request::Target;

/// One user's prediction. For purchase and churn, `probability` is that of "yes"; for the next
/// event it is that of the predicted class.
#[derive(Clone, Debug, Serialize)]
pub struct UserPrediction {
    pub user: String,
    pub predicted: u32,
    pub probability: f32,
    pub baseline_predicted: u32,
    pub baseline_probability: f32,
    /// What happened in [T, T+H), when the log reaches past T.
    pub actual: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// Users graded (those asked that have an answer in the log).
    pub users: usize,
    /// For purchase and churn: the share of graded users whose answer was yes (NaN for the
    /// next event).
    pub positive_rate: f64,
    /// The model first; given a behaviour model, the model that reads its expectations too
    /// and (for the next event) its head alone; then the baselines.
    pub figures: Vec<Figures>,
    /// Set when the log ends inside the horizon: later events are unknown, not absent.
    pub partial: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    pub target: Target,
    pub at_ms: i64,
    pub horizon_ms: i64,
    /// The class names: "no"/"yes", or the event types for the next event.
    pub classes: Vec<String>,
    /// The event types counted as purchases.
    pub purchase_types: Vec<String>,
    pub training_cutoffs: Vec<i64>,
    pub training_examples: usize,
    pub rows: Vec<UserPrediction>,
    pub evaluation: Option<Evaluation>,
}
