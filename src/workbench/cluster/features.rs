//! The `features` stage: one family's event features of the window's events, on a part that
//! holds whole groups of that family (with their look-back before the window).

use std::path::PathBuf;

use super::super::error::{Result, WorkbenchError};
use super::blocks::read_block_counts;
use super::exchange::write_event_features;
use super::part::{PartSource, in_window};
use crate::features::{
    Block, Blocks, EventFamily, UserKnowledge, family_features, family_features_in_block,
};
use crate::progress::Progress;

pub struct FeaturesRequest {
    pub source: PartSource,
    pub family: EventFamily,
    /// The window whose events get features: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    /// For the event type's family or an entity's: the part is one block of time (`blocks`).
    pub block: Option<InBlock>,
    pub out: PathBuf,
}

/// Which block of time a family's part is, and the blocks' counts.
pub struct InBlock {
    pub block_ms: i64,
    pub block: i64,
    /// The counts of every block, summed over the parts (`blocks`).
    pub counts: PathBuf,
}

/// Writes the family's columns of the part's events in the window; returns how many.
pub fn family_features_of_part(
    request: &FeaturesRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<usize> {
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    if let EventFamily::Entity(name) = &request.family {
        request.source.entity(&part.log, name)?;
    }
    let keep = in_window(&part.log, request.from_ms, request.until_ms);
    let table = match (&request.family, &request.block) {
        (EventFamily::User, Some(_)) => {
            return Err(WorkbenchError::Request(
                "--block: the user's family goes by user, not by block of time".into(),
            ));
        }
        (family, Some(b)) => {
            let counts = read_block_counts(&b.counts)?;
            let blocks = Blocks::new(b.block_ms, part.labels.delay_ms);
            let block = Block::new(blocks, b.block, &counts);
            family_features_in_block(
                &part.log,
                &part.index,
                &part.labels,
                &keep,
                family,
                &block,
                progress,
            )?
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
