//! A family's risk (and an entity's activity) in blocks of time, so no part of a cluster holds
//! a whole busy group: an event type (`view` is two thirds of a shop's events) or a busy entity
//! value (a large seller), each of whose events reads `delay + 30` days of it.
//!
//! A group's risk columns of an event at `t` count the group's labelled events that arrived
//! (their label known, `max(known at, time)`) before `t` and happened at or after
//! `t - delay - W`, for each window W (`RiskCursor`). For the events of one block of time
//! `[b0, b1)` every labelled event of the group is, in each window, one of:
//! - counted throughout the block: it arrived before `b0` and happened at or after
//!   `b1 - delay - W`. Only its count matters, and counts add up over any parts of a log
//!   (`block_counts`, summed by the cluster);
//! - never counted: it arrives at or after `b1`, or happened before `b0 - delay - W`;
//! - undecided: it arrives within the block, or happened in the block-long band of times that
//!   leave the window during it. Only these are given to the block's part whole
//!   (`raw_blocks`): a few block-lengths of the group, whatever the look-back.
//!
//! An entity value's activity of an event in the block reads the value's events of the day
//! before it, each user's last use of the value in the week before it (distinct users in a
//! week), and its own user's last use in the 30 days before it (first use). The block's part
//! holds the value's events from a day before the block on, each user's last use in the week
//! before the block, and the last use before the block of each user who uses the value in it
//! (`entity_block_rows`): any real events of the value beyond those change nothing, as the
//! activity reads them in time order.
//!
//! The block's part then gives the family's columns exactly as the whole log does
//! (`tests/families.rs`).

use std::ops::RangeInclusive;

use ahash::AHashMap;

use super::event_state::{FraudSpan, HISTORY_MS, RISK_WINDOWS_MS};
use super::knowledge::LabelKnowledge;
use crate::log::{CatColumn, EventLog, NULL_CODE};
use crate::time_units::{DAY_MS, WEEK_MS};

/// How the time is cut into blocks, and the label delay the risk windows are read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocks {
    pub block_ms: i64,
    pub delay_ms: i64,
}

/// Which group of a family some counts are of: an event type (`event`), an entity value
/// (`value`), or an entity value with an event type (both).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub value: Option<String>,
    pub event: Option<String>,
}

/// What a part of a log adds to one block's counts of one group: the labelled events counted
/// throughout the block, per risk window (known, and fraud among them), and the span of the
/// fraud among them in the month window (parts combine by the earliest and the latest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockCounts {
    pub group: GroupKey,
    pub block: i64,
    pub known: [u32; 3],
    pub fraud: [u32; 3],
    pub fraud_span: Option<FraudSpan>,
}

impl BlockCounts {
    /// Adds what another part counts of the same group and block.
    pub fn add(&mut self, other: &Self) {
        for w in 0..3 {
            self.known[w] += other.known[w];
            self.fraud[w] += other.fraud[w];
        }
        self.fraud_span = FraudSpan::union(self.fraud_span, other.fraud_span);
    }
}

/// One way a family groups a log's events for its risk: each event's group code (`NULL_CODE`
/// for none) and each group's key.
pub struct Grouping {
    pub codes: Vec<u32>,
    pub keys: Vec<GroupKey>,
}

impl Blocks {
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

    /// The blocks after an event at `ts` and up to the one holding `until` (exclusive of the
    /// event's own): those in which it is read as history until then.
    fn after(&self, ts: i64, until: i64) -> RangeInclusive<i64> {
        self.block_of(ts) + 1..=self.block_of(until)
    }
}

/// A labelled event of a log: its time, arrival (when its label is known, or when it happened
/// if later) and whether it is fraud.
struct Labelled {
    event: usize,
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
            ts,
            arrival: known_at.max(ts),
            fraud: label.is_fraud(),
        })
    })
}

/// The blocks `within` where each labelled event of `log` is undecided, as `(event, block)`.
fn undecided_rows<'a>(
    log: &'a EventLog,
    labels: &'a LabelKnowledge,
    blocks: Blocks,
    within: &'a RangeInclusive<i64>,
) -> impl Iterator<Item = (usize, i64)> + 'a {
    labelled(log, labels).flat_map(move |l| {
        blocks
            .raw_blocks(l.ts, l.arrival)
            .into_iter()
            .filter(|b| within.contains(b))
            .map(move |b| (l.event, b))
    })
}

/// The blocks `within` each event of `log` belongs to for the event type's family, as
/// `(event, block)` ascending: its own block when `featured` marks it, and each block where it
/// is undecided when its label is known.
pub fn type_block_rows(
    log: &EventLog,
    labels: &LabelKnowledge,
    block_ms: i64,
    featured: &[bool],
    within: RangeInclusive<i64>,
) -> Vec<(usize, i64)> {
    let tb = Blocks::new(block_ms, labels.delay_ms);
    let ts = &log.columns.ts_ms;
    let mut rows: Vec<(usize, i64)> = undecided_rows(log, labels, tb, &within).collect();
    rows.extend(
        (0..log.len())
            .filter(|&e| featured.get(e).copied().unwrap_or(false))
            .map(|e| (e, tb.block_of(ts[e]))),
    );
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// The blocks `within` each event of `log` belongs to for the family of the entity whose
/// values `entity` holds, as `(event, block)` ascending: its own block; the blocks of the day
/// after it (the value's events in a day); as its user's last use of the value until the next,
/// the blocks of the week after it (distinct users in a week) and the block of that next use
/// within 30 days (whether it is a first use); and each block where it is undecided when its
/// label is known. `log` holds each (value, user) pair's events whole.
pub fn entity_block_rows(
    log: &EventLog,
    labels: &LabelKnowledge,
    block_ms: i64,
    entity: &CatColumn,
    within: RangeInclusive<i64>,
) -> Vec<(usize, i64)> {
    let tb = Blocks::new(block_ms, labels.delay_ms);
    let c = &log.columns;
    let mut rows: Vec<(usize, i64)> = undecided_rows(log, labels, tb, &within)
        .filter(|&(e, _)| entity.codes[e] != NULL_CODE)
        .collect();
    // Each (value, user) pair's uses in time order: a use is its user's last until the next.
    let mut uses: Vec<usize> = (0..log.len())
        .filter(|&e| entity.codes[e] != NULL_CODE)
        .collect();
    uses.sort_unstable_by_key(|&e| (entity.codes[e], c.user.codes[e], c.ts_ms[e], c.row[e]));
    let pair = |e: usize| (entity.codes[e], c.user.codes[e]);
    for (i, &e) in uses.iter().enumerate() {
        let ts = c.ts_ms[e];
        let own = tb.block_of(ts);
        let next = uses
            .get(i + 1)
            .filter(|&&n| pair(n) == pair(e))
            .map(|&n| c.ts_ms[n]);
        let week = tb.after(
            ts,
            next.unwrap_or(i64::MAX).min(ts.saturating_add(WEEK_MS - 1)),
        );
        let first_use = next
            .filter(|&n| n - ts < HISTORY_MS)
            .map(|n| tb.block_of(n))
            .filter(|&b| b > own);
        let day = tb.after(ts, ts.saturating_add(DAY_MS - 1));
        let blocks = std::iter::once(own).chain(week).chain(first_use).chain(day);
        rows.extend(blocks.filter(|b| within.contains(b)).map(|b| (e, b)));
    }
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// Per block, per window: the change in (known, fraud) counted there.
type Steps = Vec<[(i64, i64); 3]>;

/// What `log`'s labelled events add to the counts of the blocks `blocks` (those holding the
/// events to feature), per group of each of `groupings`: partial sums, to be added up over a
/// log's parts.
pub fn block_counts(
    log: &EventLog,
    labels: &LabelKnowledge,
    block_ms: i64,
    blocks: RangeInclusive<i64>,
    groupings: &[Grouping],
) -> Vec<BlockCounts> {
    let tb = Blocks::new(block_ms, labels.delay_ms);
    let (first, last) = (*blocks.start(), *blocks.end());
    if last < first {
        return Vec::new();
    }
    let n = (last - first + 1) as usize;
    // Per grouping and group, per window: a difference array over the blocks (known, fraud);
    // and per block the span of the fraud counted throughout it in the month window.
    let mut diff: Vec<AHashMap<u32, Steps>> = groupings.iter().map(|_| AHashMap::new()).collect();
    let mut spans: Vec<AHashMap<u32, Vec<Option<FraudSpan>>>> =
        groupings.iter().map(|_| AHashMap::new()).collect();
    for l in labelled(log, labels) {
        let raw = tb.raw_blocks(l.ts, l.arrival);
        let f = i64::from(l.fraud);
        for ((grouping, diff), spans) in groupings.iter().zip(&mut diff).zip(&mut spans) {
            let code = grouping.codes[l.event];
            if code == NULL_CODE {
                continue;
            }
            let d = diff.entry(code).or_insert_with(|| vec![[(0, 0); 3]; n + 1]);
            // Adds `sign` times the event to window `w` over the blocks `lo..=hi`.
            let mut add = |w: usize, lo: i64, hi: i64, sign: i64| {
                let (lo, hi) = ((lo - first) as usize, (hi - first) as usize);
                d[lo][w].0 += sign;
                d[lo][w].1 += sign * f;
                d[hi + 1][w].0 -= sign;
                d[hi + 1][w].1 -= sign * f;
            };
            for w in 0..RISK_WINDOWS_MS.len() {
                let range = tb.counted_throughout(w, l.ts, l.arrival);
                let (lo, hi) = ((*range.start()).max(first), (*range.end()).min(last));
                if lo > hi {
                    continue;
                }
                add(w, lo, hi, 1);
                // A block that holds the event whole counts it there, not here.
                for &b in raw.iter().filter(|b| (lo..=hi).contains(b)) {
                    add(w, b, b, -1);
                }
                if l.fraud && w == 2 {
                    let span = spans.entry(code).or_insert_with(|| vec![None; n]);
                    for b in (lo..=hi).filter(|b| !raw.contains(b)) {
                        let at = (b - first) as usize;
                        span[at] = FraudSpan::union(span[at], Some(FraudSpan::at(l.ts)));
                    }
                }
            }
        }
    }
    groupings
        .iter()
        .zip(diff)
        .zip(spans)
        .flat_map(|((grouping, diff), spans)| summed_by_block(grouping, diff, spans, first, n))
        .collect()
}

/// One grouping's counts per block from its difference arrays (a running sum from block
/// `first` over `n` blocks) and its spans; blocks that count nothing are left out.
fn summed_by_block(
    grouping: &Grouping,
    diff: AHashMap<u32, Steps>,
    spans: AHashMap<u32, Vec<Option<FraudSpan>>>,
    first: i64,
    n: usize,
) -> Vec<BlockCounts> {
    let mut out = Vec::new();
    let mut codes: Vec<u32> = diff.keys().copied().collect();
    codes.sort_unstable();
    for code in codes {
        let mut run = [(0i64, 0i64); 3];
        for (i, step) in diff[&code].iter().take(n).enumerate() {
            for w in 0..3 {
                run[w].0 += step[w].0;
                run[w].1 += step[w].1;
            }
            if run.iter().any(|&(k, _)| k != 0) {
                out.push(BlockCounts {
                    group: grouping.keys[code as usize].clone(),
                    block: first + i as i64,
                    known: run.map(|(k, _)| k as u32),
                    fraud: run.map(|(_, f)| f as u32),
                    fraud_span: spans.get(&code).and_then(|s| s[i]),
                });
            }
        }
    }
    out
}

/// One block of time of a family's part, with what its groups count throughout it.
pub struct Block {
    pub blocks: Blocks,
    pub block: i64,
    /// Per group: what it counts throughout the block.
    counted: AHashMap<GroupKey, BlockCounts>,
}

impl Block {
    /// Block `block`, with `counts` summed over the whole log (of any blocks: the others are
    /// passed over).
    pub fn new(blocks: Blocks, block: i64, counts: &[BlockCounts]) -> Self {
        let mut counted: AHashMap<GroupKey, BlockCounts> = AHashMap::new();
        for c in counts.iter().filter(|c| c.block == block) {
            counted
                .entry(c.group.clone())
                .and_modify(|slot| slot.add(c))
                .or_insert_with(|| c.clone());
        }
        Self {
            blocks,
            block,
            counted,
        }
    }

    /// What the group `key` counts throughout the block: known and fraud per window, and the
    /// span of that fraud in the month window.
    pub(crate) fn counted(&self, key: &GroupKey) -> ([u32; 3], [u32; 3], Option<FraudSpan>) {
        self.counted
            .get(key)
            .map_or(([0; 3], [0; 3], None), |c| (c.known, c.fraud, c.fraud_span))
    }

    /// Whether an event at `ts` is one of the block's.
    pub fn holds(&self, ts: i64) -> bool {
        self.blocks.block_of(ts) == self.block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_undecided_only_where_it_arrives_or_leaves_a_window() {
        let tb = Blocks::new(DAY_MS, 7 * DAY_MS);
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

    #[test]
    fn a_use_is_history_until_the_next_within_the_windows() {
        let tb = Blocks::new(DAY_MS, 0);
        // A use at day 3.5 is its user's last before days 4..=9 when the next is at day 9.2.
        assert_eq!(tb.after(3 * DAY_MS + DAY_MS / 2, 9 * DAY_MS + 5), 4..=9);
        // A block-long day: an event is read by the next block's events only.
        assert!(tb.after(3 * DAY_MS, 3 * DAY_MS + DAY_MS - 1).is_empty());
        assert_eq!(tb.after(3 * DAY_MS + 1, 3 * DAY_MS + DAY_MS), 4..=4);
    }
}
