use std::path::PathBuf;

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
    #[error("the neural network failed: {0}")]
    Candle(String),
    #[error("{}: {detail}", path.display())]
    Model { path: PathBuf, detail: String },
    #[error("the detector has not been trained")]
    NotTrained,
    #[error("cancelled")]
    Cancelled,
}
