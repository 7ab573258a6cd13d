//! What the application layer reports: the domain errors as they are, plus the few rules it
//! enforces itself.

use std::path::{Path, PathBuf};

use crate::cases::CaseError;
use crate::detect::DetectError;
use crate::eval::EvalError;
use crate::features::FeatureError;
use crate::log::LoadError;
use crate::predict::PredictError;

#[derive(Debug, thiserror::Error)]
pub enum WorkbenchError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    Detect(#[from] DetectError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    Cases(#[from] CaseError),
    #[error(transparent)]
    Predict(#[from] PredictError),
    #[error("{}: none of its {labels} labelled users is in {}", labels_file.display(), log.display())]
    LabelsMatchNoUser {
        labels_file: PathBuf,
        labels: usize,
        log: PathBuf,
    },
    #[error("{}: no events before {at}", log.display())]
    NothingBefore { log: PathBuf, at: String },
    /// `window` and `events` as "from T until T" and "from T to T".
    #[error("{}: no events {window}; its events run {events}", log.display())]
    NothingBetween {
        log: PathBuf,
        window: String,
        events: String,
    },
    #[error("no labels yet: label some accounts (or give a labels file), then compare")]
    NoLabels,
    #[error("{}: {detail}", path.display())]
    Output { path: PathBuf, detail: String },
    #[error("{0}")]
    Request(String),
    #[error("cancelled")]
    Cancelled,
}

impl WorkbenchError {
    /// Only a lead may do what was asked.
    pub fn is_not_lead(&self) -> bool {
        matches!(self, Self::Cases(CaseError::NotLead { .. }))
    }

    /// The team's server could not be reached: the cause goes away once it is back.
    pub fn is_offline(&self) -> bool {
        matches!(self, Self::Cases(CaseError::Offline { .. }))
    }

    /// `path` could not be written, and why.
    pub fn cannot_write(path: &Path, why: impl std::fmt::Display) -> Self {
        Self::Output {
            path: path.to_path_buf(),
            detail: format!("cannot write: {why}"),
        }
    }
}

pub type Result<T, E = WorkbenchError> = std::result::Result<T, E>;
