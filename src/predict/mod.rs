//! Behaviour prediction at a cut-off T for a horizon H: the probability of a purchase in
//! [T, T+H), of churn (an active user doing nothing in it), and the most likely next event.
//!
//! Nothing at or after T is read to train or to predict: the log is cut at T first, the model
//! learns from earlier cut-offs (T-H, T-5H/4, ...) whose answers all lie before T, and only the
//! evaluation reads [T, T+H), to grade the predictions against what really happened. Each
//! target is graded beside its baseline: a recency-frequency logistic regression and the base
//! rate for purchase and churn, the user's most frequent event for the next event. Given a
//! behaviour model pretrained before T, its next-event head's expectations of each user join
//! the features of a second model (`encoder.rs`), graded beside the first.

mod encoder;
mod evaluate;
mod examples;
mod features;
mod models;
mod outcome;
mod request;
mod run;
mod standardise;
mod targets;
mod timeline;
mod vocabulary;

pub use evaluate::Figures;
pub use outcome::{Evaluation, Prediction, UserPrediction};
pub use request::{PredictError, PredictOptions, Target};
pub use run::predict;
pub use vocabulary::OTHER;
