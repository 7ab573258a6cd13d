//! A user's behaviour as of a cut-off, from the events before it only: recency, frequency and
//! money over windows scaled to the horizon, how overdue the next visit is, the mix of event
//! types and the last few steps of the sequence.
//!
//! Every feature means the same at every cut-off: the model learns at earlier cut-offs, when
//! each customer had less history, and predicts at the latest. So there are rates per day of
//! history rather than totals, and spans are capped at two horizons; a total would grow with
//! the cut-off and move every customer out of the range the model learned on.

use super::timeline::Events;
use crate::features::Matrix;
use crate::time_units::{self, DAY_MS, MINUTE_MS};

/// Windows before the cut-off, as fractions of the horizon.
const WINDOWS: [f64; 5] = [0.125, 0.25, 0.5, 1.0, 2.0];
/// Half-lives of the decayed activity sums, as fractions of the horizon.
const HALF_LIVES: [f64; 3] = [0.25, 0.5, 1.0];
/// Spans (tenure, days since a purchase) are capped at this many horizons.
const MAX_SPAN: f32 = 2.0;
/// A pause this long ends a session: what a user does after one is what they do first when
/// they come back, which is what the next event after a cut-off usually is.
const SESSION_GAP_MS: i64 = 30 * MINUTE_MS;
/// The last steps of the sequence, one-hot each.
const LAST_STEPS: usize = 3;

/// The names of the columns `row` writes, for `classes` event classes.
pub fn names(classes: &[String]) -> Vec<String> {
    let mut n: Vec<String> = [
        "recency_days",
        "tenure_days",
        "events_per_day",
        "purchases_per_day",
        "days_since_purchase",
        "has_purchased",
        "active_day_share",
        "overdue",
        "amount_per_day",
        "amount_per_purchase",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for w in WINDOWS {
        n.push(format!("events_last_{w}h"));
        n.push(format!("purchases_last_{w}h"));
        n.push(format!("amount_last_{w}h"));
    }
    for h in HALF_LIVES {
        n.push(format!("decayed_events_{h}h"));
        n.push(format!("decayed_purchases_{h}h"));
    }
    n.extend(classes.iter().map(|c| format!("share_{c}")));
    n.extend(classes.iter().map(|c| format!("session_start_share_{c}")));
    for step in 1..=LAST_STEPS {
        n.extend(classes.iter().map(|c| format!("last{step}_{c}")));
    }
    n
}

/// The recency-frequency baseline's two columns.
pub const BASELINE_COLS: usize = 2;

/// Appends the user's features as of `cutoff` (the first `n` events are before it) to `out`.
pub fn row(
    ev: &Events,
    n: usize,
    cutoff: i64,
    horizon_ms: i64,
    classes: usize,
    out: &mut Vec<f32>,
) {
    let history = History::of(ev, n, classes);
    history.rates(ev, cutoff, horizon_ms, out);
    recent_windows(ev, n, cutoff, horizon_ms, out);
    decayed(ev, n, cutoff, horizon_ms, out);
    out.extend(history.share.iter().map(|s| s / n as f32));
    out.extend(history.starts.iter().map(|s| s / history.sessions));
    for step in 1..=LAST_STEPS {
        let class = n.checked_sub(step).map(|i| ev.class[i] as usize);
        out.extend((0..classes).map(|c| f32::from(class == Some(c))));
    }
}

/// What a user's first `n` events add up to.
struct History {
    n: usize,
    purchases: usize,
    amount_total: f32,
    last_purchase: Option<i64>,
    active_days: usize,
    /// Events by class.
    share: Vec<f32>,
    /// Sessions by the class of their first event, and how many sessions.
    starts: Vec<f32>,
    sessions: f32,
}

impl History {
    fn of(ev: &Events, n: usize, classes: usize) -> Self {
        let mut h = History {
            n,
            purchases: 0,
            amount_total: 0.0,
            last_purchase: None,
            active_days: 0,
            share: vec![0f32; classes],
            starts: vec![0f32; classes],
            sessions: 0.0,
        };
        let mut last_day = i64::MIN;
        for i in 0..n {
            h.share[ev.class[i] as usize] += 1.0;
            if i == 0 || ev.ts[i] - ev.ts[i - 1] >= SESSION_GAP_MS {
                h.starts[ev.class[i] as usize] += 1.0;
                h.sessions += 1.0;
            }
            let day = ev.ts[i].div_euclid(DAY_MS);
            if day != last_day {
                h.active_days += 1;
                last_day = day;
            }
            if ev.purchase[i] {
                h.purchases += 1;
                h.last_purchase = Some(ev.ts[i]);
                if ev.amount[i].is_finite() {
                    h.amount_total += ev.amount[i];
                }
            }
        }
        h
    }

    /// Recency, tenure, rates per day and how overdue the next visit is, spans capped.
    fn rates(&self, ev: &Events, cutoff: i64, horizon_ms: i64, out: &mut Vec<f32>) {
        let days = |ms: i64| time_units::days(ms) as f32;
        let recency = days(cutoff - ev.ts[self.n - 1]);
        let tenure = days(cutoff - ev.ts[0]);
        // The typical gap between active days; a visit later than that is overdue.
        let gap = if self.active_days > 1 {
            tenure / (self.active_days - 1) as f32
        } else {
            tenure.max(1.0)
        };
        let cap = MAX_SPAN * days(horizon_ms);
        let per_day = tenure.max(1.0);
        out.extend([
            recency.min(cap),
            tenure.min(cap),
            self.n as f32 / per_day,
            self.purchases as f32 / per_day,
            self.last_purchase
                .map_or(cap, |t| days(cutoff - t).min(cap)),
            f32::from(self.purchases > 0),
            (self.active_days as f32 / per_day).min(1.0),
            recency / gap.max(1.0 / 24.0),
            self.amount_total / per_day,
            self.amount_total / self.purchases.max(1) as f32,
        ]);
    }
}

/// Events, purchases and money in each window before `cutoff`.
fn recent_windows(ev: &Events, n: usize, cutoff: i64, horizon_ms: i64, out: &mut Vec<f32>) {
    for w in WINDOWS {
        let since = cutoff - (horizon_ms as f64 * w) as i64;
        let (mut events, mut bought, mut amount) = (0f32, 0f32, 0f32);
        for i in (0..n).rev().take_while(|&i| ev.ts[i] >= since) {
            events += 1.0;
            if ev.purchase[i] {
                bought += 1.0;
                if ev.amount[i].is_finite() {
                    amount += ev.amount[i];
                }
            }
        }
        out.extend([events, bought, amount]);
    }
}

/// Activity weighted by how recent it is: an intensity the next window is likely to keep.
fn decayed(ev: &Events, n: usize, cutoff: i64, horizon_ms: i64, out: &mut Vec<f32>) {
    for h in HALF_LIVES {
        let rate = std::f64::consts::LN_2 / (horizon_ms as f64 * h);
        let (mut events, mut bought) = (0f64, 0f64);
        for i in 0..n {
            let w = (-(cutoff - ev.ts[i]) as f64 * rate).exp();
            events += w;
            if ev.purchase[i] {
                bought += w;
            }
        }
        out.extend([events as f32, bought as f32]);
    }
}

/// The baseline's view of the same user: days since the last event and the number of events.
pub fn baseline_row(ev: &Events, n: usize, cutoff: i64, out: &mut Vec<f32>) {
    out.extend([time_units::days(cutoff - ev.ts[n - 1]) as f32, n as f32]);
}

/// Rows appended one after another into a matrix of `cols` columns.
pub fn matrix(data: Vec<f32>, cols: usize) -> Matrix {
    Matrix {
        rows: data.len() / cols.max(1),
        cols,
        data,
    }
}
