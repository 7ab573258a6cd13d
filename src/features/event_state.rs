//! The state behind each group's event features (one user, one entity value, one event type),
//! advanced one event at a time in time order. The whole-log pass (`event`) runs one cursor
//! per group over its events; the live watch (`live`) keeps every group's cursor and pushes
//! each new event through it, so an event gets the same features either way.

use std::collections::{BTreeSet, VecDeque};

use ahash::AHashMap;

use crate::time_units::{DAY_MS, HOUR_MS, WEEK_MS};

/// The user's activity windows (the last is the longest history any feature reads).
pub(crate) const USER_WINDOWS_MS: [i64; 4] = [HOUR_MS, DAY_MS, WEEK_MS, HISTORY_MS];
/// Label-risk windows, each read `delay` back.
pub(crate) const RISK_WINDOWS_MS: [i64; 3] = [DAY_MS, WEEK_MS, 30 * DAY_MS];
/// The longest history any feature reads.
pub(crate) const HISTORY_MS: i64 = 30 * DAY_MS;

/// A user's features as of one of their events.
pub(crate) struct UserRow {
    /// Events in each of `USER_WINDOWS_MS`, the event itself included.
    pub counts: [f32; 4],
    /// Seconds since the previous event when it was within 30 days.
    pub gap_secs: f32,
    pub amount: f32,
    pub amount_mean_30d: f32,
    pub amount_max_30d: f32,
    /// The amount against the mean of the user's earlier amounts in 30 days.
    pub amount_to_mean: f32,
}

/// One user's last 30 days: counts per window, running amount sum and the window's largest
/// amount (a monotonic queue).
#[derive(Default)]
pub(crate) struct UserCursor {
    /// (time, amount) of the events of the last 30 days, oldest first.
    window: VecDeque<(i64, f64)>,
    /// Absolute index of `window`'s front (events pushed before it have left).
    base: u64,
    /// Absolute index of the first event inside each shorter window.
    starts: [u64; 3],
    sum: f64,
    n: u32,
    /// (absolute index, amount) with amounts decreasing: the front is the window's largest.
    maxq: VecDeque<(u64, f64)>,
    last_ts: Option<i64>,
}

impl UserCursor {
    pub fn push(&mut self, t: i64, amount: f64) -> UserRow {
        while let Some(&(old, a)) = self.window.front() {
            if t - old < HISTORY_MS {
                break;
            }
            self.window.pop_front();
            self.base += 1;
            if a.is_finite() {
                self.sum -= a;
                self.n -= 1;
            }
        }
        if self.n == 0 {
            // Nothing left to subtract from: drop the rounding the running sum carried.
            self.sum = 0.0;
        }
        while self.maxq.front().is_some_and(|&(i, _)| i < self.base) {
            self.maxq.pop_front();
        }
        let before = (self.n > 0).then(|| self.sum / f64::from(self.n));
        let gap_secs = self
            .last_ts
            .filter(|&last| t - last < HISTORY_MS)
            .map_or(f32::NAN, |last| (t - last) as f32 / 1000.0);
        self.last_ts = Some(t);

        let index = self.base + self.window.len() as u64;
        self.window.push_back((t, amount));
        if amount.is_finite() {
            self.sum += amount;
            self.n += 1;
            while self.maxq.back().is_some_and(|&(_, a)| a <= amount) {
                self.maxq.pop_back();
            }
            self.maxq.push_back((index, amount));
        }
        let mut counts = [0f32; 4];
        for (w, &window_ms) in USER_WINDOWS_MS[..3].iter().enumerate() {
            let start = &mut self.starts[w];
            *start = (*start).max(self.base);
            while t - self.window[(*start - self.base) as usize].0 >= window_ms {
                *start += 1;
            }
            counts[w] = (index + 1 - *start) as f32;
        }
        counts[3] = self.window.len() as f32;
        let mean = (self.n > 0).then(|| self.sum / f64::from(self.n));
        UserRow {
            counts,
            gap_secs,
            amount: amount as f32,
            amount_mean_30d: mean.map_or(f32::NAN, |m| m as f32),
            amount_max_30d: self.maxq.front().map_or(f32::NAN, |&(_, a)| a as f32),
            amount_to_mean: match before {
                Some(b) if amount.is_finite() => (amount / b.max(0.01)) as f32,
                _ => f32::NAN,
            },
        }
    }
}

/// A group's label risk as of one event: confirmed labels over 30 days and the fraud share
/// in each of `RISK_WINDOWS_MS`.
pub(crate) struct RiskRow {
    pub known_30d: f32,
    pub rates: [f32; 3],
    /// Confirmed fraud events in each window.
    pub fraud: [f32; 3],
    /// Seconds since the earliest and since the latest confirmed fraud event of the 30-day
    /// window (NaN without one): how long a run of fraud through the group has lasted, and
    /// whether it is still going. A compromised terminal's fraud stops when it is fixed, while
    /// the windows' counts go on naming it for `delay + W`.
    pub fraud_age_secs: [f32; 2],
}

/// The earliest and the latest time of some confirmed fraud events (ms since the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FraudSpan {
    pub first_ms: i64,
    pub last_ms: i64,
}

impl FraudSpan {
    pub fn at(ts: i64) -> Self {
        Self {
            first_ms: ts,
            last_ms: ts,
        }
    }

    /// The span of both (either may be missing).
    pub fn union(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(Self {
                first_ms: a.first_ms.min(b.first_ms),
                last_ms: a.last_ms.max(b.last_ms),
            }),
            (a, b) => a.or(b),
        }
    }
}

/// The fraud rate among a group's events whose labels were known before each moment, over the
/// delayed windows: a labelled event at `ts` counts at `t` once its label is known (and it has
/// happened) before `t`, while `t - delay - W <= ts`.
#[derive(Default)]
pub(crate) struct RiskCursor {
    /// (time, is fraud) of the group's labelled events, in time order.
    labelled: Vec<(i64, bool)>,
    /// (moment it counts from, index in `labelled`), in that order.
    arrivals: Vec<(i64, u32)>,
    arrived: usize,
    /// Per labelled event and window: counted there now.
    active: Vec<[bool; 3]>,
    removed: [usize; 3],
    known: [u32; 3],
    fraud: [u32; 3],
    /// The fraud events counted in the 30-day window now: (time, index in `labelled`).
    fraud_30d: BTreeSet<(i64, u32)>,
    /// The span of the fraud counted throughout (`count_throughout`).
    fraud_throughout: Option<FraudSpan>,
    delay_ms: i64,
}

impl RiskCursor {
    /// Starts over on a group whose labelled events are `(time, known at, is fraud)` in time
    /// order (reusing this cursor's buffers).
    pub fn reset(&mut self, labelled: impl Iterator<Item = (i64, i64, bool)>, delay_ms: i64) {
        self.labelled.clear();
        self.arrivals.clear();
        for (i, (ts, known_at, fraud)) in labelled.enumerate() {
            self.labelled.push((ts, fraud));
            self.arrivals.push((known_at.max(ts), i as u32));
        }
        self.arrivals.sort_unstable();
        self.arrived = 0;
        self.active.clear();
        self.active.resize(self.labelled.len(), [false; 3]);
        self.removed = [0; 3];
        self.known = [0; 3];
        self.fraud = [0; 3];
        self.fraud_30d.clear();
        self.fraud_throughout = None;
        self.delay_ms = delay_ms.max(0);
    }

    pub fn new(labelled: impl Iterator<Item = (i64, i64, bool)>, delay_ms: i64) -> Self {
        let mut c = Self::default();
        c.reset(labelled, delay_ms);
        c
    }

    /// Counts, in each window, labelled events that count throughout what follows and are not
    /// among the cursor's own (a block's, counted elsewhere: `blocks`), with the span of the
    /// fraud among them in the 30-day window.
    pub fn count_throughout(
        &mut self,
        known: [u32; 3],
        fraud: [u32; 3],
        fraud_span: Option<FraudSpan>,
    ) {
        for w in 0..3 {
            self.known[w] += known[w];
            self.fraud[w] += fraud[w];
        }
        self.fraud_throughout = fraud_span;
    }

    /// Adds a labelled event at `ts` (not before the group's last), known from `known_at`: an
    /// event that arrives after the cursor started, of an account whose label is known.
    pub fn add(&mut self, ts: i64, known_at: i64, fraud: bool) {
        let i = self.labelled.len() as u32;
        self.labelled.push((ts, fraud));
        self.active.push([false; 3]);
        let arrival = (known_at.max(ts), i);
        // Every arrival already counted came before the current moment, so before this one.
        let at = self.arrived + self.arrivals[self.arrived..].partition_point(|&a| a <= arrival);
        self.arrivals.insert(at, arrival);
    }

    /// The risk as of an event at `t` (not before the previous call's).
    pub fn advance(&mut self, t: i64) -> RiskRow {
        while let Some(&(at, i)) = self.arrivals.get(self.arrived) {
            if at >= t {
                break;
            }
            let (ts, is_fraud) = self.labelled[i as usize];
            for (w, &window_ms) in RISK_WINDOWS_MS.iter().enumerate() {
                // Already older than the window: it never counts there.
                if t - self.delay_ms - window_ms <= ts {
                    self.active[i as usize][w] = true;
                    self.known[w] += 1;
                    self.fraud[w] += u32::from(is_fraud);
                    if is_fraud && w == 2 {
                        self.fraud_30d.insert((ts, i));
                    }
                }
            }
            self.arrived += 1;
        }
        let mut rates = [0f32; 3];
        for (w, &window_ms) in RISK_WINDOWS_MS.iter().enumerate() {
            while let Some(&(ts, is_fraud)) = self.labelled.get(self.removed[w]) {
                if ts >= t - self.delay_ms - window_ms {
                    break;
                }
                if std::mem::take(&mut self.active[self.removed[w]][w]) {
                    self.known[w] -= 1;
                    self.fraud[w] -= u32::from(is_fraud);
                    if is_fraud && w == 2 {
                        self.fraud_30d.remove(&(ts, self.removed[w] as u32));
                    }
                }
                self.removed[w] += 1;
            }
            if self.known[w] > 0 {
                rates[w] = self.fraud[w] as f32 / self.known[w] as f32;
            }
        }
        let own = self
            .fraud_30d
            .first()
            .zip(self.fraud_30d.last())
            .map(|(&(first_ms, _), &(last_ms, _))| FraudSpan { first_ms, last_ms });
        let age = |at: i64| (t - at) as f32 / 1000.0;
        let fraud_age_secs = FraudSpan::union(own, self.fraud_throughout)
            .map_or([f32::NAN; 2], |s| [age(s.first_ms), age(s.last_ms)]);
        RiskRow {
            known_30d: self.known[2] as f32,
            rates,
            fraud: self.fraud.map(|f| f as f32),
            fraud_age_secs,
        }
    }
}

/// An entity value's activity as of one event.
pub(crate) struct ActivityRow {
    pub events_1d: f32,
    pub users_7d: f32,
    /// 1 when the user had not used the value in the 30 days before.
    pub first_use: f32,
}

/// Events on an entity value in the last day, its distinct users in the last week, and when
/// each user last used it.
#[derive(Default)]
pub(crate) struct ActivityCursor {
    day: VecDeque<i64>,
    week: VecDeque<(i64, u32)>,
    users_in_week: AHashMap<u32, u32>,
    last_use: AHashMap<u32, i64>,
}

impl ActivityCursor {
    pub fn reset(&mut self) {
        self.day.clear();
        self.week.clear();
        self.users_in_week.clear();
        self.last_use.clear();
    }

    pub fn push(&mut self, t: i64, user: u32) -> ActivityRow {
        while self.day.front().is_some_and(|&old| t - old >= DAY_MS) {
            self.day.pop_front();
        }
        while let Some(&(old, u)) = self.week.front() {
            if t - old < WEEK_MS {
                break;
            }
            self.week.pop_front();
            if let Some(x) = self.users_in_week.get_mut(&u) {
                *x -= 1;
                if *x == 0 {
                    self.users_in_week.remove(&u);
                }
            }
        }
        self.day.push_back(t);
        self.week.push_back((t, user));
        *self.users_in_week.entry(user).or_insert(0) += 1;
        let first = self
            .last_use
            .insert(user, t)
            .is_none_or(|last| t - last >= HISTORY_MS);
        ActivityRow {
            events_1d: self.day.len() as f32,
            users_7d: self.users_in_week.len() as f32,
            first_use: f32::from(u8::from(first)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_windows_count_and_forget() {
        let mut c = UserCursor::default();
        let a = c.push(0, 10.0);
        assert_eq!(a.counts, [1.0; 4]);
        assert!(a.gap_secs.is_nan() && a.amount_to_mean.is_nan());
        let b = c.push(2 * HOUR_MS, 30.0);
        assert_eq!(b.counts, [1.0, 2.0, 2.0, 2.0]);
        assert_eq!(b.gap_secs, 7200.0);
        assert_eq!((b.amount_mean_30d, b.amount_max_30d), (20.0, 30.0));
        assert_eq!(b.amount_to_mean, 3.0);
        // 31 days on, both earlier events have left every window.
        let c3 = c.push(31 * DAY_MS, 5.0);
        assert_eq!(c3.counts, [1.0; 4]);
        assert_eq!((c3.amount_mean_30d, c3.amount_max_30d), (5.0, 5.0));
        assert!(c3.gap_secs.is_nan());
    }

    #[test]
    fn risk_counts_labels_only_once_known_and_within_the_delayed_window() {
        let delay = DAY_MS;
        // A fraud event at 0 known at 1 day, a legit one at 0 known at 3 days.
        let mut c = RiskCursor::new(
            [(0, DAY_MS, true), (0, 3 * DAY_MS, false)].into_iter(),
            delay,
        );
        assert_eq!(c.advance(DAY_MS).known_30d, 0.0);
        let r = c.advance(2 * DAY_MS);
        assert_eq!((r.known_30d, r.rates[2]), (1.0, 1.0));
        // 1-day window read a day back: [t - 2 days, ...) no longer holds time 0 at 2.5 days.
        let r = c.advance(5 * DAY_MS / 2);
        assert_eq!(r.rates[0], 0.0);
        let r = c.advance(4 * DAY_MS);
        assert_eq!((r.known_30d, r.rates[2], r.fraud[2]), (2.0, 0.5, 1.0));
        assert_eq!(r.fraud_age_secs, [4.0 * 86_400.0; 2]);
    }

    #[test]
    fn fraud_ages_follow_the_run_of_fraud_in_the_month_window() {
        let (delay, day) = (DAY_MS, DAY_MS);
        // Fraud on days 0, 2 and 5 and a legit event on day 6, each known a day later.
        let events = [
            (0, true),
            (2 * day, true),
            (5 * day, true),
            (6 * day, false),
        ];
        let mut c = RiskCursor::new(events.iter().map(|&(t, f)| (t, t + delay, f)), delay);
        assert!(c.advance(day / 2).fraud_age_secs.iter().all(|a| a.is_nan()));
        let secs = |days: i64| (days * day / 1000) as f32;
        assert_eq!(c.advance(10 * day).fraud_age_secs, [secs(10), secs(5)]);
        // Read a day back, the month window at day 32 starts on day 1: day 0 has left it.
        assert_eq!(c.advance(32 * day).fraud_age_secs, [secs(30), secs(27)]);
        assert!(
            c.advance(37 * day)
                .fraud_age_secs
                .iter()
                .all(|a| a.is_nan())
        );
        // Fraud counted throughout a block widens the span.
        let mut c = RiskCursor::new(events.iter().map(|&(t, f)| (t, t + delay, f)), delay);
        c.count_throughout([1; 3], [1; 3], Some(FraudSpan::at(-day)));
        assert_eq!(c.advance(10 * day).fraud_age_secs, [secs(11), secs(5)]);
    }

    #[test]
    fn activity_counts_users_and_first_use() {
        let mut c = ActivityCursor::default();
        assert_eq!(c.push(0, 1).first_use, 1.0);
        let r = c.push(HOUR_MS, 2);
        assert_eq!((r.events_1d, r.users_7d, r.first_use), (2.0, 2.0, 1.0));
        let r = c.push(2 * DAY_MS, 1);
        assert_eq!((r.events_1d, r.users_7d, r.first_use), (1.0, 2.0, 0.0));
        let r = c.push(8 * DAY_MS + 2 * HOUR_MS, 3);
        assert_eq!(r.users_7d, 2.0);
    }
}
