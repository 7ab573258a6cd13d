//! The `features` stage: one family's event features of the window's events, on a part that
//! holds whole groups of that family (with their look-back before the window).

use std::path::PathBuf;

use super::super::error::{Result, WorkbenchError};
use super::exchange::write_event_features;
use super::part::PartSource;
use crate::features::{EventFamily, UserKnowledge, family_features};
use crate::progress::Progress;

pub struct FeaturesRequest {
    pub source: PartSource,
    pub family: EventFamily,
    /// The window whose events get features: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    pub out: PathBuf,
}

/// Writes the family's columns of the part's events in the window; returns how many.
pub fn family_features_of_part(
    request: &FeaturesRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<usize> {
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    if !EventFamily::all_of(&part.log).contains(&request.family) {
        return Err(WorkbenchError::Request(format!(
            "{}: the log has no entity '{}'",
            request.source.part.display(),
            match &request.family {
                EventFamily::Entity(name) => name.as_str(),
                _ => "",
            }
        )));
    }
    let keep: Vec<bool> = part
        .log
        .columns
        .ts_ms
        .iter()
        .map(|&t| t >= request.from_ms && t < request.until_ms)
        .collect();
    let table = family_features(
        &part.log,
        &part.index,
        &part.labels,
        &keep,
        &request.family,
        progress,
    )?;
    write_event_features(&request.out, &part.log, &table)?;
    Ok(table.values.rows)
}
