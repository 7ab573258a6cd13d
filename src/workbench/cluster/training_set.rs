//! A training set the cluster collected (`spark/vigil_score.py --train-out DIR`), which
//! `vigil train DIR` learns from as it would from the log itself:
//! - `training.json`: where the log was cut, the label delay, the seed and the sample's counts;
//! - `events.csv` (read with `mapping.toml`) and `rows.csv`: the sampled events in the log's
//!   own columns, and each one's data row in the log;
//! - `features.parquet`: their event features, keyed by row and place;
//! - `accounts.parquet`: every account's features, in the order accounts first appear in the
//!   log (the order one machine numbers them in);
//! - `users.csv`: what is known of each account's label at the cut-off;
//! - `types.csv`: the event types' counts before the cut-off.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::super::error::{Result, WorkbenchError};
use super::exchange::read_users_known;
use super::given::given_dataset;
use super::part::PartSource;
use crate::detect::EventSample;
use crate::features::{Dataset, LabelledLog};
use crate::log::{parse_duration_ms, parse_instant, read_named_rows};
use crate::progress::Progress;

pub const TRAINING_SET_FORMAT: u32 = 1;
const META: &str = "training.json";

/// `training.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainingSetMeta {
    pub format: u32,
    /// The cut-off: events before it, with the labels known then.
    pub until: String,
    pub label_delay: String,
    pub seed: u64,
    /// The whole log's counts the sample was drawn by.
    pub sample: EventSample,
}

/// Whether `path` is a training set (a folder with `training.json`).
pub fn is_training_set(path: &Path) -> bool {
    path.join(META).is_file()
}

/// A training set read back: the dataset a detector learns from, and how it was drawn.
pub struct TrainingSet {
    pub data: Dataset,
    pub meta: TrainingSetMeta,
}

fn bad(path: PathBuf, detail: impl std::fmt::Display) -> WorkbenchError {
    WorkbenchError::Request(format!("{}: {detail}", path.display()))
}

pub fn load_training_set(dir: &Path, progress: &dyn Progress) -> Result<TrainingSet> {
    let meta_path = dir.join(META);
    let text = std::fs::read_to_string(&meta_path).map_err(|e| bad(meta_path.clone(), e))?;
    let meta: TrainingSetMeta =
        serde_json::from_str(&text).map_err(|e| bad(meta_path.clone(), e))?;
    if meta.format != TRAINING_SET_FORMAT {
        return Err(bad(
            meta_path,
            format!(
                "format {}; this vigil reads format {TRAINING_SET_FORMAT}",
                meta.format
            ),
        ));
    }
    let until_ms = parse_instant(&meta.until).map_err(|e| bad(meta_path.clone(), e))?;
    let label_delay_ms =
        parse_duration_ms(&meta.label_delay).map_err(|e| bad(meta_path.clone(), e))?;
    let source = PartSource {
        part: dir.join("events.csv"),
        map: dir.join("mapping.toml"),
        label_delay_ms,
        rows: Some(dir.join("rows.csv")),
        // Cut below, with the users numbered first.
        known_before_ms: None,
    };
    let accounts_path = dir.join("accounts.parquet");
    let (names, columns) =
        read_named_rows(&accounts_path, "user").map_err(|e| bad(accounts_path.clone(), e))?;
    // The accounts numbered as the whole log numbers them, those without a sampled event too.
    let (log, _) = source.load_log(progress)?;
    let log = log
        .with_users_in_order(&names)
        .map_err(|e| bad(accounts_path.clone(), e))?;
    let mut part = LabelledLog::new(Arc::new(log), &[], label_delay_ms);
    let known = read_users_known(&dir.join("users.csv"))?;
    part.labels.take_users_known(&part.log, &known);
    let part = part.range(None, Some(until_ms), Some(until_ms));
    let features = dir.join("features.parquet");
    // The account features computed here describe the sample alone: each is replaced by the
    // cluster's, from the account's whole history.
    let (mut data, featured) = given_dataset(part, &features, &dir.join("types.csv"), progress)?;
    if featured == 0 {
        return Err(bad(features, "no sampled event has features"));
    }
    let mut account = (*data.account).clone();
    for (j, spec) in account.specs.iter().enumerate() {
        let values = columns
            .iter()
            .find(|(name, _)| *name == spec.name)
            .map(|(_, v)| v)
            .ok_or_else(|| bad(accounts_path.clone(), format!("no `{}` column", spec.name)))?;
        for (u, &v) in values.iter().enumerate() {
            account.values.set(u, j, v as f32);
        }
    }
    data.account = Arc::new(account);
    Ok(TrainingSet { data, meta })
}
