//! The passes the behaviour model reads. Each account's events of a period (seven days,
//! counted from the Unix epoch) are cut into chunks; a pass is one chunk with at most
//! `PREFIX_EVENTS` of the account's events before it, none older than `CONTEXT_DAYS` days
//! before the period's start. A chunk's events are scored; the prefix is only read. A pass is
//! fixed by the events of its period and the days before, so a window of a log scored from
//! `behaviour_context_from` reads every event as the whole log does.
//!
//! Periods of a week rather than days: an account with an event a day would otherwise read
//! its prefix again for every one of them (16 tokens an event, against about 3).

use crate::log::{EventLog, UserCode, UserIndex};
use crate::time_units::DAY_MS;

/// Events before a chunk that a pass reads.
const PREFIX_EVENTS: usize = 15;
/// Events scored by one pass.
const CHUNK_EVENTS: usize = 16;
/// The period whose events are chunked together.
const PERIOD_MS: i64 = 7 * DAY_MS;
/// No event older than this many days before a chunk's period is read with it.
const CONTEXT_DAYS: i64 = 7;
/// The longest pass in tokens: the opening token, the prefix and the chunk.
pub const MAX_PASS_TOKENS: usize = 1 + PREFIX_EVENTS + CHUNK_EVENTS;

/// One pass: positions in its account's events (`UserIndex::events`), the prefix in
/// `start..target`, the scored chunk in `target..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pass {
    pub user: UserCode,
    pub start: u32,
    pub target: u32,
    pub end: u32,
}

impl Pass {
    /// Tokens the pass reads, the opening one included.
    pub fn tokens(&self) -> usize {
        1 + (self.end - self.start) as usize
    }

    /// Events the pass scores.
    pub fn scored(&self) -> usize {
        (self.end - self.target) as usize
    }

    /// Events the pass scores after an earlier event of their account: all but the first
    /// when the pass has no prefix.
    pub fn scored_after_others(&self) -> usize {
        self.scored() - usize::from(self.start == self.target)
    }
}

/// Where a window of a log must begin for its events from `from_ms` on to read what the
/// whole log gives them: `CONTEXT_DAYS` before the start of that period.
pub fn behaviour_context_from(from_ms: i64) -> i64 {
    earliest_read(from_ms.div_euclid(PERIOD_MS))
}

/// The oldest time a chunk of `period` reads.
fn earliest_read(period: i64) -> i64 {
    period
        .saturating_mul(PERIOD_MS)
        .saturating_sub(CONTEXT_DAYS * DAY_MS)
}

/// Every pass of `log`, account by account, in time order: each event is scored by exactly
/// one of them.
pub fn passes_of(log: &EventLog, index: &UserIndex) -> Vec<Pass> {
    let mut passes = Vec::new();
    for user in index.users() {
        user_passes(&log.columns.ts_ms, user, index.events(user), &mut passes);
    }
    passes
}

/// The passes of account `user`.
pub fn account_passes(log: &EventLog, index: &UserIndex, user: UserCode) -> Vec<Pass> {
    let mut passes = Vec::new();
    user_passes(&log.columns.ts_ms, user, index.events(user), &mut passes);
    passes
}

/// The pass that reads account `user`'s last events before `cutoff_ms` and scores none: what
/// the model predicts the account's next event from. It reads as much as a scoring pass at
/// most (`MAX_PASS_TOKENS` tokens), none older than `CONTEXT_DAYS` days before the cut-off.
pub fn pass_before(log: &EventLog, index: &UserIndex, user: UserCode, cutoff_ms: i64) -> Pass {
    let ts = &log.columns.ts_ms;
    let events = index.events(user);
    let end = events.partition_point(|&e| ts[e as usize] < cutoff_ms);
    let earliest = cutoff_ms.saturating_sub(CONTEXT_DAYS * DAY_MS);
    let oldest = events[..end].partition_point(|&e| ts[e as usize] < earliest);
    let start = oldest.max(end.saturating_sub(MAX_PASS_TOKENS - 1));
    Pass {
        user,
        start: start as u32,
        target: end as u32,
        end: end as u32,
    }
}

/// The passes of one account's `events` (in time order), added to `out`.
fn user_passes(ts: &[i64], user: UserCode, events: &[u32], out: &mut Vec<Pass>) {
    let time = |i: usize| ts[events[i] as usize];
    let mut period_start = 0;
    while period_start < events.len() {
        let period = time(period_start).div_euclid(PERIOD_MS);
        let period_end = period_start
            + events[period_start..]
                .partition_point(|&e| ts[e as usize].div_euclid(PERIOD_MS) == period);
        let earliest = earliest_read(period);
        for target in (period_start..period_end).step_by(CHUNK_EVENTS) {
            let mut start = target.saturating_sub(PREFIX_EVENTS);
            while start < target && time(start) < earliest {
                start += 1;
            }
            out.push(Pass {
                user,
                start: start as u32,
                target: target as u32,
                end: (target + CHUNK_EVENTS).min(period_end) as u32,
            });
        }
        period_start = period_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{EventColumns, EventLog};

    fn log_of(times_ms: &[i64]) -> EventLog {
        let mut columns = EventColumns::default();
        for (i, &t) in times_ms.iter().enumerate() {
            columns.row.push(i as u64);
            columns.user.codes.push(columns.user.dict.intern("a"));
            columns.event.codes.push(columns.event.dict.intern("view"));
            columns.ts_ms.push(t);
        }
        EventLog {
            columns,
            label_level: None,
        }
    }

    #[test]
    fn the_pass_before_a_cut_off_reads_the_last_week_and_scores_nothing() {
        // Day 1, then 40 events on day 10, then day 12; cut off on day 12 before its event.
        let mut times = vec![DAY_MS];
        times.extend((0..40).map(|i| 10 * DAY_MS + i * 1000));
        times.push(12 * DAY_MS + 5);
        let log = log_of(&times);
        let index = UserIndex::new(&log);
        let user = index.users().next().expect("one account");
        let pass = pass_before(&log, &index, user, 12 * DAY_MS);
        assert_eq!((pass.start, pass.target, pass.end), (10, 41, 41));
        assert_eq!(pass.tokens(), MAX_PASS_TOKENS);
        assert_eq!(pass.scored(), 0);
        // Nothing within the week before day 30: the opening token alone.
        let alone = pass_before(&log, &index, user, 30 * DAY_MS);
        assert_eq!((alone.start, alone.end, alone.tokens()), (42, 42, 1));
    }

    #[test]
    fn a_pass_reads_a_bounded_past_and_scores_each_event_once() {
        // 20 events on day 10 (the period of days 7-13), one on day 19 (its prefix reads day
        // 10: days 7-20 are in reach), one on day 30 (its prefix is empty: day 19 is too old).
        let mut times: Vec<i64> = (0..20).map(|i| 10 * DAY_MS + i * 1000).collect();
        times.extend([19 * DAY_MS, 30 * DAY_MS]);
        let log = log_of(&times);
        let passes = passes_of(&log, &UserIndex::new(&log));
        let spans: Vec<(u32, u32, u32)> =
            passes.iter().map(|p| (p.start, p.target, p.end)).collect();
        assert_eq!(
            spans,
            vec![(0, 0, 16), (1, 16, 20), (5, 20, 21), (21, 21, 22)]
        );
        assert_eq!(passes.iter().map(Pass::scored).sum::<usize>(), times.len());
        assert!(passes.iter().all(|p| p.tokens() <= MAX_PASS_TOKENS));
    }

    #[test]
    fn the_context_begins_a_week_before_the_period() {
        let from = 24 * DAY_MS + 5 * 3_600_000;
        assert_eq!(behaviour_context_from(from), 14 * DAY_MS);
    }
}
