//! A family in blocks of time on a cluster (`features::blocks`), so no part holds a whole event
//! type or a whole busy entity value:
//! - `blocks`, over parts of the rows the window reads (with what is known of their users):
//!   the blocks each row belongs to, and the part's share of the blocks' counts (the cluster
//!   sums them). Any parts do for the event type; an entity's parts hold each (value, user)
//!   pair whole, as a use is its user's last until the pair's next;
//! - then `features --family F --block B`, over the rows of one block: the family's columns of
//!   the block's events, from the rows and the summed counts.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::super::error::{Result, WorkbenchError};
use super::exchange::{read_rows, write_rows};
use super::part::{PartSource, in_window};
use crate::features::{
    BlockCounts, Blocks, EventFamily, FraudSpan, GroupKey, UserKnowledge, block_counts,
    entity_block_rows, family_groupings, lookback_ms, type_block_rows,
};
use crate::progress::Progress;

pub struct BlocksRequest {
    pub source: PartSource,
    /// The event type's family, or an entity's.
    pub family: EventFamily,
    /// The window whose events get features: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    pub block_ms: i64,
    /// `row,block`: each data row with each block it belongs to.
    pub rows_out: PathBuf,
    /// The part's share of each block's counts (`CountsRow`).
    pub counts_out: PathBuf,
}

#[derive(Serialize)]
struct BlockRow {
    row: u64,
    block: i64,
}

/// One group's counts in one block, per risk window, as the stages exchange them: `value` for
/// an entity value, `event` for an event type, both for the pair; with the earliest and the
/// latest time of the month window's fraud among them (empty without any), which the cluster
/// combines by min and max where it sums the counts.
#[derive(Serialize, Deserialize)]
struct CountsRow {
    value: Option<String>,
    event: Option<String>,
    block: i64,
    known_1d: u32,
    known_7d: u32,
    known_30d: u32,
    fraud_1d: u32,
    fraud_7d: u32,
    fraud_30d: u32,
    fraud_first_ms: Option<i64>,
    fraud_last_ms: Option<i64>,
}

/// Writes the part's rows by block and its share of the blocks' counts; returns the rows.
pub fn blocks_of_part(
    request: &BlocksRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<usize> {
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    let (log, labels) = (&part.log, &part.labels);
    let c = &log.columns;
    let blocks = Blocks::new(request.block_ms, request.source.label_delay_ms);
    // The blocks holding events to feature: no other block's part has work.
    let within = blocks.block_of(request.from_ms)..=blocks.block_of(request.until_ms - 1);
    let rows = match &request.family {
        EventFamily::EventType => {
            let featured = in_window(log, request.from_ms, request.until_ms);
            type_block_rows(log, labels, request.block_ms, &featured, within.clone())
        }
        EventFamily::Entity(name) => {
            let entity = request.source.entity(log, name)?;
            entity_block_rows(log, labels, request.block_ms, entity, within.clone())
        }
        EventFamily::User => {
            return Err(WorkbenchError::Request(
                "blocks: the user's family goes by user, not by block of time".into(),
            ));
        }
    };
    let mut rows: Vec<BlockRow> = rows
        .into_iter()
        .map(|(e, block)| BlockRow {
            row: c.row[e],
            block,
        })
        .collect();
    rows.sort_by_key(|r| (r.row, r.block));
    let counts = match counted_blocks(c.ts_ms.as_slice(), &blocks, &within) {
        Some(range) => block_counts(
            log,
            labels,
            request.block_ms,
            range,
            &family_groupings(log, &request.family),
        ),
        None => Vec::new(),
    };
    let counts: Vec<CountsRow> = counts
        .into_iter()
        .map(|t| CountsRow {
            value: t.group.value,
            event: t.group.event,
            block: t.block,
            known_1d: t.known[0],
            known_7d: t.known[1],
            known_30d: t.known[2],
            fraud_1d: t.fraud[0],
            fraud_7d: t.fraud[1],
            fraud_30d: t.fraud[2],
            fraud_first_ms: t.fraud_span.map(|s| s.first_ms),
            fraud_last_ms: t.fraud_span.map(|s| s.last_ms),
        })
        .collect();
    write_rows(&request.rows_out, &rows)?;
    write_rows(&request.counts_out, &counts)?;
    Ok(rows.len())
}

/// The blocks this part's events can count in: from its first event to its last event's
/// look-back later, among those `within`.
fn counted_blocks(
    ts: &[i64],
    blocks: &Blocks,
    within: &RangeInclusive<i64>,
) -> Option<RangeInclusive<i64>> {
    let (first, last) = ts.iter().copied().min().zip(ts.iter().copied().max())?;
    let reach = last.saturating_add(lookback_ms(blocks.delay_ms));
    let from = blocks.block_of(first).max(*within.start());
    let until = blocks.block_of(reach).min(*within.end());
    Some(from..=until)
}

/// The blocks' counts summed over the parts (`blocks`' `--counts-out`, added up).
pub fn read_block_counts(path: &Path) -> Result<Vec<BlockCounts>> {
    let rows: Vec<CountsRow> = read_rows(path)?;
    Ok(rows
        .into_iter()
        .map(|r| BlockCounts {
            group: GroupKey {
                value: r.value,
                event: r.event,
            },
            block: r.block,
            known: [r.known_1d, r.known_7d, r.known_30d],
            fraud: [r.fraud_1d, r.fraud_7d, r.fraud_30d],
            fraud_span: r
                .fraud_first_ms
                .zip(r.fraud_last_ms)
                .map(|(first_ms, last_ms)| FraudSpan { first_ms, last_ms }),
        })
        .collect())
}
