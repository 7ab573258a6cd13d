//! Event features, each as of its event: only the events before it (and itself), at most
//! `lookback_ms` back, and the labels known before it. Because the look-back is bounded, a
//! window of a log featurised with its look-back gives every event of the window the same
//! features as the whole log does.
//!
//! - The user's own history: events in the last hour / day / week / 30 days, mean and largest
//!   amount over 30 days, the gap since the previous event, the amount against the user's own
//!   30-day mean.
//! - What the event is: the act its type names (view, cart, order, pay, refund, review, login,
//!   failure) and the hour of day.
//! - Every linked-entity role (device, ip, seller, terminal, card, ...), one streaming pass per
//!   entity value: events in the last day, distinct users in the last week, whether this user
//!   used the value in the last 30 days, and the fraud rate among the value's events whose
//!   labels were known at that moment, over delayed windows of 1, 7 and 30 days (the events
//!   of the `delay + W` days before, as labels arrive `delay` after their events). The user's
//!   own confirmed fraud and the event type's are read the same way.

use std::collections::VecDeque;

use ahash::AHashMap;

use super::FeatureError;
use super::knowledge::LabelKnowledge;
use super::matrix::Matrix;
use super::spec::{FeatureSpec, FeatureTable, Unit};
use super::vocab::{Act, act_of};
use crate::log::{CatColumn, EventLog, LABEL_UNKNOWN, NULL_CODE, UserIndex};
use crate::progress::Progress;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The user's activity windows.
const USER_WINDOWS: [(i64, &str, &str); 4] = [
    (HOUR_MS, "1h", "1 h"),
    (DAY_MS, "1d", "1 day"),
    (7 * DAY_MS, "7d", "7 days"),
    (30 * DAY_MS, "30d", "30 days"),
];
/// The longest window of anything that is not label risk.
const HISTORY_MS: i64 = 30 * DAY_MS;
/// Label-risk windows, each read `delay` back.
const RISK_WINDOWS: [(i64, &str, &str); 3] = [
    (DAY_MS, "1d", "1 day"),
    (7 * DAY_MS, "7d", "7 days"),
    (30 * DAY_MS, "30d", "30 days"),
];
/// The acts an event type can name, each a 0/1 feature.
const ACTS: [(Act, &str); 8] = [
    (Act::View, "view"),
    (Act::Cart, "cart"),
    (Act::Order, "order"),
    (Act::Pay, "pay"),
    (Act::Refund, "refund"),
    (Act::Review, "review"),
    (Act::Login, "login"),
    (Act::Failure, "failure"),
];

/// One row per event of the log, in the log's event order.
pub type EventFeatures = FeatureTable;

/// How far back the event features of a log with this label delay look: a window of events
/// featurised together with this much history before it gets the same features.
pub fn lookback_ms(label_delay_ms: i64) -> i64 {
    HISTORY_MS.max(label_delay_ms.max(0) + RISK_WINDOWS[2].0)
}

/// The table's columns, declared before any value is written so the table is allocated once,
/// row-major, and filled in place.
struct Columns {
    specs: Vec<FeatureSpec>,
}

impl Columns {
    fn add(&mut self, name: String, phrase: String, unit: Unit) -> usize {
        self.specs.push(FeatureSpec::new(name, phrase, unit));
        self.specs.len() - 1
    }
}

/// Where one entity role's features go.
struct RiskColumns {
    events_1d: Option<usize>,
    users_7d: Option<usize>,
    first_use: Option<usize>,
    known: usize,
    rates: [usize; 3],
}

fn risk_columns(c: &mut Columns, role: &str, what: &str, activity: bool) -> RiskColumns {
    let (events_1d, users_7d, first_use) = if activity {
        (
            Some(c.add(
                format!("{role}_events_1d"),
                format!("{{}} events on this {what} in 1 day"),
                Unit::Count,
            )),
            Some(c.add(
                format!("{role}_users_7d"),
                format!("{{}} users on this {what} in 7 days"),
                Unit::Count,
            )),
            Some(c.add(
                format!("{role}_first_use_30d"),
                format!("first use of this {what} by the user in 30 days ({{}})"),
                Unit::Number,
            )),
        )
    } else {
        (None, None, None)
    };
    let known = c.add(
        format!("{role}_known_30d"),
        format!("{{}} confirmed labels on this {what} over 30 days"),
        Unit::Count,
    );
    let rates = RISK_WINDOWS.map(|(_, suffix, words)| {
        c.add(
            format!("{role}_fraud_rate_{suffix}"),
            format!("{{}} of the confirmed events on this {what} in {words} were fraud"),
            Unit::Share,
        )
    });
    RiskColumns {
        events_1d,
        users_7d,
        first_use,
        known,
        rates,
    }
}

/// Where the features are written: every event's row, or only the kept events' (the others
/// are read as history and computed, but not stored).
struct Out {
    m: Matrix,
    /// Event → table row; `u32::MAX` for an event not kept.
    row_of: Option<Vec<u32>>,
}

impl Out {
    #[inline]
    fn set(&mut self, e: usize, col: usize, v: f32) {
        match &self.row_of {
            None => self.m.set(e, col, v),
            Some(rows) => {
                if let Some(&r) = rows.get(e).filter(|&&r| r != u32::MAX) {
                    self.m.set(r as usize, col, v);
                }
            }
        }
    }
}

/// The event features of every event of `log`.
pub fn event_features(
    log: &EventLog,
    index: &UserIndex,
    labels: &LabelKnowledge,
    progress: &dyn Progress,
) -> Result<EventFeatures, FeatureError> {
    event_features_of(log, index, labels, None, progress)
}

/// The event features of the events `keep` marks, in event order: the others are history,
/// read to compute them but not stored.
pub fn event_features_of(
    log: &EventLog,
    index: &UserIndex,
    labels: &LabelKnowledge,
    keep: Option<&[bool]>,
    progress: &dyn Progress,
) -> Result<EventFeatures, FeatureError> {
    let row_of: Option<Vec<u32>> = keep.map(|keep| {
        let mut next = 0u32;
        keep.iter()
            .map(|&k| {
                if k {
                    next += 1;
                    next - 1
                } else {
                    u32::MAX
                }
            })
            .collect()
    });
    let rows: Option<Vec<u32>> = keep.map(|keep| {
        (0..keep.len() as u32)
            .filter(|&e| keep[e as usize])
            .collect()
    });
    let n = rows.as_ref().map_or(log.len(), Vec::len);
    let has_amount = log.columns.amount.is_some();
    let mut c = Columns { specs: Vec::new() };
    let user_cols = user_columns(&mut c, has_amount);
    let act_cols: Vec<usize> = ACTS
        .iter()
        .map(|(_, name)| {
            c.add(
                format!("act:{name}"),
                format!("a {name} event ({{}})"),
                Unit::Number,
            )
        })
        .collect();
    let hour_col = c.add("hour".into(), "at {} h (UTC)".into(), Unit::Count);
    let own = risk_columns(&mut c, "user", "account", false);
    let kind = risk_columns(&mut c, "event_type", "event type", false);
    let entity_cols: Vec<(RiskColumns, RiskColumns)> = log
        .columns
        .entities
        .iter()
        .map(|e| {
            // The entity's own risk, and its risk for this kind of event: a compromised
            // checkout's payments are all fraud while its views are not.
            let own = risk_columns(&mut c, &e.name, &e.name, true);
            let what = format!("{} for this event type", e.name);
            let paired = risk_columns(&mut c, &format!("{}+event", e.name), &what, false);
            (own, paired)
        })
        .collect();

    // Missing until written: an event without a seller has no seller features (not zeros).
    let mut values = Matrix::zeros(n, c.specs.len());
    values.data.fill(f32::NAN);
    let mut m = Out { m: values, row_of };
    let steps = 3 + log.columns.entities.len() as u64;
    progress.report("event features", 0, Some(steps));
    user_history(log, index, &user_cols, &mut m, progress)?;
    what_it_is(log, &act_cols, hour_col, &mut m);
    let sweep = RiskSweep::new(log, labels);
    progress.report("event features", 1, Some(steps));
    sweep.run(column(&log.columns.user), None, &own, &mut m, progress)?;
    progress.report("event features", 2, Some(steps));
    sweep.run(column(&log.columns.event), None, &kind, &mut m, progress)?;
    for (k, (entity, (own, paired))) in log.columns.entities.iter().zip(&entity_cols).enumerate() {
        progress.report("event features", 3 + k as u64, Some(steps));
        let users = Some(log.columns.user.codes.as_slice());
        sweep.run(column(&entity.column), users, own, &mut m, progress)?;
        let (pairs, values) = pair_codes(&entity.column, &log.columns.event);
        sweep.run((&pairs, values), None, paired, &mut m, progress)?;
    }
    Ok(FeatureTable {
        specs: c.specs,
        values: m.m,
        rows,
    })
}

/// Where the user-history features go.
struct UserColumns {
    counts: [usize; 4],
    amount: Option<AmountColumns>,
    gap: usize,
}

struct AmountColumns {
    raw: usize,
    mean_30d: usize,
    max_30d: usize,
    ratio_30d: usize,
}

fn user_columns(c: &mut Columns, has_amount: bool) -> UserColumns {
    let counts = USER_WINDOWS.map(|(_, suffix, words)| {
        c.add(
            format!("user_events_{suffix}"),
            format!("{{}} events by this user in {words}"),
            Unit::Count,
        )
    });
    let amount = has_amount.then(|| AmountColumns {
        raw: c.add("amount".into(), "amount {}".into(), Unit::Money),
        mean_30d: c.add(
            "user_amount_mean_30d".into(),
            "mean amount {} over 30 days".into(),
            Unit::Money,
        ),
        max_30d: c.add(
            "user_amount_max_30d".into(),
            "largest amount {} over 30 days".into(),
            Unit::Money,
        ),
        ratio_30d: c.add(
            "amount_to_user_mean_30d".into(),
            "amount {}x this user's 30-day mean".into(),
            Unit::Number,
        ),
    });
    let gap = c.add(
        "gap_prev_secs".into(),
        "{} since the user's previous event".into(),
        Unit::Secs,
    );
    UserColumns {
        counts,
        amount,
        gap,
    }
}

/// Counts and amounts over the user's trailing windows, the gap since their previous event (in
/// the last 30 days) and the amount against the mean of their earlier amounts in 30 days.
fn user_history(
    log: &EventLog,
    index: &UserIndex,
    cols: &UserColumns,
    m: &mut Out,
    progress: &dyn Progress,
) -> Result<(), FeatureError> {
    let c = &log.columns;
    let amount = c.amount.as_deref();
    let mut ts: Vec<i64> = Vec::new();
    let mut amt: Vec<f64> = Vec::new();
    let mut prefix_sum: Vec<f64> = Vec::new();
    let mut prefix_n: Vec<u32> = Vec::new();
    let mut maxq: VecDeque<usize> = VecDeque::new();
    for u in 0..index.user_count() as u32 {
        if u % 4096 == 0 && progress.is_cancelled() {
            return Err(FeatureError::Cancelled);
        }
        let events = index.events(u);
        ts.clear();
        ts.extend(events.iter().map(|&e| c.ts_ms[e as usize]));
        for (w, &(window_ms, _, _)) in USER_WINDOWS.iter().enumerate() {
            let mut start = 0;
            for (i, &e) in events.iter().enumerate() {
                while ts[i] - ts[start] >= window_ms {
                    start += 1;
                }
                m.set(e as usize, cols.counts[w], (i + 1 - start) as f32);
            }
        }
        for (i, &e) in events.iter().enumerate() {
            let gap = (i > 0 && ts[i] - ts[i - 1] < HISTORY_MS)
                .then(|| (ts[i] - ts[i - 1]) as f32 / 1000.0);
            m.set(e as usize, cols.gap, gap.unwrap_or(f32::NAN));
        }
        let (Some(a), Some(ac)) = (amount, &cols.amount) else {
            continue;
        };
        amt.clear();
        amt.extend(events.iter().map(|&e| a[e as usize]));
        // Prefix sums of amounts (missing ones count as nothing) for window means.
        prefix_sum.clear();
        prefix_n.clear();
        prefix_sum.push(0.0);
        prefix_n.push(0);
        for (i, &x) in amt.iter().enumerate() {
            prefix_sum.push(prefix_sum[i] + if x.is_finite() { x } else { 0.0 });
            prefix_n.push(prefix_n[i] + u32::from(x.is_finite()));
        }
        maxq.clear();
        let mut start = 0;
        for (i, &e) in events.iter().enumerate() {
            while ts[i] - ts[start] >= HISTORY_MS {
                start += 1;
            }
            if amt[i].is_finite() {
                while maxq.back().is_some_and(|&j| amt[j] <= amt[i]) {
                    maxq.pop_back();
                }
                maxq.push_back(i);
            }
            while maxq.front().is_some_and(|&j| j < start) {
                maxq.pop_front();
            }
            let mean = |from: usize, to: usize| {
                let k = prefix_n[to] - prefix_n[from];
                (k > 0).then(|| (prefix_sum[to] - prefix_sum[from]) / f64::from(k))
            };
            let e = e as usize;
            m.set(e, ac.raw, amt[i] as f32);
            m.set(
                e,
                ac.mean_30d,
                mean(start, i + 1).map_or(f32::NAN, |v| v as f32),
            );
            m.set(
                e,
                ac.max_30d,
                maxq.front().map_or(f32::NAN, |&j| amt[j] as f32),
            );
            // Against the earlier amounts only: the event itself is what is being judged.
            let ratio = match mean(start, i) {
                Some(before) if amt[i].is_finite() => (amt[i] / before.max(0.01)) as f32,
                _ => f32::NAN,
            };
            m.set(e, ac.ratio_30d, ratio);
        }
    }
    Ok(())
}

/// The act of each event's type and its hour of day.
fn what_it_is(log: &EventLog, act_cols: &[usize], hour_col: usize, m: &mut Out) {
    let c = &log.columns;
    let act_by_code: Vec<Option<usize>> = c
        .event
        .dict
        .iter()
        .map(|name| {
            let act = act_of(name);
            ACTS.iter().position(|(a, _)| *a == act)
        })
        .collect();
    for e in 0..log.len() {
        let code = c.event.codes[e];
        let act = act_by_code.get(code as usize).copied().flatten();
        for (a, &col) in act_cols.iter().enumerate() {
            m.set(e, col, f32::from(u8::from(act == Some(a))));
        }
        m.set(
            e,
            hour_col,
            c.ts_ms[e].rem_euclid(DAY_MS) as f32 / HOUR_MS as f32,
        );
    }
}

/// Every event's label and when it became known, and the events in time order: what each
/// entity's pass reads.
struct RiskSweep<'a> {
    log: &'a EventLog,
    by_time: Vec<u32>,
    label: Vec<i8>,
    known_at: Vec<i64>,
    delay_ms: i64,
}

impl<'a> RiskSweep<'a> {
    fn new(log: &'a EventLog, labels: &LabelKnowledge) -> Self {
        let users = &log.columns.user.codes;
        let (label, known_at): (Vec<i8>, Vec<i64>) = (0..log.len())
            .map(|e| labels.event_label(log, e, users[e]))
            .unzip();
        Self {
            log,
            by_time: time_order(log),
            label,
            known_at,
            delay_ms: labels.delay_ms.max(0),
        }
    }

    /// One pass over each value of `column` (its events grouped and in time order). With
    /// `users`, the activity features too (events, distinct users, first use).
    fn run(
        &self,
        (codes, values): (&[u32], usize),
        users: Option<&[u32]>,
        cols: &RiskColumns,
        m: &mut Out,
        progress: &dyn Progress,
    ) -> Result<(), FeatureError> {
        let ts = &self.log.columns.ts_ms;
        // Group the events by value, each group in time order (a stable counting sort).
        let mut offsets = vec![0usize; values + 1];
        for &e in &self.by_time {
            let v = codes[e as usize];
            if v != NULL_CODE {
                offsets[v as usize + 1] += 1;
            }
        }
        for v in 0..values {
            offsets[v + 1] += offsets[v];
        }
        let mut next = offsets.clone();
        let mut grouped = vec![0u32; offsets[values]];
        for &e in &self.by_time {
            let v = codes[e as usize];
            if v != NULL_CODE {
                grouped[next[v as usize]] = e;
                next[v as usize] += 1;
            }
        }
        drop(next);
        let mut state = GroupState::default();
        for v in 0..values {
            if v % 65_536 == 0 && progress.is_cancelled() {
                return Err(FeatureError::Cancelled);
            }
            let group = &grouped[offsets[v]..offsets[v + 1]];
            self.label_risk(group, cols, &mut state, m);
            if let Some(users) = users {
                activity(group, ts, users, cols, &mut state, m);
            }
        }
        Ok(())
    }

    /// The fraud rate among the group's events whose labels were known before each event,
    /// over the delayed windows: an event `e'` counts for an event at `t` when its label was
    /// known before `t` and `t - delay - W <= ts(e')`.
    fn label_risk(&self, group: &[u32], cols: &RiskColumns, st: &mut GroupState, m: &mut Out) {
        let ts = &self.log.columns.ts_ms;
        st.arrivals.clear();
        for (i, &e) in group.iter().enumerate() {
            let e = e as usize;
            if self.label[e] != LABEL_UNKNOWN {
                // Counted once both the label is known and the event has happened.
                st.arrivals.push((self.known_at[e].max(ts[e]), i as u32));
            }
        }
        st.arrivals.sort_unstable();
        let windows = RISK_WINDOWS.len();
        st.active.clear();
        st.active.resize(group.len() * windows, false);
        let mut known = [0u32; 3];
        let mut fraud = [0u32; 3];
        let mut removed = [0usize; 3];
        let mut arrived = 0usize;
        for &e in group {
            let t = ts[e as usize];
            while arrived < st.arrivals.len() && st.arrivals[arrived].0 < t {
                let i = st.arrivals[arrived].1 as usize;
                let at = ts[group[i] as usize];
                let is_fraud = self.label[group[i] as usize] == 1;
                for (w, &(window_ms, _, _)) in RISK_WINDOWS.iter().enumerate() {
                    // Already older than the window: it never counts there.
                    if t - self.delay_ms - window_ms <= at {
                        st.active[i * windows + w] = true;
                        known[w] += 1;
                        fraud[w] += u32::from(is_fraud);
                    }
                }
                arrived += 1;
            }
            for (w, &(window_ms, _, _)) in RISK_WINDOWS.iter().enumerate() {
                while removed[w] < group.len()
                    && ts[group[removed[w]] as usize] < t - self.delay_ms - window_ms
                {
                    let i = removed[w];
                    if std::mem::take(&mut st.active[i * windows + w]) {
                        known[w] -= 1;
                        fraud[w] -= u32::from(self.label[group[i] as usize] == 1);
                    }
                    removed[w] += 1;
                }
            }
            let e = e as usize;
            m.set(e, cols.known, known[2] as f32);
            for w in 0..windows {
                let rate = if known[w] > 0 {
                    fraud[w] as f32 / known[w] as f32
                } else {
                    0.0
                };
                m.set(e, cols.rates[w], rate);
            }
        }
    }
}

/// Scratch reused from one group to the next.
#[derive(Default)]
struct GroupState {
    arrivals: Vec<(i64, u32)>,
    active: Vec<bool>,
    users_in_week: AHashMap<u32, u32>,
    last_use: AHashMap<u32, i64>,
}

/// Events on the value in the last day, distinct users in the last week, and whether this
/// user used the value in the 30 days before.
fn activity(
    group: &[u32],
    ts: &[i64],
    users: &[u32],
    cols: &RiskColumns,
    st: &mut GroupState,
    m: &mut Out,
) {
    let (Some(events_col), Some(users_col), Some(first_col)) =
        (cols.events_1d, cols.users_7d, cols.first_use)
    else {
        return;
    };
    st.users_in_week.clear();
    st.last_use.clear();
    let (mut day_start, mut week_start) = (0usize, 0usize);
    for (i, &e) in group.iter().enumerate() {
        let e = e as usize;
        let t = ts[e];
        while t - ts[group[day_start] as usize] >= DAY_MS {
            day_start += 1;
        }
        while t - ts[group[week_start] as usize] >= 7 * DAY_MS {
            let old = users[group[week_start] as usize];
            if let Some(x) = st.users_in_week.get_mut(&old) {
                *x -= 1;
                if *x == 0 {
                    st.users_in_week.remove(&old);
                }
            }
            week_start += 1;
        }
        let u = users[e];
        *st.users_in_week.entry(u).or_insert(0) += 1;
        let first = st
            .last_use
            .insert(u, t)
            .is_none_or(|last| t - last >= HISTORY_MS);
        m.set(e, events_col, (i + 1 - day_start) as f32);
        m.set(e, users_col, st.users_in_week.len() as f32);
        m.set(e, first_col, f32::from(u8::from(first)));
    }
}

/// A column's codes and how many values it has: what a risk pass groups by.
fn column(c: &CatColumn) -> (&[u32], usize) {
    (&c.codes, c.dict.len())
}

/// A dense code for each event's (entity value, event type) pair; `NULL_CODE` where either is
/// missing. Returns the codes and how many pairs there are.
fn pair_codes(entity: &CatColumn, event: &CatColumn) -> (Vec<u32>, usize) {
    let mut dense: AHashMap<(u32, u32), u32> = AHashMap::new();
    let codes = entity
        .codes
        .iter()
        .zip(&event.codes)
        .map(|(&v, &t)| {
            if v == NULL_CODE || t == NULL_CODE {
                return NULL_CODE;
            }
            let next = dense.len() as u32;
            *dense.entry((v, t)).or_insert(next)
        })
        .collect();
    (codes, dense.len())
}

/// Event indices sorted by (time, row).
pub(crate) fn time_order(log: &EventLog) -> Vec<u32> {
    let c = &log.columns;
    let mut order: Vec<u32> = (0..log.len() as u32).collect();
    order.sort_unstable_by_key(|&e| (c.ts_ms[e as usize], c.row[e as usize], e));
    order
}
