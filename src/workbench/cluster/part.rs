//! A part of a log as a worker reads it: a file the cluster wrote, read with the mapping
//! resolved once for the whole log, so every part parses as the whole file would.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::data::mapping_from;
use super::super::error::{Result, WorkbenchError};
use super::exchange::{read_rows, write_rows};
use crate::features::{LabelledLog, UserKnowledge};
use crate::log::{self, CatColumn, EventLog, LoadReport, Mapping, UserLabel, entity_name};
use crate::progress::Progress;

/// Where a part is and how to read it.
pub struct PartSource {
    pub part: PathBuf,
    /// The resolved mapping (`resolve_mapping`).
    pub map: PathBuf,
    pub label_delay_ms: i64,
    /// `row`: the log's own data row of each of the part's, in order. Without it the part's
    /// events are numbered by their rows in the part (the job maps them back); with it they
    /// carry the log's, as stages that draw a sample by row need.
    pub rows: Option<PathBuf>,
    /// Read the labels as they were known before this time (a training set's cut-off), as
    /// `vigil train --until` reads a log: an event whose own label became known later falls
    /// back on its user's label, which its features then count.
    pub known_before_ms: Option<i64>,
}

impl PartSource {
    /// The part's events with what is known of their users: from `known` (worked out on the
    /// users' whole histories) where given, else from the part itself and `file_labels`.
    pub fn load(
        &self,
        file_labels: &[UserLabel],
        known: Option<&[UserKnowledge]>,
        progress: &dyn Progress,
    ) -> Result<(LabelledLog, LoadReport)> {
        let (log, report) = self.load_log(progress)?;
        let mut part = LabelledLog::new(Arc::new(log), file_labels, self.label_delay_ms);
        if let Some(known) = known {
            part.labels.take_users_known(&part.log, known);
        }
        if let Some(t) = self.known_before_ms {
            part.labels = part.labels.known_before(&part.log, t);
        }
        Ok((part, report))
    }

    /// The part's events, numbered by the log's rows where `rows` gives them.
    pub fn load_log(&self, progress: &dyn Progress) -> Result<(EventLog, LoadReport)> {
        let mapping = mapping_from(Some(&self.map), None)?;
        let mut loaded = log::load(&self.part, &mapping, progress)?;
        if let Some(path) = &self.rows {
            let rows: Vec<LogRow> = read_rows(path)?;
            for row in &mut loaded.log.columns.row {
                *row = rows.get(*row as usize).map(|r| r.row).ok_or_else(|| {
                    WorkbenchError::Request(format!(
                        "{}: {} rows listed, but {} has data row {}",
                        path.display(),
                        rows.len(),
                        self.part.display(),
                        *row + 1
                    ))
                })?;
            }
        }
        Ok((loaded.log, loaded.report))
    }

    /// The values of entity `name` in `log` (this part's), or an error naming the part.
    pub fn entity<'a>(&self, log: &'a EventLog, name: &str) -> Result<&'a CatColumn> {
        log.columns
            .entities
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.column)
            .ok_or_else(|| {
                WorkbenchError::Request(format!(
                    "{}: the log has no entity '{name}'",
                    self.part.display()
                ))
            })
    }
}

/// One data row of a log.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct LogRow {
    pub row: u64,
}

/// Which of `log`'s events are in the window `[from, until)` (ms since the epoch): those a stage
/// computes for, the rest read as history.
pub fn in_window(log: &EventLog, from_ms: i64, until_ms: i64) -> Vec<bool> {
    log.columns
        .ts_ms
        .iter()
        .map(|&t| t >= from_ms && t < until_ms)
        .collect()
}

/// An entity column of a log and the entity's name in vigil (its family is `entity:NAME`, its
/// sharing feature `shared:NAME`): `device_id` is `device`.
#[derive(serde::Serialize)]
struct EntityColumn {
    column: String,
    entity: String,
}

/// Writes the mapping that reads `head` (the first rows of a log, as the cluster writes its
/// parts) by `map` with every role decided, so no part detects roles of its own; and, to
/// `entities_out`, each entity column with its entity's name.
pub fn resolve_mapping(
    head: &Path,
    map: Option<&Path>,
    out: &Path,
    entities_out: Option<&Path>,
) -> Result<Mapping> {
    let given = mapping_from(map, None)?;
    let preview = log::preview(head, &given)?;
    let mut resolved = preview.to_mapping();
    // Every role named, absent ones too: a part never guesses an entity the head lacked.
    if resolved.entities.is_none() {
        resolved.entities = Some(Vec::new());
    }
    let text = toml::to_string(&resolved).map_err(|e| WorkbenchError::Output {
        path: out.to_path_buf(),
        detail: format!("cannot write the mapping: {e}"),
    })?;
    std::fs::write(out, text).map_err(|e| WorkbenchError::cannot_write(out, e))?;
    if let Some(path) = entities_out {
        let columns = resolved.entities.iter().flatten();
        let named: Vec<EntityColumn> = columns
            .map(|c| EntityColumn {
                column: c.clone(),
                entity: entity_name(c),
            })
            .collect();
        write_rows(path, &named)?;
    }
    Ok(resolved)
}
