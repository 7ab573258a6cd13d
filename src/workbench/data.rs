//! A log and its labels as the headless commands name them: the log file, an optional mapping
//! file, an optional labels file and the delay after which imported labels are known.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{Result, WorkbenchError};
use crate::features::{Dataset, LabelledLog};
use crate::log::{self, Mapping, UserLabel, read_labels, timeparse::format_rfc3339};
use crate::memory::give_back_freed_memory;
use crate::progress::Progress;

pub struct DataSource {
    pub log: PathBuf,
    pub map: Option<PathBuf>,
    /// The text's encoding, over the mapping file's and detection's.
    pub encoding: Option<String>,
    pub labels: Option<PathBuf>,
    pub label_delay_ms: i64,
}

/// The mapping file's mapping, or detection's when there is none; a given encoding overrides
/// the file's.
pub fn mapping_from(map: Option<&Path>, encoding: Option<&str>) -> Result<Mapping> {
    let mut mapping = match map {
        Some(p) => Mapping::from_file(p)?,
        None => Mapping::default(),
    };
    if let Some(e) = encoding {
        mapping.encoding = Some(e.to_string());
    }
    Ok(mapping)
}

impl DataSource {
    /// Loads the log and its labels (with the time each became known), before any feature.
    /// A labels file that names none of the log's users is an error: it is the wrong file,
    /// not an unlabelled log.
    pub fn load_labelled(&self, progress: &dyn Progress) -> Result<LabelledLog> {
        let mapping = mapping_from(self.map.as_deref(), self.encoding.as_deref())?;
        let loaded = log::load(&self.log, &mapping, progress)?;
        // The reader's buffers are gone; hand their pages back before features take their own.
        give_back_freed_memory();
        let labels: Vec<UserLabel> = match &self.labels {
            Some(p) => read_labels(p)?,
            None => Vec::new(),
        };
        if let Some(p) = &self.labels {
            let dict = &loaded.log.columns.user.dict;
            if !labels.iter().any(|l| dict.lookup(&l.user).is_some()) {
                return Err(WorkbenchError::LabelsMatchNoUser {
                    labels_file: p.clone(),
                    labels: labels.len(),
                    log: self.log.clone(),
                });
            }
        }
        Ok(LabelledLog::new(
            Arc::new(loaded.log),
            &labels,
            self.label_delay_ms,
        ))
    }

    /// The whole log's dataset.
    pub fn load(&self, progress: &dyn Progress) -> Result<Dataset> {
        Ok(self.load_labelled(progress)?.featurise(progress)?)
    }

    /// The log as of `until` (the events before it with the labels known then), or the whole
    /// of it, not yet featurised.
    pub fn load_labelled_until(
        &self,
        until: Option<i64>,
        progress: &dyn Progress,
    ) -> Result<LabelledLog> {
        let whole = self.load_labelled(progress)?;
        let Some(t) = until else {
            return Ok(whole);
        };
        let before = whole.range(None, Some(t), Some(t));
        drop(whole);
        give_back_freed_memory();
        if before.log.is_empty() {
            return Err(WorkbenchError::NothingBefore {
                log: self.log.clone(),
                at: format_rfc3339(t),
            });
        }
        Ok(before)
    }
}
