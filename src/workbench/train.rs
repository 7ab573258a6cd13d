//! Training a model headless (`vigil train`): fit on a log (as of a moment, when asked), or on
//! a training set a cluster collected from one, and write the model directory.

use std::path::PathBuf;

use super::cluster::{is_training_set, load_training_set};
use super::data::DataSource;
use super::error::{Result, WorkbenchError};
use super::model::{ByCost, fit_in, save, thresholds_by_capacity, thresholds_by_cost};
use crate::detect::{DetectorKind, EventSample, MAX_EVENT_TRAIN_ROWS, ModelMeta, TrainOptions};
use crate::eval::Costs;
use crate::features::Dataset;
use crate::progress::Progress;

pub struct TrainRequest {
    pub detector: DetectorKind,
    /// Train on the events before this time, with the labels known by then.
    pub until_ms: Option<i64>,
    pub epochs: usize,
    pub seed: u64,
    /// Candidate models the boosted trees' search grows (`TrainOptions::search_budget`).
    pub search_budget: usize,
    /// About how many events an event-level model learns from: every fraud one and a sample
    /// of the rest (at most `MAX_EVENT_TRAIN_ROWS`).
    pub sample_events: usize,
    /// How many accounts a day the team reviews: what the account thresholds flag.
    pub daily_capacity: usize,
    /// What a missed fraud, a review and a wrongly held customer cost, when the team set it:
    /// the suspicious account threshold then goes where the cost is least.
    pub costs: Option<Costs>,
    pub out: PathBuf,
}

/// What was trained, for the command's report.
pub struct Trained {
    pub meta: ModelMeta,
    pub events: usize,
    pub users: usize,
    /// The sample of events the event-level model learnt from, and how many it kept (none for
    /// the sequence models, which read every event).
    pub sample: Option<(EventSample, usize)>,
    /// Whether the part pretrained without labels was kept from the model already in the
    /// output directory (it had read the same events).
    pub kept_pretrained: bool,
    /// Where the account thresholds went by cost, when costs were given and accounts labelled.
    pub by_cost: Option<ByCost>,
}

pub fn train(
    source: &DataSource,
    request: &TrainRequest,
    progress: &dyn Progress,
) -> Result<Trained> {
    if is_training_set(&source.log) {
        return train_on_training_set(source, request, progress);
    }
    let part = source.load_labelled_until(request.until_ms, progress)?;
    if !request.detector.learns_from_an_event_sample() {
        return fit_and_save(&part.featurise(progress)?, None, request, progress);
    }
    // Every event is read as history, but only those the model will learn from are kept: the
    // same sample the detector would draw from the whole table.
    let targets = part.labels.event_targets(&part.log);
    let sample = EventSample::of_targets(&targets, request.sample_events);
    let places = part.log.places_in_row();
    let keep = sample.keeps_events(&part.log, &places, &targets, request.seed);
    let kept = keep.iter().filter(|&&k| k).count();
    let data = part.featurise_sample(&keep, progress)?;
    fit_and_save(&data, Some((sample, kept)), request, progress)
}

fn fit_and_save(
    data: &Dataset,
    sample: Option<(EventSample, usize)>,
    request: &TrainRequest,
    progress: &dyn Progress,
) -> Result<Trained> {
    let options = TrainOptions {
        epochs: request.epochs,
        search_budget: request.search_budget,
        sample_weight: sample
            .as_ref()
            .map_or(1.0, |(s, kept)| s.others_per_kept(*kept)),
        ..TrainOptions::all_users(data, request.seed)
    };
    let mut fitted = fit_in(&request.out, data, request.detector, &options, progress)?;
    let graded = thresholds_by_capacity(&mut fitted, data, request.daily_capacity, progress)?;
    let by_cost = (request.costs.as_ref())
        .and_then(|costs| thresholds_by_cost(&mut fitted, data, &graded, costs));
    let meta = save(&request.out, &fitted, data, request.seed)?;
    Ok(Trained {
        meta,
        events: data.log.len(),
        users: data.users(),
        sample,
        kept_pretrained: fitted.kept_pretrained,
        by_cost,
    })
}

/// Training on a training set the cluster collected (`source.log` is its folder): its cut-off,
/// labels and sample were the job's, so the options that set them here do not apply.
fn train_on_training_set(
    source: &DataSource,
    request: &TrainRequest,
    progress: &dyn Progress,
) -> Result<Trained> {
    let dir = &source.log;
    let given = [
        ("--until", request.until_ms.is_some()),
        ("--labels", source.labels.is_some()),
        ("--map", source.map.is_some()),
        (
            "--sample-events",
            request.sample_events != MAX_EVENT_TRAIN_ROWS,
        ),
    ];
    if let Some((option, _)) = given.iter().find(|(_, given)| *given) {
        return Err(WorkbenchError::Request(format!(
            "{}: a training set the cluster collected was cut, labelled and sampled by the \
             job; {option} does not apply to it",
            dir.display()
        )));
    }
    if !request.detector.learns_from_an_event_sample() {
        return Err(WorkbenchError::Request(format!(
            "{}: {} reads every event of each day as a sequence, and a training set holds a \
             sample of the events; train it on the log itself",
            dir.display(),
            request.detector
        )));
    }
    let set = load_training_set(dir, progress)?;
    let kept = set.data.featured_events().len();
    fit_and_save(&set.data, Some((set.meta.sample, kept)), request, progress)
}
