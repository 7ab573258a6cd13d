//! Event features, each as of its event: only the events before it (and itself) and the
//! labels known before it. Windows slide along each user's (or each entity's) events in time
//! order, so the whole table is a few linear sweeps.

use std::collections::VecDeque;

use ahash::{AHashMap, AHashSet};

use super::FeatureError;
use super::knowledge::LabelKnowledge;
use super::spec::{FeatureTable, TableBuilder, Unit};
use crate::log::{CatColumn, EventLog, LABEL_UNKNOWN, NULL_CODE, UserIndex};
use crate::progress::Progress;

/// Trailing windows for the user's activity, with their column suffixes.
const USER_WINDOWS: [(i64, &str, &str); 4] = [
    (3_600_000, "1h", "1 h"),
    (86_400_000, "1d", "1 day"),
    (7 * 86_400_000, "7d", "7 days"),
    (30 * 86_400_000, "30d", "30 days"),
];
const ENTITY_WINDOWS: [(i64, &str, &str); 2] = [
    (86_400_000, "1d", "1 day"),
    (7 * 86_400_000, "7d", "7 days"),
];

/// One row per event of the log, in the log's event order.
pub type EventFeatures = FeatureTable;

pub fn event_features(
    log: &EventLog,
    index: &UserIndex,
    labels: &LabelKnowledge,
    progress: &dyn Progress,
) -> Result<EventFeatures, FeatureError> {
    let n = log.len();
    let mut out = TableBuilder::default();
    user_windows(log, index, &mut out, progress)?;
    if !log.columns.entities.is_empty() {
        let by_time = time_order(log);
        for (k, entity) in log.columns.entities.iter().enumerate() {
            if progress.is_cancelled() {
                return Err(FeatureError::Cancelled);
            }
            progress.report(
                "event features",
                k as u64 + 1,
                Some(log.columns.entities.len() as u64 + 1),
            );
            entity_features(
                log,
                &entity.name,
                &entity.column,
                &by_time,
                labels,
                &mut out,
                n,
            );
        }
    }
    Ok(out.finish())
}

/// Event indices sorted by (time, row).
pub(crate) fn time_order(log: &EventLog) -> Vec<u32> {
    let c = &log.columns;
    let mut order: Vec<u32> = (0..log.len() as u32).collect();
    order.sort_unstable_by_key(|&e| (c.ts_ms[e as usize], c.row[e as usize], e));
    order
}

/// Counts and amounts over the user's trailing windows, the gap since their previous event,
/// and the amount against their own history so far.
fn user_windows(
    log: &EventLog,
    index: &UserIndex,
    out: &mut TableBuilder,
    progress: &dyn Progress,
) -> Result<(), FeatureError> {
    let n = log.len();
    let c = &log.columns;
    let amount = c.amount.as_deref();
    let mut count_col = Vec::new();
    let mut mean_col = Vec::new();
    let mut max_col = Vec::new();
    for (_, suffix, words) in USER_WINDOWS {
        count_col.push(out.zeros(
            format!("user_events_{suffix}"),
            format!("{{}} events by this user in {words}"),
            Unit::Count,
            n,
        ));
        if amount.is_some() {
            mean_col.push(out.zeros(
                format!("user_amount_mean_{suffix}"),
                format!("mean amount {{}} over {words}"),
                Unit::Money,
                n,
            ));
            max_col.push(out.zeros(
                format!("user_amount_max_{suffix}"),
                format!("largest amount {{}} over {words}"),
                Unit::Money,
                n,
            ));
        }
    }
    let gap_col = out.zeros(
        "gap_prev_secs".into(),
        "{} since the user's previous event",
        Unit::Secs,
        n,
    );
    let z_col = amount.map(|_| {
        let raw = out.zeros("amount".into(), "amount {}", Unit::Money, n);
        let z = out.zeros(
            "amount_z".into(),
            "amount {} std devs from the user's usual",
            Unit::Number,
            n,
        );
        (raw, z)
    });

    let users = index.user_count() as u32;
    for u in 0..users {
        if u % 4096 == 0 {
            if progress.is_cancelled() {
                return Err(FeatureError::Cancelled);
            }
            progress.report("event features", 0, None);
        }
        let events = index.events(u);
        let ts: Vec<i64> = events.iter().map(|&e| c.ts_ms[e as usize]).collect();
        let amt: Vec<f64> = match amount {
            Some(a) => events.iter().map(|&e| a[e as usize]).collect(),
            None => Vec::new(),
        };
        // Prefix sums of amounts (missing ones count as nothing) for window means.
        let mut prefix_sum = vec![0.0f64; events.len() + 1];
        let mut prefix_n = vec![0u32; events.len() + 1];
        for (i, &a) in amt.iter().enumerate() {
            prefix_sum[i + 1] = prefix_sum[i] + if a.is_finite() { a } else { 0.0 };
            prefix_n[i + 1] = prefix_n[i] + u32::from(a.is_finite());
        }
        for (w, &(window_ms, _, _)) in USER_WINDOWS.iter().enumerate() {
            let mut start = 0;
            let mut maxq: VecDeque<usize> = VecDeque::new();
            for (i, &e) in events.iter().enumerate() {
                while ts[i] - ts[start] >= window_ms {
                    start += 1;
                }
                let e = e as usize;
                out.column_mut(count_col[w])[e] = (i + 1 - start) as f32;
                if amount.is_some() {
                    if amt[i].is_finite() {
                        while maxq.back().is_some_and(|&j| amt[j] <= amt[i]) {
                            maxq.pop_back();
                        }
                        maxq.push_back(i);
                    }
                    while maxq.front().is_some_and(|&j| j < start) {
                        maxq.pop_front();
                    }
                    let k = prefix_n[i + 1] - prefix_n[start];
                    let s = prefix_sum[i + 1] - prefix_sum[start];
                    out.column_mut(mean_col[w])[e] = if k > 0 {
                        (s / k as f64) as f32
                    } else {
                        f32::NAN
                    };
                    out.column_mut(max_col[w])[e] =
                        maxq.front().map_or(f32::NAN, |&j| amt[j] as f32);
                }
            }
        }
        // Welford over the user's earlier amounts.
        let (mut k, mut mean, mut m2) = (0u32, 0.0f64, 0.0f64);
        for (i, &e) in events.iter().enumerate() {
            let e = e as usize;
            out.column_mut(gap_col)[e] = if i == 0 {
                f32::NAN
            } else {
                (ts[i] - ts[i - 1]) as f32 / 1000.0
            };
            if let Some((raw_col, z_col)) = z_col {
                let a = amt[i];
                out.column_mut(raw_col)[e] = a as f32;
                out.column_mut(z_col)[e] = if a.is_finite() && k >= 2 {
                    let sd = (m2 / (k - 1) as f64).sqrt();
                    // The floor keeps a user with identical past amounts from dividing by zero.
                    ((a - mean) / sd.max(0.05 * mean.abs()).max(1.0)) as f32
                } else {
                    0.0
                };
                if a.is_finite() {
                    k += 1;
                    let d = a - mean;
                    mean += d / k as f64;
                    m2 += d * (a - mean);
                }
            }
        }
    }
    Ok(())
}

/// For one linked-entity column: is this the user's first use of the value, how many distinct
/// users the value had over the last day and week, and its fraud rate from labels known so far.
fn entity_features(
    log: &EventLog,
    name: &str,
    entity: &CatColumn,
    by_time: &[u32],
    labels: &LabelKnowledge,
    out: &mut TableBuilder,
    n: usize,
) {
    let c = &log.columns;
    let first_col = out.zeros(
        format!("first_use:{name}"),
        format!("first use of this {name} by the user ({{}})"),
        Unit::Number,
        n,
    );
    let users_cols: Vec<usize> = ENTITY_WINDOWS
        .iter()
        .map(|(_, suffix, words)| {
            out.zeros(
                format!("{name}_users_{suffix}"),
                format!("{{}} users on this {name} in {words}"),
                Unit::Count,
                n,
            )
        })
        .collect();
    let rate_col = out.zeros(
        format!("{name}_fraud_rate"),
        format!("{{}} of known labels on this {name} are fraud"),
        Unit::Share,
        n,
    );

    // Group the events by value, each group in time order (a stable counting sort).
    let values = entity.dict.len();
    let mut offsets = vec![0usize; values + 1];
    for &e in by_time {
        let v = entity.codes[e as usize];
        if v != NULL_CODE {
            offsets[v as usize + 1] += 1;
        }
    }
    for v in 0..values {
        offsets[v + 1] += offsets[v];
    }
    let mut next = offsets.clone();
    let mut grouped = vec![0u32; offsets[values]];
    for &e in by_time {
        let v = entity.codes[e as usize];
        if v != NULL_CODE {
            grouped[next[v as usize]] = e;
            next[v as usize] += 1;
        }
    }
    // Events without a value keep the zeros they start with: no first use, no neighbours.
    let mut seen: AHashSet<u32> = AHashSet::new();
    let mut in_window: Vec<AHashMap<u32, u32>> = vec![AHashMap::new(); ENTITY_WINDOWS.len()];
    let mut known: Vec<(i64, i8)> = Vec::new();
    for v in 0..values {
        let group = &grouped[offsets[v]..offsets[v + 1]];
        seen.clear();
        known.clear();
        for &e in group {
            let (label, at) = labels.event_label(log, e as usize, c.user.codes[e as usize]);
            if label != LABEL_UNKNOWN {
                known.push((at, label));
            }
        }
        known.sort_unstable();
        let (mut k, mut known_n, mut fraud_n) = (0usize, 0u32, 0u32);
        for (w, &(window_ms, _, _)) in ENTITY_WINDOWS.iter().enumerate() {
            let counts = &mut in_window[w];
            counts.clear();
            let mut start = 0;
            for &e in group {
                let t = c.ts_ms[e as usize];
                while t - c.ts_ms[group[start] as usize] >= window_ms {
                    let old = c.user.codes[group[start] as usize];
                    if let Some(x) = counts.get_mut(&old) {
                        *x -= 1;
                        if *x == 0 {
                            counts.remove(&old);
                        }
                    }
                    start += 1;
                }
                *counts.entry(c.user.codes[e as usize]).or_insert(0) += 1;
                out.column_mut(users_cols[w])[e as usize] = counts.len() as f32;
            }
        }
        for &e in group {
            let e = e as usize;
            let t = c.ts_ms[e];
            out.column_mut(first_col)[e] = f32::from(u8::from(seen.insert(c.user.codes[e])));
            while k < known.len() && known[k].0 < t {
                known_n += 1;
                fraud_n += u32::from(known[k].1 == 1);
                k += 1;
            }
            out.column_mut(rate_col)[e] = if known_n > 0 {
                fraud_n as f32 / known_n as f32
            } else {
                0.0
            };
        }
    }
}
