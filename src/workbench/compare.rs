//! The detector comparison (`vigil eval`, the model panel's "Compare all"): each detector
//! trained on one side of a split and graded on the other.

use std::sync::Arc;

use super::error::{Result, WorkbenchError};
use crate::detect::{DetectorKind, Level};
use crate::eval::{self, Costs, EvalRow, Split};
use crate::features::Dataset;
use crate::progress::Progress;

pub struct CompareRequest {
    pub split: Split,
    pub detectors: Vec<DetectorKind>,
    pub level: Level,
    pub seed: u64,
    pub epochs: usize,
    /// A time split tests this long after its time (all of the rest when `None`).
    pub horizon_ms: Option<i64>,
    /// At event level: how many accounts a day the daily precision counts.
    pub top_k: usize,
    /// What a missed fraud, a review and a wrongly held customer cost, when the team set it:
    /// each row then carries the cost over the threshold.
    pub costs: Option<Costs>,
}

/// One row per detector; a detector that cannot run here has its error in its row. Without
/// a single label there is nothing to grade against, which is an error.
pub fn compare(
    data: Arc<Dataset>,
    request: &CompareRequest,
    progress: &dyn Progress,
) -> Result<Vec<EvalRow>> {
    let labelled = data.labels.labelled_users() > 0
        || data
            .labels
            .event
            .as_ref()
            .is_some_and(|e| e.iter().any(|l| l.is_known()));
    if !labelled {
        return Err(WorkbenchError::NoLabels);
    }
    let setup = eval::setup(
        data,
        &request.split,
        request.level,
        request.horizon_ms,
        progress,
    )?;
    Ok(eval::compare(
        &setup,
        &request.detectors,
        request.level,
        (request.seed, request.epochs, request.top_k),
        request.costs.as_ref(),
        progress,
    )?)
}
