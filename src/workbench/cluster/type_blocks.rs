//! The event type's family in blocks of time on a cluster (`features::type_blocks`), so no
//! part holds a whole event type:
//! - `type-blocks`, over any part of the rows the window reads (with what is known of their
//!   users): the blocks each row belongs to, and the part's share of each block's counts (the
//!   cluster sums them);
//! - then `features --family event_type --block B`, over the rows of one block: the family's
//!   columns of the block's events, from the rows and the summed counts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::super::error::Result;
use super::exchange::{read_rows, write_rows};
use super::part::{PartSource, in_window};
use crate::features::{TypeCounts, UserKnowledge, lookback_ms, type_block_counts, type_block_rows};
use crate::progress::Progress;

pub struct TypeBlocksRequest {
    pub source: PartSource,
    /// The window whose events get features: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    pub block_ms: i64,
    /// `row,block`: each data row with each block it belongs to.
    pub rows_out: PathBuf,
    /// The part's share of each block's counts (`BlockCounts`).
    pub counts_out: PathBuf,
}

#[derive(Serialize)]
struct BlockRow {
    row: u64,
    block: i64,
}

/// One event type's counts in one block, per risk window, as the stages exchange them.
#[derive(Serialize, Deserialize)]
struct BlockCounts {
    event: String,
    block: i64,
    known_1d: u32,
    known_7d: u32,
    known_30d: u32,
    fraud_1d: u32,
    fraud_7d: u32,
    fraud_30d: u32,
}

/// Writes the part's rows by block and its share of the blocks' counts; returns the rows.
pub fn type_blocks_of_part(
    request: &TypeBlocksRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<usize> {
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    let c = &part.log.columns;
    let featured = in_window(&part.log, request.from_ms, request.until_ms);
    let mut rows: Vec<BlockRow> =
        type_block_rows(&part.log, &part.labels, request.block_ms, &featured)
            .into_iter()
            .map(|(e, block)| BlockRow {
                row: c.row[e],
                block,
            })
            .collect();
    rows.sort_by_key(|r| (r.row, r.block));
    rows.dedup_by_key(|r| (r.row, r.block));
    // The blocks this part's events can count in: from its first event to its last event's
    // look-back later, within the window.
    let counts = match c
        .ts_ms
        .iter()
        .copied()
        .min()
        .zip(c.ts_ms.iter().copied().max())
    {
        Some((first, last)) => {
            let reach = last.saturating_add(lookback_ms(request.source.label_delay_ms));
            let from = first.max(request.from_ms);
            let until = reach.min(request.until_ms.saturating_sub(1));
            type_block_counts(
                &part.log,
                &part.labels,
                request.block_ms,
                from.div_euclid(request.block_ms)..=until.div_euclid(request.block_ms),
            )
        }
        None => Vec::new(),
    };
    let counts: Vec<BlockCounts> = counts
        .into_iter()
        .map(|t| BlockCounts {
            event: t.event,
            block: t.block,
            known_1d: t.known[0],
            known_7d: t.known[1],
            known_30d: t.known[2],
            fraud_1d: t.fraud[0],
            fraud_7d: t.fraud[1],
            fraud_30d: t.fraud[2],
        })
        .collect();
    write_rows(&request.rows_out, &rows)?;
    write_rows(&request.counts_out, &counts)?;
    Ok(rows.len())
}

/// The blocks' counts summed over the parts (`type-blocks`' `--counts-out`, added up).
pub fn read_type_counts(path: &Path) -> Result<Vec<TypeCounts>> {
    let rows: Vec<BlockCounts> = read_rows(path)?;
    Ok(rows
        .into_iter()
        .map(|r| TypeCounts {
            event: r.event,
            block: r.block,
            known: [r.known_1d, r.known_7d, r.known_30d],
            fraud: [r.fraud_1d, r.fraud_7d, r.fraud_30d],
        })
        .collect())
}
