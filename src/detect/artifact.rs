//! Model directories: `meta.json` (detector, features in order, scaling statistics inside the
//! parameters, thresholds, training-data fingerprint, metrics, format version) and
//! `model.safetensors` (weights). Loading checks everything a stale or foreign model could get
//! wrong and says which.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::calibrate::LevelThresholds;
use super::detector::{Detector, DetectorKind, Level, TrainingCurve};
use super::error::DetectError;
use super::neural::{Array, load_arrays, save_arrays};
use super::registry::restore_detector;
use super::selection::Selection;
use super::self_supervision::SelfSupervision;
use super::state::State;
use crate::features::Dataset;
use crate::log::timeparse::format_rfc3339;

pub const FORMAT_VERSION: u32 = 1;
const META: &str = "meta.json";
const WEIGHTS: &str = "model.safetensors";

/// What the model was trained on, to tell later which data it has seen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub events: usize,
    pub users: usize,
    pub labelled_users: usize,
    pub time_min: String,
    pub time_max: String,
    /// xxh3 of every event's time and user, in hex.
    pub hash: String,
}

impl Fingerprint {
    pub fn of(data: &Dataset) -> Self {
        let c = &data.log.columns;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for (t, u) in c.ts_ms.iter().zip(&c.user.codes) {
            h.update(&t.to_le_bytes());
            h.update(data.log.columns.user.dict.get(*u).as_bytes());
        }
        let (lo, hi) = data.log.time_range_ms().unwrap_or((0, 0));
        Self {
            events: data.log.len(),
            users: data.users(),
            labelled_users: data.labels.labelled_users(),
            time_min: format_rfc3339(lo),
            time_max: format_rfc3339(hi),
            hash: format!("{:016x}", h.digest()),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelMeta {
    pub format_version: u32,
    pub detector: DetectorKind,
    pub account_features: Vec<String>,
    pub event_features: Vec<String>,
    pub thresholds: LevelThresholds,
    pub trained_at: String,
    pub seed: u64,
    pub device: String,
    pub training_data: Fingerprint,
    pub training_curve: TrainingCurve,
    /// How the training went (written as `metrics` by format 1 models, read either way).
    #[serde(alias = "metrics")]
    pub training: TrainingRecord,
    /// What the search over time chose for each level's boosted trees (absent in older
    /// models, and for detectors without them).
    #[serde(default)]
    pub selection: LevelSelection,
    /// What the behaviour model learnt without labels (absent for the other detectors).
    #[serde(default)]
    pub self_supervision: Option<SelfSupervision>,
    pub params: Box<serde_json::value::RawValue>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LevelSelection {
    pub user: Option<Selection>,
    pub event: Option<Selection>,
}

/// What the trainer records about one training run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingRecord {
    pub train_secs: f64,
    /// Users whose label the detector could learn from.
    pub labelled_users: usize,
    /// Training users whose label was not known at the cut-off: not taken as legit.
    pub unknown_users: usize,
    /// Events whose own label (or, in a log of user labels, their user's) the detector could
    /// learn from, and how many of them were fraud.
    pub labelled_events: usize,
    pub fraud_events: usize,
    /// Training events whose label was not known at the cut-off: left out of supervision.
    pub unknown_events: usize,
}

fn model_error(path: PathBuf, detail: impl Into<String>) -> DetectError {
    DetectError::Model {
        path,
        detail: detail.into(),
    }
}

/// Writes `detector` (trained on `data`) to `dir`, creating it.
pub fn save_model(
    dir: &Path,
    detector: &dyn Detector,
    data: &Dataset,
    seed: u64,
    training: TrainingRecord,
) -> Result<ModelMeta, DetectError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        model_error(
            dir.to_path_buf(),
            format!("cannot create the model directory: {e}"),
        )
    })?;
    let state = detector.state()?;
    let meta = ModelMeta {
        format_version: FORMAT_VERSION,
        detector: detector.kind(),
        account_features: data.account.specs.iter().map(|s| s.name.clone()).collect(),
        event_features: data.events.specs.iter().map(|s| s.name.clone()).collect(),
        thresholds: LevelThresholds {
            user: detector.thresholds(Level::User),
            event: detector.thresholds(Level::Event),
        },
        trained_at: format_rfc3339(chrono::Utc::now().timestamp_millis()),
        seed,
        device: super::neural::device_name().to_string(),
        training_data: Fingerprint::of(data),
        training_curve: detector.training_curve(),
        training,
        selection: LevelSelection {
            user: detector.selection(Level::User).cloned(),
            event: detector.selection(Level::Event).cloned(),
        },
        self_supervision: detector.self_supervision().cloned(),
        params: state.params,
    };
    let mut arrays = state.arrays;
    // Never an empty tensor file: the version travels in the weights too.
    arrays.push(Array {
        name: "format_version".into(),
        shape: vec![1],
        data: vec![FORMAT_VERSION as f32],
    });
    save_arrays(&dir.join(WEIGHTS), &arrays)?;
    let json = serde_json::to_string_pretty(&meta)
        .map_err(|e| model_error(dir.join(META), e.to_string()))?;
    std::fs::write(dir.join(META), json)
        .map_err(|e| model_error(dir.join(META), format!("cannot write: {e}")))?;
    Ok(meta)
}

/// Reads a model directory back into a detector ready to score.
pub fn load_model(dir: &Path) -> Result<(Box<dyn Detector>, ModelMeta), DetectError> {
    let meta_path = dir.join(META);
    let text = std::fs::read_to_string(&meta_path).map_err(|e| model_error(meta_path.clone(), format!("cannot read the model's meta.json ({e}); is this a model directory written by `vigil train`?")))?;
    let meta: ModelMeta = serde_json::from_str(&text)
        .map_err(|e| model_error(meta_path.clone(), format!("corrupt meta.json: {e}")))?;
    if meta.format_version != FORMAT_VERSION {
        return Err(model_error(
            meta_path,
            format!(
                "model format {} is not the supported format {FORMAT_VERSION}",
                meta.format_version
            ),
        ));
    }
    let weights = dir.join(WEIGHTS);
    let arrays = load_arrays(&weights)?;
    let state = State {
        params: meta.params.clone(),
        arrays,
    };
    // Parameters live in meta.json, weights in model.safetensors: say which file is wrong.
    let detector = restore_detector(meta.detector, &state).map_err(|e| {
        let path = match e {
            DetectError::Params { .. } => meta_path,
            _ => weights,
        };
        DetectError::ModelFile {
            path,
            source: Box::new(e),
        }
    })?;
    Ok((detector, meta))
}

/// A model may miss from new data at most this share of its features (say, an event type
/// that did not happen this week); any more and the data is not what it was trained on.
const MAX_MISSING_SHARE: f64 = 0.25;

/// Rearranges `data`'s features into the model's order. Features the data lacks count as
/// typical, up to a quarter of them; beyond that the log is not what the model knows and it is
/// an error. Returns the names that were missing.
pub fn align_features(
    meta: &ModelMeta,
    dir: &Path,
    data: &mut Dataset,
) -> Result<Vec<String>, DetectError> {
    let same = |specs: &[crate::features::FeatureSpec], names: &[String]| {
        specs.len() == names.len() && specs.iter().zip(names).all(|(s, n)| &s.name == n)
    };
    // The same log's features come in the model's order already: nothing to copy.
    if same(&data.account.specs, &meta.account_features)
        && same(&data.events.specs, &meta.event_features)
    {
        return Ok(Vec::new());
    }
    let (account, mut missing) = data.account.aligned_to(&meta.account_features);
    let (events, missing_events) = data.events.aligned_to(&meta.event_features);
    for (what, lacking, total) in [
        ("account", &missing, meta.account_features.len()),
        ("event", &missing_events, meta.event_features.len()),
    ] {
        if lacking.len() as f64 > MAX_MISSING_SHARE * total as f64 {
            let some: Vec<&String> = lacking.iter().take(4).collect();
            return Err(model_error(
                dir.to_path_buf(),
                format!(
                    "the model's {what} features do not match this log's: it lacks {} of the model's {total} (e.g. {some:?}); retrain on this log",
                    lacking.len()
                ),
            ));
        }
    }
    data.account = std::sync::Arc::new(account);
    data.events = std::sync::Arc::new(events);
    missing.extend(missing_events);
    Ok(missing)
}
