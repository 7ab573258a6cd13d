//! Detectors: each scores every account and every event in [0, 1] (higher is riskier), and the
//! reasons for an account's score are said in the analyst's words.
//!
//! A detector is a user-level model on account features plus an event-level model on event
//! features (tabular detectors), or one sequence network giving both (gru, cnn_gru), or the
//! behaviour model: a Transformer that learns normal behaviour from every event, without labels.

mod artifact;
mod calibrate;
mod detector;
mod ensemble;
mod error;
mod event_reasons;
mod gbdt;
mod graded;
mod holdout;
mod iforest;
mod level_model;
pub mod neural;
mod out_of_fold;
mod outlook;
mod parallel;
mod readings;
mod reasons;
mod registry;
mod segment_distance;
mod selection;
mod self_supervision;
mod state;
mod tabular;
mod zscore;

pub use crate::risk::{Risk, Thresholds};
pub use artifact::{
    FORMAT_VERSION, Fingerprint, ModelMeta, TrainingRecord, align_features, load_model, save_model,
};
pub use calibrate::{Calibration, LevelThresholds};
pub use detector::{Detector, DetectorKind, Level, Scores, TrainOptions, TrainingCurve};
pub use error::DetectError;
pub use graded::Graded;
pub use holdout::{EventSample, MAX_EVENT_TRAIN_ROWS, event_sample, sample_key};
pub use outlook::NextEventOutlook;
pub use reasons::{Bound, FraudOf, Reason, Says, Unexpected, reasons_for};
pub use registry::{new_detector, restore_detector};
pub use selection::{DEFAULT_SEARCH_BUDGET, Holdout, Selection};
pub use self_supervision::SelfSupervision;
pub use state::State;
pub use tabular::TabularDetector;
