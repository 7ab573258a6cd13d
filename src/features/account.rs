//! Account features: one row per user. The per-user aggregates are one polars `group_by`; the
//! window peaks and the sharing of devices/IPs between users are short sweeps over the
//! per-user index, which polars would need a sort and a join per column to express.

use polars::prelude::*;

use super::FeatureError;
use super::spec::{FeatureTable, TableBuilder, Unit};
use super::vocab::{Act, act_of};
use crate::log::{CatColumn, EntityUsers, EventLog, NULL_CODE, UserCode, UserIndex};
use crate::progress::Progress;

/// At most this many event types get their own count and share columns (the most frequent).
const MAX_EVENT_TYPES: usize = 24;
const DAY_MS: i64 = 86_400_000;
const SESSION_GAP_SECS: f64 = 1800.0;

/// One row per user code of the log.
pub type AccountFeatures = FeatureTable;

fn codes_or_null(column: &CatColumn, order: &[u32]) -> Vec<Option<u32>> {
    order
        .iter()
        .map(|&e| match column.codes[e as usize] {
            NULL_CODE => None,
            c => Some(c),
        })
        .collect()
}

/// The events in per-user time order as a polars frame (so `shift().over(user)` is the gap).
fn event_frame(log: &EventLog, order: &[u32]) -> PolarsResult<DataFrame> {
    let c = &log.columns;
    let mut columns = vec![
        Column::new(
            "user".into(),
            order
                .iter()
                .map(|&e| c.user.codes[e as usize])
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "ts".into(),
            order
                .iter()
                .map(|&e| c.ts_ms[e as usize])
                .collect::<Vec<i64>>(),
        ),
        Column::new("ev".into(), codes_or_null(&c.event, order)),
    ];
    if let Some(amount) = &c.amount {
        let v: Vec<Option<f64>> = order
            .iter()
            .map(|&e| Some(amount[e as usize]).filter(|a| a.is_finite()))
            .collect();
        columns.push(Column::new("amount".into(), v));
    }
    for (name, column) in categorical_roles(log) {
        columns.push(Column::new(name.into(), codes_or_null(column, order)));
    }
    DataFrame::new_infer_height(columns)
}

/// Item, category and entity columns, with the frame column name each gets.
fn categorical_roles(log: &EventLog) -> Vec<(String, &CatColumn)> {
    let c = &log.columns;
    let mut v: Vec<(String, &CatColumn)> = Vec::new();
    if let Some(item) = &c.item {
        v.push(("item".into(), item));
    }
    if let Some(category) = &c.category {
        v.push(("category".into(), category));
    }
    for e in &c.entities {
        v.push((format!("entity:{}", e.name), &e.column));
    }
    v
}

/// Event types that get their own columns: the `MAX_EVENT_TYPES` most frequent, in name order
/// (so another window of the same log gives the same columns in the same order).
pub(crate) fn main_event_types(log: &EventLog) -> Vec<(u32, String)> {
    let mut counts: Vec<(u32, &str, u64)> = log
        .event_type_counts()
        .into_iter()
        .enumerate()
        .map(|(c, (name, n))| (c as u32, name, n))
        .collect();
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(b.1)));
    let mut types: Vec<(u32, String)> = counts
        .into_iter()
        .take(MAX_EVENT_TYPES)
        .map(|(c, name, _)| (c, name.to_string()))
        .collect();
    types.sort_by(|a, b| a.1.cmp(&b.1));
    types
}

fn f64_column(df: &DataFrame, name: &str, rows: &[usize], users: usize) -> PolarsResult<Vec<f32>> {
    let column = df.column(name)?.cast(&DataType::Float64)?;
    let mut out = vec![f32::NAN; users];
    for (&u, v) in rows.iter().zip(column.f64()?.iter()) {
        out[u] = v.map_or(f32::NAN, |v| v as f32);
    }
    Ok(out)
}

/// Events per batch of users the aggregation works on.
const BATCH_EVENTS: usize = 1 << 18;

/// Consecutive runs of users with about `BATCH_EVENTS` events between them.
fn user_batches(index: &UserIndex) -> Vec<std::ops::Range<usize>> {
    let mut batches = Vec::new();
    let (mut start, mut events) = (0, 0);
    for u in index.users() {
        events += index.events(u).len();
        if events >= BATCH_EVENTS {
            batches.push(start..u.index() + 1);
            (start, events) = (u.index() + 1, 0);
        }
    }
    if start < index.user_count() {
        batches.push(start..index.user_count());
    }
    batches
}

pub fn account_features(
    log: &EventLog,
    index: &UserIndex,
    progress: &dyn Progress,
) -> Result<AccountFeatures, FeatureError> {
    account_features_typed(log, index, main_event_types(log), progress)
}

/// The account features of `log` with the per-type columns of the event types `names` (another
/// log's main types, so a few accounts' rows have the columns a model was trained with); a
/// type this log lacks counts zero.
pub fn account_features_with_types(
    log: &EventLog,
    index: &UserIndex,
    names: &[String],
    progress: &dyn Progress,
) -> Result<AccountFeatures, FeatureError> {
    let dict = &log.columns.event.dict;
    let types = names
        .iter()
        .map(|n| (dict.lookup(n).unwrap_or(NULL_CODE), n.clone()))
        .collect();
    account_features_typed(log, index, types, progress)
}

fn account_features_typed(
    log: &EventLog,
    index: &UserIndex,
    types: Vec<(u32, String)>,
    progress: &dyn Progress,
) -> Result<AccountFeatures, FeatureError> {
    progress.report("account features", 0, Some(3));
    let users = log.user_count();
    let roles = categorical_roles(log);

    let gap = (col("ts") - col("ts").shift(lit(1)).over([col("user")])?).cast(DataType::Float64)
        / lit(1000.0);
    let share = |e: Expr| e.cast(DataType::Float64).mean();
    let mut aggs = vec![
        len().alias("events"),
        (col("ts") / lit(DAY_MS)).n_unique().alias("active_days"),
        share(((col("ts") / lit(3_600_000i64)) % lit(24i64)).lt(lit(6i64))).alias("night_share"),
        col("gap").mean().alias("gap_mean"),
        col("gap").std(1).alias("gap_std"),
        col("gap").min().alias("gap_min"),
        col("gap").median().alias("gap_median"),
        share(col("gap").lt(lit(1.0))).alias("gap_under_1s"),
        share(col("gap").lt(lit(10.0))).alias("gap_under_10s"),
        col("gap")
            .gt(lit(SESSION_GAP_SECS))
            .cast(DataType::Float64)
            .sum()
            .alias("session_breaks"),
        share(col("ev").eq(col("ev").shift(lit(1)).over([col("user")])?)).alias("repeat_share"),
        col("ts").min().alias("first_ts"),
        col("ts").max().alias("last_ts"),
    ];
    for (i, (code, _)) in types.iter().enumerate() {
        aggs.push(
            col("ev")
                .eq(lit(*code))
                .cast(DataType::Float64)
                .sum()
                .alias(format!("type{i}")),
        );
    }
    if log.columns.amount.is_some() {
        aggs.push(col("amount").sum().alias("amount_sum"));
        aggs.push(col("amount").mean().alias("amount_mean"));
        aggs.push(col("amount").std(1).alias("amount_std"));
        aggs.push(col("amount").max().alias("amount_max"));
    }
    for (name, _) in &roles {
        aggs.push(
            col(name.as_str())
                .drop_nulls()
                .n_unique()
                .alias(format!("distinct:{name}")),
        );
    }
    // Users are aggregated a batch at a time: each user's rows stay in one batch, and the
    // frame polars works on stays a fraction of the log however big it is.
    let mut df: Option<DataFrame> = None;
    for batch in user_batches(index) {
        if progress.is_cancelled() {
            return Err(FeatureError::Cancelled);
        }
        let order: Vec<u32> = batch
            .flat_map(|u| index.events(UserCode::from_index(u)).iter().copied())
            .collect();
        let part = event_frame(log, &order)?
            .lazy()
            .with_column(gap.clone().alias("gap"))
            .group_by([col("user")])
            .agg(aggs.clone())
            .collect()?;
        match &mut df {
            Some(all) => {
                all.vstack_mut(&part)?;
            }
            None => df = Some(part),
        }
    }
    let df = match df {
        Some(df) => df,
        None => event_frame(log, &[])?
            .lazy()
            .with_column(gap.alias("gap"))
            .group_by([col("user")])
            .agg(aggs)
            .collect()?,
    };
    if progress.is_cancelled() {
        return Err(FeatureError::Cancelled);
    }
    progress.report("account features", 1, Some(3));
    let rows: Vec<usize> = df
        .column("user")?
        .u32()?
        .iter()
        .map(|u| u.unwrap_or(0) as usize)
        .collect();
    let get = |name: &str| f64_column(&df, name, &rows, users);

    let mut b = TableBuilder::default();
    let events = get("events")?;
    let active_days = get("active_days")?;
    b.push("events", "{} events", Unit::Count, events.clone());
    b.push(
        "active_days",
        "active on {} days",
        Unit::Count,
        active_days.clone(),
    );
    b.push(
        "events_per_active_day",
        "{} events per active day",
        Unit::Number,
        events
            .iter()
            .zip(&active_days)
            .map(|(n, d)| n / d.max(1.0))
            .collect(),
    );
    b.push(
        "sessions",
        "{} sessions",
        Unit::Count,
        get("session_breaks")?
            .iter()
            .map(|s| s.max(0.0) + 1.0)
            .collect(),
    );
    b.push(
        "gap_mean_secs",
        "mean gap between events {}",
        Unit::Secs,
        get("gap_mean")?,
    );
    let gap_std = get("gap_std")?;
    let gap_mean = get("gap_mean")?;
    b.push("gap_std_secs", "gap spread {}", Unit::Secs, gap_std.clone());
    b.push(
        "gap_min_secs",
        "shortest gap between events {}",
        Unit::Secs,
        get("gap_min")?,
    );
    b.push(
        "gap_median_secs",
        "median gap between events {}",
        Unit::Secs,
        get("gap_median")?,
    );
    b.push(
        "gap_share_under_1s",
        "{} of gaps under 1 s",
        Unit::Share,
        get("gap_under_1s")?,
    );
    b.push(
        "gap_share_under_10s",
        "{} of gaps under 10 s",
        Unit::Share,
        get("gap_under_10s")?,
    );
    // Coefficient of variation of the gaps: people are irregular (≈1 or more), scripts are not.
    b.push(
        "gap_variation",
        "gap variation {} (machine-regular when near 0)",
        Unit::Number,
        gap_std
            .iter()
            .zip(&gap_mean)
            .map(|(s, m)| s / m.max(1e-3))
            .collect(),
    );
    b.push(
        "night_share",
        "{} of events at night (0–6 h)",
        Unit::Share,
        get("night_share")?,
    );
    b.push(
        "repeat_share",
        "{} of events repeat the previous one",
        Unit::Share,
        get("repeat_share")?,
    );

    let mut acts: Vec<(Act, Vec<f32>)> = Vec::new();
    for (i, (_, name)) in types.iter().enumerate() {
        let counts = get(&format!("type{i}"))?;
        b.push(
            format!("n:{name}"),
            &format!("{{}} {name} events"),
            Unit::Count,
            counts.clone(),
        );
        b.push(
            format!("share:{name}"),
            &format!("{{}} of events are {name}"),
            Unit::Share,
            counts
                .iter()
                .zip(&events)
                .map(|(c, n)| c / n.max(1.0))
                .collect(),
        );
        acts.push((act_of(name), counts));
    }
    funnel_features(&mut b, &acts, &events);

    if log.columns.amount.is_some() {
        b.push(
            "amount_sum",
            "total amount {}",
            Unit::Money,
            get("amount_sum")?,
        );
        b.push(
            "amount_mean",
            "mean amount {}",
            Unit::Money,
            get("amount_mean")?,
        );
        b.push(
            "amount_std",
            "amount spread {}",
            Unit::Money,
            get("amount_std")?,
        );
        b.push(
            "amount_max",
            "largest amount {}",
            Unit::Money,
            get("amount_max")?,
        );
    }
    for (name, _) in &roles {
        let label = name.trim_start_matches("entity:");
        b.push(
            format!("distinct:{label}"),
            &format!("{{}} distinct {label} values"),
            Unit::Count,
            get(&format!("distinct:{name}"))?,
        );
    }
    progress.report("account features", 2, Some(3));

    let first_ts = get("first_ts")?;
    // Age at the latest activity, not at the end of the log: the same account gets the same
    // value whichever window of the log is loaded, so a model trained on last month holds.
    let last_ts = get("last_ts")?;
    b.push(
        "account_age_secs",
        "account active for {}",
        Unit::Secs,
        first_ts
            .iter()
            .zip(&last_ts)
            .map(|(f, l)| (l - f) / 1000.0)
            .collect(),
    );
    if let Some(first_order) = first_order_secs(log, index, &types) {
        b.push(
            "first_order_secs",
            "first order {} after first event",
            Unit::Secs,
            first_order,
        );
    }
    b.push(
        "peak_1min",
        "{} events in 1 min",
        Unit::Count,
        peak_in_window(log, index, 60_000),
    );
    b.push(
        "peak_1h",
        "{} events in 1 h",
        Unit::Count,
        peak_in_window(log, index, 3_600_000),
    );
    for e in &log.columns.entities {
        b.push(
            format!("shared:{}", e.name),
            &format!("{{}} other users share a {}", e.name),
            Unit::Count,
            shared_users(log, &e.column),
        );
    }
    progress.report("account features", 3, Some(3));
    Ok(b.finish())
}

/// Ratios along the shop funnel, where the log has the steps: brushing orders without browsing,
/// refund abuse loops refunds, fake reviews pile up reviews, card testing fails payments.
fn funnel_features(b: &mut TableBuilder, acts: &[(Act, Vec<f32>)], events: &[f32]) {
    let users = events.len();
    let sum_of = |act: Act| -> Option<Vec<f32>> {
        let mut any = false;
        let mut total = vec![0.0f32; users];
        for (_, counts) in acts.iter().filter(|(a, _)| *a == act) {
            any = true;
            for (t, c) in total.iter_mut().zip(counts) {
                *t += c;
            }
        }
        any.then_some(total)
    };
    let ratio = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x / y.max(1.0)).collect();
    let orders = sum_of(Act::Order).or_else(|| sum_of(Act::Pay));
    if let (Some(orders), Some(views)) = (&orders, sum_of(Act::View)) {
        b.push(
            "orders_per_view",
            "{} orders per view",
            Unit::Number,
            ratio(orders, &views),
        );
    }
    if let Some(orders) = &orders {
        if let Some(refunds) = sum_of(Act::Refund) {
            b.push(
                "refunds_per_order",
                "{} refunds per order",
                Unit::Number,
                ratio(&refunds, orders),
            );
        }
        if let Some(reviews) = sum_of(Act::Review) {
            b.push(
                "reviews_per_order",
                "{} reviews per order",
                Unit::Number,
                ratio(&reviews, orders),
            );
        }
    }
    if let Some(failures) = sum_of(Act::Failure) {
        b.push(
            "failure_share",
            "{} of events are failures",
            Unit::Share,
            ratio(&failures, events),
        );
    }
}

/// Seconds from each user's first event to their first order (NaN for users without one), or
/// `None` when the log has no order-like event type.
fn first_order_secs(
    log: &EventLog,
    index: &UserIndex,
    types: &[(u32, String)],
) -> Option<Vec<f32>> {
    let is_order = |act| act == Act::Order;
    let mut order_codes: Vec<u32> = types
        .iter()
        .filter(|(_, n)| is_order(act_of(n)))
        .map(|t| t.0)
        .collect();
    if order_codes.is_empty() {
        order_codes = types
            .iter()
            .filter(|(_, n)| act_of(n) == Act::Pay)
            .map(|t| t.0)
            .collect();
    }
    if order_codes.is_empty() {
        return None;
    }
    let c = &log.columns;
    Some(
        index
            .users()
            .map(|u| {
                let events = index.events(u);
                let first = events.first().map(|&e| c.ts_ms[e as usize]);
                let order = events
                    .iter()
                    .find(|&&e| order_codes.contains(&c.event.codes[e as usize]))
                    .map(|&e| c.ts_ms[e as usize]);
                match (first, order) {
                    (Some(f), Some(o)) => (o - f) as f32 / 1000.0,
                    _ => f32::NAN,
                }
            })
            .collect(),
    )
}

/// The most events each user has in any window of `window_ms`.
fn peak_in_window(log: &EventLog, index: &UserIndex, window_ms: i64) -> Vec<f32> {
    let ts = &log.columns.ts_ms;
    index
        .users()
        .map(|u| {
            let t: Vec<i64> = index.events(u).iter().map(|&e| ts[e as usize]).collect();
            let (mut start, mut best) = (0, 0);
            for end in 0..t.len() {
                while t[end] - t[start] >= window_ms {
                    start += 1;
                }
                best = best.max(end + 1 - start);
            }
            best as f32
        })
        .collect()
}

/// For each user, the most other users seen on any one of its values of `entity`.
fn shared_users(log: &EventLog, entity: &CatColumn) -> Vec<f32> {
    let index = EntityUsers::new(entity, &log.columns.user);
    shared_users_of(&index, log.user_count())
}

/// The `shared:<entity>` feature of each of `users` users from the entity's users per value.
pub fn shared_users_of(index: &EntityUsers, users: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; users];
    for v in 0..index.values() as u32 {
        let users = index.users_of(v);
        let others = users.len().saturating_sub(1) as f32;
        for &u in users {
            out[u.index()] = out[u.index()].max(others);
        }
    }
    out
}
