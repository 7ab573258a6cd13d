//! A session: one open log with its workspace, features, model and scores. `open` and
//! `retrain` are the window's heavy jobs (they run on job threads; tests call them directly).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::defaults;
use super::error::Result;
use super::labels::{TrainingLabels, training_labels};
use super::model::{
    ModelState, check_cancelled, first_look, given_model, kept_model, model_dir, train_and_score,
};
use crate::cases::{Case, Workspace, default_workspace};
use crate::detect::DetectorKind;
use crate::features::Dataset;
use crate::log::{self, EntityUsers, EventLog, Label, LoadReport, Mapping, Preview, UserIndex};
use crate::progress::{Progress, Stage};

/// What to open.
pub struct OpenRequest {
    pub path: PathBuf,
    pub mapping: Mapping,
    /// Whether a mapping file was given (then nothing is asked).
    pub mapping_given: bool,
    /// The plan the analyst confirmed in the mapping dialog.
    pub confirmed: Option<Box<Preview>>,
    pub workspace: Option<PathBuf>,
    pub detector: DetectorKind,
    /// Train the chosen detector before returning, rather than leave it pending.
    pub train_now: bool,
    /// Score with this model directory (`vigil train` wrote it) rather than the workspace's
    /// kept model or `detector`; it must load and fit the log.
    pub model: Option<PathBuf>,
}

/// A loaded log with its features, model and scores.
pub struct Session {
    pub log_path: PathBuf,
    /// The complete mapping the log was read with: what lines appended to it are read by.
    pub mapping: Mapping,
    pub report: LoadReport,
    pub data: Arc<Dataset>,
    /// Per user: the label the log itself gives, as known by the log's end.
    pub log_labels: Vec<Label>,
    /// Per entity column (same order as the log's): who used each value.
    pub links: Vec<EntityUsers>,
    /// First and last event time (ms).
    pub time_range: Option<(i64, i64)>,
    pub model: ModelState,
    /// The chosen detector while it still has to be trained: until then `model` is the quick
    /// first look (`defaults::FIRST_LOOK`), and the window trains this one in the background.
    pub pending: Option<DetectorKind>,
    /// Renewed (`next_generation`) whenever the data or the model is replaced: what caches of
    /// derived views key on.
    pub generation: u64,
}

/// A number no session or view state of this process had before: a cache keyed by it can never
/// mistake another log (or another version) for the one it was built for.
pub fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

pub enum Opened {
    /// Column detection was unsure: the analyst confirms the plan first.
    NeedsMapping(Box<Preview>),
    Ready(Box<Session>, Box<Workspace>),
}

/// Loads the log, opens its workspace, builds features, then loads the kept model (when it
/// fits this log and detector) and scores every account and event. Without one, the scores
/// come from a quick first look and the chosen detector is left `pending` (the window trains
/// it in the background), unless `train_now` asks for it here.
pub fn open(request: OpenRequest, progress: &dyn Progress) -> Result<Opened> {
    let preview = match request.confirmed {
        Some(p) => *p,
        None => {
            progress.report(Stage::ReadingHead, 0, None);
            let preview = log::preview(&request.path, &request.mapping)?;
            if !request.mapping_given && !preview.plan.unsure.is_empty() {
                return Ok(Opened::NeedsMapping(Box::new(preview)));
            }
            preview
        }
    };
    let mapping = preview.to_mapping();
    let loaded = preview.load(progress)?;
    check_cancelled(progress)?;
    let workspace_path = request
        .workspace
        .clone()
        .unwrap_or_else(|| default_workspace(&request.path));
    let workspace = Workspace::open(&workspace_path)?;
    let cases = workspace.cases()?;
    let capacity = workspace.daily_capacity(workspace.identity())?;
    let log = Arc::new(loaded.log);
    let (mut data, log_labels) = labelled_dataset(&log, &cases, progress)?;
    let dir = model_dir(&workspace_path);
    // The workspace's model (the team's, on a server), so that every analyst scores with
    // the same one.
    workspace.fetch_model(&dir)?;
    let kept = match &request.model {
        Some(given) => Some(given_model(given, &mut data, dir.clone(), progress)?),
        None => kept_model(&dir, request.detector, &mut data, progress).transpose()?,
    };
    let data = Arc::new(data);
    let (model, pending) = match kept {
        Some(model) => (model, None),
        None if request.train_now || request.detector == defaults::FIRST_LOOK => (
            train_and_score(
                &data,
                request.detector,
                (defaults::SEED, capacity),
                dir,
                progress,
            )?,
            None,
        ),
        None => (
            first_look(&data, capacity, dir, progress)?,
            Some(request.detector),
        ),
    };
    check_cancelled(progress)?;
    let links = log
        .columns
        .entities
        .iter()
        .map(|e| EntityUsers::new(&e.column, &log.columns.user))
        .collect();
    let session = Session {
        time_range: log.time_range_ms(),
        log_path: request.path,
        mapping,
        report: loaded.report,
        data,
        log_labels,
        links,
        model,
        pending,
        generation: next_generation(),
    };
    Ok(Opened::Ready(Box::new(session), Box::new(workspace)))
}

/// A retrain's result: the dataset with the labels so far as targets, and the new model.
pub struct Retrained {
    pub data: Arc<Dataset>,
    pub model: ModelState,
}

/// Trains `kind` again on the log's labels and the analyst's verdicts, rescores and keeps the
/// model in `dir`. The features are the session's: verdicts change what the model learns,
/// not what earlier events looked like, so nothing is featurised again.
pub fn retrain(
    data: &Dataset,
    cases: &[Case],
    (kind, capacity): (DetectorKind, usize),
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<Retrained> {
    let labels = training_labels(&data.log, &data.index, cases, defaults::label_delay_ms());
    let data = Arc::new(data.with_targets(labels.targets));
    let model = train_and_score(&data, kind, (defaults::SEED, capacity), dir, progress)?;
    Ok(Retrained { data, model })
}

/// The model a teammate kept in the team's workspace at `workspace`, fetched into `dir` and
/// read for this log with the labels known now: what a window takes instead of training one
/// of its own. Runs on a job thread, over a connection of its own.
pub fn team_model(
    data: &Dataset,
    cases: &[Case],
    workspace: &Path,
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<Retrained> {
    let ws = Workspace::open(workspace)?;
    ws.fetch_model(&dir)?;
    let labels = training_labels(&data.log, &data.index, cases, defaults::label_delay_ms());
    let mut data = data.with_targets(labels.targets);
    let model = given_model(&dir, &mut data, dir.clone(), progress)?;
    Ok(Retrained {
        data: Arc::new(data),
        model,
    })
}

/// The features of `log` (as of each event, from the log's own labels) with the labels a
/// model may learn from now as its targets, and the log's own labels per user.
pub(super) fn labelled_dataset(
    log: &Arc<EventLog>,
    cases: &[Case],
    progress: &dyn Progress,
) -> Result<(Dataset, Vec<Label>)> {
    let index = UserIndex::new(log);
    let TrainingLabels {
        features,
        targets,
        log_labels,
    } = training_labels(log, &index, cases, defaults::label_delay_ms());
    let data = Dataset::with_labels(log.clone(), index, features, progress)?;
    check_cancelled(progress)?;
    Ok((data.with_targets(targets), log_labels))
}
