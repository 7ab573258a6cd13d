//! Progress reporting and cancellation shared by every long-running library call.
//!
//! Library code only sees the `Progress` trait; the GUI's job runner and the CLI each
//! provide their own implementation, so domain modules never depend on either face.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a long-running call is doing: a kind with the names it mentions. A face says it in
/// the analyst's language (`words`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the first rows to detect the columns.
    ReadingHead,
    Reading,
    /// Converting a Parquet file's columns.
    Converting,
    /// The log is read.
    Loaded,
    AccountFeatures,
    EventFeatures,
    /// Warming the live watch's feature cursors with the history.
    LiveFeatures,
    PredictionFeatures,
    /// Training the detector of this name.
    Training(&'static str),
    /// The GPU failed while training this detector, which trains again on the CPU.
    TrainingOnCpu(&'static str),
    /// Training the models that predict a purchase, churn or the next event.
    TrainingPurchase,
    TrainingChurn,
    TrainingNextEvent,
    /// Training the simple model a prediction is compared with.
    TrainingBaseline,
    Scoring,
    /// A sequence network reading every account's events.
    ReadingAccounts,
    Segmenting,
}

/// Receives progress from a long-running call and tells it whether to stop.
pub trait Progress: Sync {
    /// `done` of `total` units of `stage` are finished (`total` is `None` when unknown).
    fn report(&self, stage: Stage, done: u64, total: Option<u64>);
    /// Checked at least once per batch; returning true makes the call stop with `Cancelled`.
    fn is_cancelled(&self) -> bool;
}

/// A progress sink that ignores reports and never cancels.
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _stage: Stage, _done: u64, _total: Option<u64>) {}
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// A shareable cancel flag; clone it into the worker and keep one to press.
#[derive(Clone, Default, Debug)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Progress for CancelFlag {
    fn report(&self, _stage: Stage, _done: u64, _total: Option<u64>) {}
    fn is_cancelled(&self) -> bool {
        self.is_set()
    }
}
