//! The event type's family in blocks of time, so no part of a cluster holds a whole type.
//!
//! An event type's risk columns of an event at `t` count the type's labelled events that
//! arrived (their label known, `max(known at, time)`) before `t` and happened at or after
//! `t - delay - W`, for each window W (`RiskCursor`). The busiest type is most of a log (`view`
//! is two thirds of a shop's events), and each of its events reads `delay + 30` days of it.
//!
//! For the events of one block of time `[b0, b1)` every labelled event of the type is, in each
//! window, one of:
//! - counted throughout the block: it arrived before `b0` and happened at or after
//!   `b1 - delay - W`. Only its count matters, and counts add up over any parts of a log
//!   (`type_block_counts`, summed by the cluster);
//! - never counted: it arrives at or after `b1`, or happened before `b0 - delay - W`;
//! - undecided: it arrives within the block, or happened in the block-long band of times that
//!   leave the window during it. Only these are given to the block's part whole
//!   (`raw_blocks`): a few block-lengths of the type, whatever the look-back.
//!
//! The block's part (its events, and the undecided events of each block it features) then
//! gives the family's columns exactly as the whole log does (`tests/families.rs`).

use std::ops::RangeInclusive;

use ahash::AHashMap;

use super::event_state::RISK_WINDOWS_MS;
use super::knowledge::LabelKnowledge;
use crate::log::EventLog;

/// How the time is cut into blocks, and the label delay the risk windows are read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeBlocks {
    pub block_ms: i64,
    pub delay_ms: i64,
}

/// What a part of a log adds to one block's counts of one event type: the labelled events
/// counted throughout the block, per risk window (known, and fraud among them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeCounts {
    pub event: String,
    pub block: i64,
    pub known: [u32; 3],
    pub fraud: [u32; 3],
}

impl TypeBlocks {
    pub fn new(block_ms: i64, delay_ms: i64) -> Self {
        Self {
            block_ms: block_ms.max(1),
            delay_ms: delay_ms.max(0),
        }
    }

    pub fn block_of(&self, t: i64) -> i64 {
        t.div_euclid(self.block_ms)
    }

    /// The block in which an event that happened at `ts` leaves window `w`.
    fn leaves(&self, w: usize, ts: i64) -> i64 {
        self.block_of(ts.saturating_add(self.delay_ms + RISK_WINDOWS_MS[w]))
    }

    /// Whether a labelled event that happened at `ts` and arrived at `arrival` is undecided in
    /// block `b` in some window: the block's part must hold it.
    pub fn undecided(&self, b: i64, ts: i64, arrival: i64) -> bool {
        let a = self.block_of(arrival);
        (0..RISK_WINDOWS_MS.len()).any(|w| {
            let leaves = self.leaves(w, ts);
            leaves >= a && (b == a || b == leaves)
        })
    }

    /// The blocks in which such an event is undecided, ascending (at most four).
    pub fn raw_blocks(&self, ts: i64, arrival: i64) -> Vec<i64> {
        let a = self.block_of(arrival);
        let mut blocks: Vec<i64> = (0..RISK_WINDOWS_MS.len())
            .map(|w| self.leaves(w, ts))
            .filter(|&leaves| leaves >= a)
            .flat_map(|leaves| [a, leaves])
            .collect();
        blocks.sort_unstable();
        blocks.dedup();
        blocks
    }

    /// The blocks throughout which such an event counts in window `w`, undecided ones aside.
    fn counted_throughout(&self, w: usize, ts: i64, arrival: i64) -> RangeInclusive<i64> {
        self.block_of(arrival) + 1..=self.leaves(w, ts) - 1
    }
}

/// A labelled event of a log: its type code, time, arrival (when its label is known, or when it
/// happened if later) and whether it is fraud.
struct Labelled {
    event: usize,
    code: u32,
    ts: i64,
    arrival: i64,
    fraud: bool,
}

/// Each labelled event of `log`, in event order.
fn labelled<'a>(
    log: &'a EventLog,
    labels: &'a LabelKnowledge,
) -> impl Iterator<Item = Labelled> + 'a {
    let c = &log.columns;
    (0..log.len()).filter_map(move |e| {
        let (label, known_at) = labels.event_label(log, e, log.user_of(e));
        let ts = c.ts_ms[e];
        label.is_known().then(|| Labelled {
            event: e,
            code: c.event.codes[e],
            ts,
            arrival: known_at.max(ts),
            fraud: label.is_fraud(),
        })
    })
}

/// The blocks each event of `log` belongs to, as `(event, block)` in event order: its own block
/// when `featured` marks it, and each block where it is undecided when its label is known.
pub fn type_block_rows(
    log: &EventLog,
    labels: &LabelKnowledge,
    block_ms: i64,
    featured: &[bool],
) -> Vec<(usize, i64)> {
    let tb = TypeBlocks::new(block_ms, labels.delay_ms);
    let mut rows: Vec<(usize, i64)> = labelled(log, labels)
        .flat_map(|l| {
            let blocks = tb.raw_blocks(l.ts, l.arrival);
            blocks.into_iter().map(move |b| (l.event, b))
        })
        .collect();
    let ts = &log.columns.ts_ms;
    rows.extend(
        (0..log.len())
            .filter(|&e| featured.get(e).copied().unwrap_or(false))
            .map(|e| (e, tb.block_of(ts[e]))),
    );
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// What `log`'s labelled events add to the counts of the blocks `blocks` (those holding the
/// events to feature), per event type: partial sums, to be added up over a log's parts.
pub fn type_block_counts(
    log: &EventLog,
    labels: &LabelKnowledge,
    block_ms: i64,
    blocks: RangeInclusive<i64>,
) -> Vec<TypeCounts> {
    let tb = TypeBlocks::new(block_ms, labels.delay_ms);
    let (first, last) = (*blocks.start(), *blocks.end());
    if last < first {
        return Vec::new();
    }
    let n = (last - first + 1) as usize;
    // Per type, per window: a difference array over the blocks (known, fraud).
    let mut diff: AHashMap<u32, Vec<[(i64, i64); 3]>> = AHashMap::new();
    for Labelled {
        code,
        ts,
        arrival,
        fraud,
        ..
    } in labelled(log, labels)
    {
        let d = diff.entry(code).or_insert_with(|| vec![[(0, 0); 3]; n + 1]);
        let f = i64::from(fraud);
        // Adds `sign` times the event to window `w` over the blocks `lo..=hi` (from `first`).
        let mut add = |w: usize, lo: i64, hi: i64, sign: i64| {
            let (lo, hi) = ((lo - first) as usize, (hi - first) as usize);
            d[lo][w].0 += sign;
            d[lo][w].1 += sign * f;
            d[hi + 1][w].0 -= sign;
            d[hi + 1][w].1 -= sign * f;
        };
        let raw = tb.raw_blocks(ts, arrival);
        for w in 0..RISK_WINDOWS_MS.len() {
            let range = tb.counted_throughout(w, ts, arrival);
            let (lo, hi) = ((*range.start()).max(first), (*range.end()).min(last));
            if lo > hi {
                continue;
            }
            add(w, lo, hi, 1);
            // A block that holds the event whole counts it there, not here.
            for &b in raw.iter().filter(|b| (lo..=hi).contains(b)) {
                add(w, b, b, -1);
            }
        }
    }
    let mut out = Vec::new();
    let mut codes: Vec<u32> = diff.keys().copied().collect();
    codes.sort_unstable();
    for code in codes {
        let name = log.columns.event.dict.get(code).to_string();
        let mut run = [(0i64, 0i64); 3];
        for (i, step) in diff[&code].iter().take(n).enumerate() {
            for w in 0..3 {
                run[w].0 += step[w].0;
                run[w].1 += step[w].1;
            }
            if run.iter().any(|&(k, _)| k != 0) {
                out.push(TypeCounts {
                    event: name.clone(),
                    block: first + i as i64,
                    known: run.map(|(k, _)| k as u32),
                    fraud: run.map(|(_, f)| f as u32),
                });
            }
        }
    }
    out
}

/// One block's counts by the event type codes of a part's log, for the family's pass.
pub struct TypeBlock {
    pub blocks: TypeBlocks,
    pub block: i64,
    /// Per type code: (known, fraud) per window, counted throughout the block.
    counted: Vec<[(u32, u32); 3]>,
}

impl TypeBlock {
    /// Block `block` of `log` (a part, read with `labels`), with `counts` summed over the whole
    /// log (of any blocks: the others are passed over).
    pub fn new(
        log: &EventLog,
        labels: &LabelKnowledge,
        block_ms: i64,
        block: i64,
        counts: &[TypeCounts],
    ) -> Self {
        let blocks = TypeBlocks::new(block_ms, labels.delay_ms);
        let dict = &log.columns.event.dict;
        let mut counted = vec![[(0, 0); 3]; dict.len()];
        for c in counts.iter().filter(|c| c.block == block) {
            if let Some(code) = dict.lookup(&c.event) {
                for (w, slot) in counted[code as usize].iter_mut().enumerate() {
                    slot.0 += c.known[w];
                    slot.1 += c.fraud[w];
                }
            }
        }
        Self {
            blocks,
            block,
            counted,
        }
    }

    /// What the type `code` counts throughout the block: known and fraud per window.
    pub(crate) fn counted(&self, code: usize) -> ([u32; 3], [u32; 3]) {
        let c = self.counted.get(code).copied().unwrap_or_default();
        (c.map(|(k, _)| k), c.map(|(_, f)| f))
    }

    /// Whether an event at `ts` is one of the block's.
    pub fn holds(&self, ts: i64) -> bool {
        self.blocks.block_of(ts) == self.block
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time_units::DAY_MS;

    #[test]
    fn an_event_is_undecided_only_where_it_arrives_or_leaves_a_window() {
        let tb = TypeBlocks::new(DAY_MS, 7 * DAY_MS);
        // Happened on day 10, known on day 17: arrives in block 17, leaves the windows in
        // blocks 18 (1 day), 24 (7 days) and 47 (30 days).
        let (ts, arrival) = (10 * DAY_MS + 5, 17 * DAY_MS + 5);
        assert_eq!(tb.raw_blocks(ts, arrival), vec![17, 18, 24, 47]);
        for b in 0..60 {
            assert_eq!(
                tb.undecided(b, ts, arrival),
                [17, 18, 24, 47].contains(&b),
                "block {b}"
            );
        }
        assert_eq!(tb.counted_throughout(2, ts, arrival), 18..=46);
        // Known only after it has left every window: never counted, never undecided.
        assert!(tb.raw_blocks(ts, 100 * DAY_MS).is_empty());
    }
}
