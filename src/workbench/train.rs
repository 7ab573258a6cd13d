//! Training a model headless (`vigil train`): fit on a log (as of a moment, when asked) and
//! write the model directory.

use std::path::PathBuf;

use super::data::DataSource;
use super::error::Result;
use super::model::{fit, save};
use crate::detect::{DetectorKind, ModelMeta, TrainOptions, event_sample};
use crate::progress::Progress;

pub struct TrainRequest {
    pub detector: DetectorKind,
    /// Train on the events before this time, with the labels known by then.
    pub until_ms: Option<i64>,
    pub epochs: usize,
    pub seed: u64,
    /// Candidate models the boosted trees' search grows (`TrainOptions::search_budget`).
    pub search_budget: usize,
    pub out: PathBuf,
}

/// What was trained, for the command's report.
pub struct Trained {
    pub meta: ModelMeta,
    pub events: usize,
    pub users: usize,
}

pub fn train(
    source: &DataSource,
    request: &TrainRequest,
    progress: &dyn Progress,
) -> Result<Trained> {
    let part = source.load_labelled_until(request.until_ms, progress)?;
    let data = if request.detector.learns_from_an_event_sample() {
        // Every event is read as history, but only those the model will learn from are kept:
        // the same sample the detector would draw from the whole table.
        let targets = part.labels.event_targets(&part.log);
        let sample = event_sample(
            (0..part.log.len()).collect(),
            |e| targets[e].is_fraud(),
            request.seed,
        );
        let mut keep = vec![false; part.log.len()];
        for e in sample {
            keep[e] = true;
        }
        part.featurise_sample(&keep, progress)?
    } else {
        part.featurise(progress)?
    };
    let options = TrainOptions {
        epochs: request.epochs,
        search_budget: request.search_budget,
        ..TrainOptions::all_users(&data, request.seed)
    };
    let fitted = fit(&data, request.detector, &options, progress)?;
    let meta = save(&request.out, &fitted, &data, request.seed)?;
    Ok(Trained {
        meta,
        events: data.log.len(),
        users: data.users(),
    })
}
