//! The per-user aggregates behind the account features: one polars `group_by` over the events
//! in per-user time order, a batch of users at a time. Each aggregate is named once (`Agg`):
//! the frame's column is read back by the same name.

use polars::prelude::*;

use crate::log::{CatColumn, EventLog, NULL_CODE, UserCode, UserIndex};
use crate::progress::Progress;
use crate::time_units::{DAY_MS, HOUR_MS};

use super::FeatureError;

/// A gap longer than this starts a new session.
const SESSION_GAP_SECS: f64 = 1800.0;
/// Events per batch of users the aggregation works on.
const BATCH_EVENTS: usize = 1 << 18;

/// A per-user aggregate: its column in the frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Agg {
    Events,
    ActiveDays,
    NightShare,
    GapMean,
    GapStd,
    GapMin,
    GapMedian,
    GapUnder1s,
    GapUnder10s,
    SessionBreaks,
    RepeatShare,
    FirstTs,
    LastTs,
    /// Events of the `i`th main type.
    TypeCount(usize),
    AmountSum,
    AmountMean,
    AmountStd,
    AmountMax,
    /// Distinct values of the `i`th categorical role.
    Distinct(usize),
}

impl Agg {
    fn name(self) -> String {
        match self {
            Agg::Events => "events".into(),
            Agg::ActiveDays => "active_days".into(),
            Agg::NightShare => "night_share".into(),
            Agg::GapMean => "gap_mean".into(),
            Agg::GapStd => "gap_std".into(),
            Agg::GapMin => "gap_min".into(),
            Agg::GapMedian => "gap_median".into(),
            Agg::GapUnder1s => "gap_under_1s".into(),
            Agg::GapUnder10s => "gap_under_10s".into(),
            Agg::SessionBreaks => "session_breaks".into(),
            Agg::RepeatShare => "repeat_share".into(),
            Agg::FirstTs => "first_ts".into(),
            Agg::LastTs => "last_ts".into(),
            Agg::TypeCount(i) => format!("type{i}"),
            Agg::AmountSum => "amount_sum".into(),
            Agg::AmountMean => "amount_mean".into(),
            Agg::AmountStd => "amount_std".into(),
            Agg::AmountMax => "amount_max".into(),
            Agg::Distinct(i) => format!("distinct{i}"),
        }
    }
}

/// The item, category and entity columns, with the frame column each becomes and the role
/// name a feature says.
pub(super) fn categorical_roles(log: &EventLog) -> Vec<(String, &CatColumn)> {
    let c = &log.columns;
    let mut v: Vec<(String, &CatColumn)> = Vec::new();
    if let Some(item) = &c.item {
        v.push(("item".into(), item));
    }
    if let Some(category) = &c.category {
        v.push(("category".into(), category));
    }
    for e in &c.entities {
        v.push((e.name.clone(), &e.column));
    }
    v
}

/// Frame column name of the `i`th categorical role's codes.
fn role_column(i: usize) -> String {
    format!("role{i}")
}

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
fn event_frame(log: &EventLog, order: &[u32], roles: usize) -> PolarsResult<DataFrame> {
    let c = &log.columns;
    let pick =
        |f: &dyn Fn(usize) -> u32| -> Vec<u32> { order.iter().map(|&e| f(e as usize)).collect() };
    let mut columns = vec![
        Column::new("user".into(), pick(&|e| c.user.codes[e])),
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
    for (i, (_, column)) in categorical_roles(log).iter().enumerate().take(roles) {
        columns.push(Column::new(
            role_column(i).into(),
            codes_or_null(column, order),
        ));
    }
    DataFrame::new_infer_height(columns)
}

/// Every aggregate of a log with `types` main event types, an amount when `has_amount`, and
/// `roles` categorical roles.
fn aggregations(
    types: &[(u32, String)],
    has_amount: bool,
    roles: usize,
) -> PolarsResult<Vec<Expr>> {
    let gap = || col("gap");
    let share = |e: Expr| e.cast(DataType::Float64).mean();
    let mut aggs: Vec<(Agg, Expr)> = vec![
        (Agg::Events, len()),
        (Agg::ActiveDays, (col("ts") / lit(DAY_MS)).n_unique()),
        (
            Agg::NightShare,
            share(((col("ts") / lit(HOUR_MS)) % lit(24i64)).lt(lit(6i64))),
        ),
        (Agg::GapMean, gap().mean()),
        (Agg::GapStd, gap().std(1)),
        (Agg::GapMin, gap().min()),
        (Agg::GapMedian, gap().median()),
        (Agg::GapUnder1s, share(gap().lt(lit(1.0)))),
        (Agg::GapUnder10s, share(gap().lt(lit(10.0)))),
        (
            Agg::SessionBreaks,
            gap()
                .gt(lit(SESSION_GAP_SECS))
                .cast(DataType::Float64)
                .sum(),
        ),
        (
            Agg::RepeatShare,
            share(col("ev").eq(col("ev").shift(lit(1)).over([col("user")])?)),
        ),
        (Agg::FirstTs, col("ts").min()),
        (Agg::LastTs, col("ts").max()),
    ];
    for (i, (code, _)) in types.iter().enumerate() {
        let count = col("ev").eq(lit(*code)).cast(DataType::Float64).sum();
        aggs.push((Agg::TypeCount(i), count));
    }
    if has_amount {
        aggs.push((Agg::AmountSum, col("amount").sum()));
        aggs.push((Agg::AmountMean, col("amount").mean()));
        aggs.push((Agg::AmountStd, col("amount").std(1)));
        aggs.push((Agg::AmountMax, col("amount").max()));
    }
    for i in 0..roles {
        let distinct = col(role_column(i).as_str()).drop_nulls().n_unique();
        aggs.push((Agg::Distinct(i), distinct));
    }
    Ok(aggs
        .into_iter()
        .map(|(agg, e)| e.alias(agg.name()))
        .collect())
}

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

/// Every user's aggregates, read back by `Agg`.
pub(super) struct Aggregates {
    frame: DataFrame,
    /// The user code of each frame row.
    rows: Vec<usize>,
    users: usize,
}

impl Aggregates {
    /// Aggregates the events of `log` per user.
    pub(super) fn of(
        log: &EventLog,
        index: &UserIndex,
        types: &[(u32, String)],
        progress: &dyn Progress,
    ) -> Result<Self, FeatureError> {
        let roles = categorical_roles(log).len();
        let aggs = aggregations(types, log.columns.amount.is_some(), roles)?;
        let gap = (col("ts") - col("ts").shift(lit(1)).over([col("user")])?)
            .cast(DataType::Float64)
            / lit(1000.0);
        let aggregate = |order: &[u32]| -> PolarsResult<DataFrame> {
            event_frame(log, order, roles)?
                .lazy()
                .with_column(gap.clone().alias("gap"))
                .group_by([col("user")])
                .agg(aggs.clone())
                .collect()
        };
        // Users are aggregated a batch at a time: each user's rows stay in one batch, and the
        // frame polars works on stays a fraction of the log however big it is.
        let mut frame: Option<DataFrame> = None;
        for batch in user_batches(index) {
            if progress.is_cancelled() {
                return Err(FeatureError::Cancelled);
            }
            let order: Vec<u32> = batch
                .flat_map(|u| index.events(UserCode::from_index(u)).iter().copied())
                .collect();
            let part = aggregate(&order)?;
            match &mut frame {
                Some(all) => {
                    all.vstack_mut(&part)?;
                }
                None => frame = Some(part),
            }
        }
        let frame = match frame {
            Some(f) => f,
            None => aggregate(&[])?,
        };
        let rows = frame
            .column("user")?
            .u32()?
            .iter()
            .map(|u| u.unwrap_or(0) as usize)
            .collect();
        Ok(Self {
            frame,
            rows,
            users: log.user_count(),
        })
    }

    /// The aggregate per user code (NaN for a user without it).
    pub(super) fn get(&self, agg: Agg) -> PolarsResult<Vec<f32>> {
        let column = self
            .frame
            .column(agg.name().as_str())?
            .cast(&DataType::Float64)?;
        let mut out = vec![f32::NAN; self.users];
        for (&u, v) in self.rows.iter().zip(column.f64()?.iter()) {
            out[u] = v.map_or(f32::NAN, |v| v as f32);
        }
        Ok(out)
    }
}
