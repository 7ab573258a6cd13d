//! The window's heavy work, free of any UI: open a log (load, features, model, scores) and
//! retrain on the analyst's labels. Each function runs on a job thread and reports progress;
//! tests call them directly.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::cases::{Workspace, default_workspace};
use crate::detect::{
    Detector, DetectorKind, Level, Scores, Thresholds, TrainOptions, TrainingCurve, align_features,
    load_model, new_detector, save_model,
};
use crate::eval::{self, EvalRow, Split};
use crate::features::{Dataset, LabelKnowledge};
use crate::log::{
    self, EntityUsers, EventLog, LABEL_UNKNOWN, LoadReport, Mapping, Preview, UserIndex, UserLabel,
};
use crate::progress::Progress;

/// Imported labels become known this long after their event, as in the CLI's default: fraud is
/// confirmed days later, so the last week of a log is not yet labelled.
pub const LABEL_DELAY_MS: i64 = 7 * 86_400_000;

pub const SEED: u64 = 7;

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
}

/// A loaded log with its features, model and scores.
pub struct Session {
    pub log_path: PathBuf,
    pub report: LoadReport,
    pub data: Arc<Dataset>,
    /// Per user: the label the log itself gives, as known by the log's end (-1 unknown).
    pub log_labels: Vec<i8>,
    /// Per entity column (same order as the log's): who used each value.
    pub links: Vec<EntityUsers>,
    /// First and last event time (ms), for the top bar.
    pub time_range: Option<(i64, i64)>,
    pub model: ModelState,
}

/// A trained model and what it said about the dataset.
pub struct ModelState {
    pub detector: Arc<dyn Detector>,
    pub kind: DetectorKind,
    pub scores: Scores,
    pub thresholds: Thresholds,
    pub trained_at: String,
    pub train_secs: f64,
    pub labelled_users: usize,
    pub curve: TrainingCurve,
    /// Where the model is kept between runs (beside the workspace).
    pub dir: PathBuf,
    /// Read from `dir` rather than trained in this job.
    pub from_disk: bool,
    /// Saving to `dir` failed: the model works but will be trained again next time.
    pub save_error: Option<String>,
}

impl ModelState {
    /// What `detector` says of itself; the caller fills in where it came from.
    fn new(detector: Box<dyn Detector>, scores: Scores, dir: PathBuf) -> Self {
        Self {
            thresholds: detector.thresholds(Level::User),
            curve: detector.training_curve(),
            kind: detector.kind(),
            detector: Arc::from(detector),
            scores,
            trained_at: String::new(),
            train_secs: 0.0,
            labelled_users: 0,
            dir,
            from_disk: false,
            save_error: None,
        }
    }
}

pub enum Opened {
    /// Column detection was unsure: the analyst confirms the plan first.
    NeedsMapping(Box<Preview>),
    Ready(Box<Session>, Workspace),
}

/// The model directory kept beside a workspace: `<workspace>.model/`.
pub fn model_dir(workspace: &Path) -> PathBuf {
    let mut name = workspace.as_os_str().to_os_string();
    name.push(".model");
    PathBuf::from(name)
}

fn cancelled(progress: &dyn Progress) -> Result<(), String> {
    if progress.is_cancelled() {
        Err("cancelled".into())
    } else {
        Ok(())
    }
}

/// Loads the log, opens its workspace, builds features, then loads the kept model (when it
/// fits this log and detector) or trains one, and scores every account and event.
pub fn open(request: OpenRequest, progress: &dyn Progress) -> Result<Opened, String> {
    let preview = match request.confirmed {
        Some(p) => *p,
        None => {
            progress.report("reading the head of the file", 0, None);
            let preview =
                log::preview(&request.path, &request.mapping).map_err(|e| e.to_string())?;
            if !request.mapping_given && !preview.plan.unsure.is_empty() {
                return Ok(Opened::NeedsMapping(Box::new(preview)));
            }
            preview
        }
    };
    let loaded = preview.load(progress).map_err(|e| e.to_string())?;
    cancelled(progress)?;
    let workspace_path = request
        .workspace
        .clone()
        .unwrap_or_else(|| default_workspace(&request.path));
    let workspace = Workspace::open(&workspace_path).map_err(|e| e.to_string())?;
    let verdicts = workspace.training_labels().map_err(|e| e.to_string())?;
    let log = Arc::new(loaded.log);
    let (mut data, log_labels) = labelled_dataset(&log, &verdicts, progress)?;
    let dir = model_dir(&workspace_path);
    let kept = load_kept_model(&dir, request.detector, &mut data);
    let data = Arc::new(data);
    let model = match kept {
        Some((detector, trained_at, train_secs, labelled_users)) => {
            progress.report("scoring", 0, None);
            let scores = detector.score(&data, progress).map_err(|e| e.to_string())?;
            ModelState {
                trained_at,
                train_secs,
                labelled_users,
                from_disk: true,
                ..ModelState::new(detector, scores, dir)
            }
        }
        None => train_and_score(&data, request.detector, dir, progress)?,
    };
    cancelled(progress)?;
    let links = log
        .columns
        .entities
        .iter()
        .map(|e| EntityUsers::new(&e.column, &log.columns.user))
        .collect();
    let ts = &log.columns.ts_ms;
    let time_range = ts.iter().min().zip(ts.iter().max()).map(|(a, b)| (*a, *b));
    let session = Session {
        time_range,
        log_path: request.path,
        report: loaded.report,
        data,
        log_labels,
        links,
        model,
    };
    Ok(Opened::Ready(Box::new(session), workspace))
}

/// The labels a model may learn from now: the log's own, as known by its last event, then the
/// analyst's verdicts (which win). Also returns the log's labels alone, per user.
fn training_labels(
    log: &EventLog,
    index: &UserIndex,
    verdicts: &[UserLabel],
) -> (LabelKnowledge, Vec<i8>) {
    let end = log.columns.ts_ms.iter().copied().max().unwrap_or(0);
    let mut known = LabelKnowledge::new(log, index, &[], LABEL_DELAY_MS)
        .known_before(log, end.saturating_add(1));
    let log_labels = known.user.clone();
    for v in verdicts {
        if let Some(u) = log.columns.user.dict.lookup(&v.user) {
            known.user[u as usize] = v.label;
            known.user_known_at_ms[u as usize] = end;
        }
    }
    (known, log_labels)
}

/// The features of `log` with the labels a model may learn from now (one per-user index, built
/// once), and the log's own labels per user.
fn labelled_dataset(
    log: &Arc<EventLog>,
    verdicts: &[UserLabel],
    progress: &dyn Progress,
) -> Result<(Dataset, Vec<i8>), String> {
    let index = UserIndex::new(log);
    let (knowledge, log_labels) = training_labels(log, &index, verdicts);
    let data =
        Dataset::with_labels(log.clone(), index, knowledge, progress).map_err(|e| e.to_string())?;
    cancelled(progress)?;
    Ok((data, log_labels))
}

/// A kept model of `kind` whose features this log has (mostly): the detector, when it was
/// trained, how long it took and how many labelled users it learnt from.
type Kept = (Box<dyn Detector>, String, f64, usize);

fn load_kept_model(dir: &Path, kind: DetectorKind, data: &mut Dataset) -> Option<Kept> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    // A model that does not load or does not fit this log is simply trained again.
    let (detector, meta) = load_model(dir).ok()?;
    if meta.detector != kind {
        return None;
    }
    align_features(&meta, dir, data).ok()?;
    let train_secs = meta.metrics["train_secs"].as_f64().unwrap_or(0.0);
    let labelled = meta.metrics["labelled_users"].as_u64().unwrap_or(0) as usize;
    Some((detector, meta.trained_at, train_secs, labelled))
}

/// Trains `kind` on every account of `data` with the labels it carries, scores, and keeps the
/// model in `dir`.
pub fn train_and_score(
    data: &Arc<Dataset>,
    kind: DetectorKind,
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<ModelState, String> {
    let mut detector = new_detector(kind);
    let started = Instant::now();
    progress.report(&format!("training {kind}"), 0, None);
    detector
        .fit(data, &TrainOptions::all_users(data, SEED), progress)
        .map_err(|e| e.to_string())?;
    let train_secs = started.elapsed().as_secs_f64();
    cancelled(progress)?;
    let scores = detector.score(data, progress).map_err(|e| e.to_string())?;
    let labelled_users = data.labels.labelled_users();
    let metrics = serde_json::json!({ "train_secs": train_secs, "labelled_users": labelled_users });
    let saved = save_model(&dir, detector.as_ref(), data, SEED, metrics);
    let (trained_at, save_error) = match saved {
        Ok(meta) => (meta.trained_at, None),
        Err(e) => (
            crate::log::timeparse::format_rfc3339(chrono::Utc::now().timestamp_millis()),
            Some(e.to_string()),
        ),
    };
    Ok(ModelState {
        trained_at,
        train_secs,
        labelled_users,
        save_error,
        ..ModelState::new(detector, scores, dir)
    })
}

/// A retrain's result: the dataset rebuilt with the labels so far, and the new model.
pub struct Retrained {
    pub data: Arc<Dataset>,
    pub model: ModelState,
}

/// Rebuilds the features with the analyst's verdicts as labels (an entity's fraud rate depends
/// on them), trains `kind` again and rescores.
pub fn retrain(
    log: Arc<EventLog>,
    verdicts: &[UserLabel],
    kind: DetectorKind,
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<Retrained, String> {
    let (data, _) = labelled_dataset(&log, verdicts, progress)?;
    let data = Arc::new(data);
    let model = train_and_score(&data, kind, dir, progress)?;
    Ok(Retrained { data, model })
}

/// The model panel's comparison: every detector trained on 70 % of the labelled dataset's users
/// and graded on the rest, as `vigil eval` does.
pub fn compare(
    data: Arc<Dataset>,
    kinds: &[DetectorKind],
    progress: &dyn Progress,
) -> Result<Vec<EvalRow>, String> {
    if data.labels.user.iter().all(|&l| l == LABEL_UNKNOWN) {
        return Err("no labels yet: label some accounts, then compare".into());
    }
    let split = Split::Random {
        seed: 0,
        test_fraction: 0.3,
    };
    let setup = eval::setup(data, &split, progress).map_err(|e| e.to_string())?;
    eval::compare(&setup, kinds, Level::User, SEED, 0, progress).map_err(|e| e.to_string())
}
