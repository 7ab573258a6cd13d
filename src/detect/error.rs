use std::path::PathBuf;

use super::neural::NeuralError;
use crate::features::FeatureError;

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(
        "{detector} is supervised and needs labels: none of the training users has one (give --labels or map the log's label column)"
    )]
    NeedsLabels { detector: &'static str },
    #[error(
        "{detector} needs both fraud and legit labels among the training users; got {positive} fraud and {negative} legit"
    )]
    OneClass {
        detector: &'static str,
        positive: usize,
        negative: usize,
    },
    #[error(transparent)]
    Neural(#[from] NeuralError),
    #[error("the model's parameters could not be {action}: {source}")]
    Params {
        /// "read" or "written".
        action: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the model file lacks weight '{name}'")]
    MissingWeight { name: String },
    #[error("weight '{name}' has shape {found:?}, the network needs {expected:?}")]
    WeightShape {
        name: String,
        found: Vec<usize>,
        expected: Vec<usize>,
    },
    #[error(
        "{detector} reads each user's days as sequences: it learns from every event's features"
    )]
    NeedsEveryEvent { detector: &'static str },
    #[error("{detector} has no event to learn from: the training accounts have none")]
    NoEvents { detector: &'static str },
    #[error(
        "{detector} learns from event types and the log has none: map a column to the event type role"
    )]
    NoEventTypes { detector: &'static str },
    #[error("{detector} is not a feature-row detector")]
    NotTabular { detector: &'static str },
    /// A model directory (or one of its files) that cannot be used as it is.
    #[error("{}: {detail}", path.display())]
    Model { path: PathBuf, detail: String },
    /// A problem inside one of a model directory's files, with the underlying error.
    #[error("{}: {source}", path.display())]
    ModelFile {
        path: PathBuf,
        #[source]
        source: Box<DetectError>,
    },
    #[error(
        "the model's head reads the behaviour model's readings of the events, and none were given"
    )]
    ReadingsMissing,
    #[error("the detector has not been trained")]
    NotTrained,
    #[error("cancelled")]
    Cancelled,
}
