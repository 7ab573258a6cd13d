//! The `features` stage: one family's event features of the window's events, on a part that
//! holds whole groups of that family (with their look-back before the window).

use std::path::PathBuf;

use super::super::error::{Result, WorkbenchError};
use super::exchange::write_event_features;
use super::part::{PartSource, in_window};
use super::type_blocks::read_type_counts;
use crate::features::{
    EventFamily, TypeBlock, UserKnowledge, event_type_features_in_block, family_features,
};
use crate::progress::Progress;

pub struct FeaturesRequest {
    pub source: PartSource,
    pub family: EventFamily,
    /// The window whose events get features: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    /// For the event type's family: the part is one block of time (`type_blocks`).
    pub block: Option<InBlock>,
    pub out: PathBuf,
}

/// Which block of time a part of the event type's family is, and the blocks' counts.
pub struct InBlock {
    pub block_ms: i64,
    pub block: i64,
    /// The counts of every block, summed over the parts (`type-blocks`).
    pub counts: PathBuf,
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
    let keep = in_window(&part.log, request.from_ms, request.until_ms);
    let table = match (&request.family, &request.block) {
        (EventFamily::EventType, Some(b)) => {
            let counts = read_type_counts(&b.counts)?;
            let block = TypeBlock::new(&part.log, &part.labels, b.block_ms, b.block, &counts);
            event_type_features_in_block(
                &part.log,
                &part.index,
                &part.labels,
                &keep,
                &block,
                progress,
            )?
        }
        (_, Some(_)) => {
            return Err(WorkbenchError::Request(
                "--block: only the event_type family is computed in blocks of time".into(),
            ));
        }
        (family, None) => family_features(
            &part.log,
            &part.index,
            &part.labels,
            &keep,
            family,
            progress,
        )?,
    };
    write_event_features(&request.out, &part.log, &table)?;
    Ok(table.values.rows)
}
