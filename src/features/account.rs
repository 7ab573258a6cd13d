//! Account features: one row per user. The per-user aggregates are one polars `group_by`
//! (`account_aggregates`); the window peaks and the sharing of devices/IPs between users are
//! short sweeps over the per-user index, which polars would need a sort and a join per column
//! to express. The table is built in steps, one per kind of behaviour, in a fixed column order.

use super::FeatureError;
use super::account_aggregates::{Agg, Aggregates, categorical_roles};
use super::phrase::Phrase;
use super::spec::{FeatureTable, TableBuilder, Unit};
use super::vocab::{Act, act_of};
use crate::log::{CatColumn, EntityUsers, EventLog, NULL_CODE, UserIndex};
use crate::progress::{Progress, Stage};
use crate::time_units::{HOUR_MS, MINUTE_MS};

/// At most this many event types get their own count and share columns (the most frequent).
const MAX_EVENT_TYPES: usize = 24;

/// One row per user code of the log.
pub type AccountFeatures = FeatureTable;

/// Event types that get their own columns: the `MAX_EVENT_TYPES` most frequent, in name order
/// (so another window of the same log gives the same columns in the same order).
pub(crate) fn main_event_types(log: &EventLog) -> Vec<(u32, String)> {
    let dict = &log.columns.event.dict;
    main_type_names(log.event_type_counts())
        .into_iter()
        .filter_map(|name| Some((dict.lookup(&name)?, name)))
        .collect()
}

/// The names of the main event types (`main_event_types`) from each type's count of events:
/// counts may be summed over the parts of a log, which then give the whole log's columns.
pub fn main_type_names<'a>(counts: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<String> {
    let mut counts: Vec<(&str, u64)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut names: Vec<String> = counts
        .into_iter()
        .take(MAX_EVENT_TYPES)
        .map(|(name, _)| name.to_string())
        .collect();
    names.sort();
    names
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
    progress.report(Stage::AccountFeatures, 0, Some(3));
    let agg = Aggregates::of(log, index, &types, progress)?;
    if progress.is_cancelled() {
        return Err(FeatureError::Cancelled);
    }
    progress.report(Stage::AccountFeatures, 1, Some(3));
    let mut b = TableBuilder::default();
    let events = rhythm(&mut b, &agg)?;
    let acts = event_types(&mut b, &agg, &types, &events)?;
    funnel(&mut b, &acts, &events);
    if log.columns.amount.is_some() {
        amounts(&mut b, &agg)?;
    }
    distinct_values(&mut b, &agg, log)?;
    progress.report(Stage::AccountFeatures, 2, Some(3));
    timing(&mut b, &agg, log, index, &types)?;
    sharing(&mut b, log);
    progress.report(Stage::AccountFeatures, 3, Some(3));
    Ok(b.finish())
}

/// How much and how regularly the account acts: events, active days, sessions, the gaps
/// between events (people are irregular, scripts are not), night activity and repetition.
/// Returns the events per account, which later steps divide by.
fn rhythm(b: &mut TableBuilder, agg: &Aggregates) -> polars::prelude::PolarsResult<Vec<f32>> {
    let events = agg.get(Agg::Events)?;
    let active_days = agg.get(Agg::ActiveDays)?;
    let gap_mean = agg.get(Agg::GapMean)?;
    let gap_std = agg.get(Agg::GapStd)?;
    let per_day = events
        .iter()
        .zip(&active_days)
        .map(|(n, d)| n / d.max(1.0))
        .collect();
    let sessions = agg
        .get(Agg::SessionBreaks)?
        .iter()
        .map(|s| s.max(0.0) + 1.0)
        .collect();
    // Coefficient of variation of the gaps: people are irregular (≈1 or more), scripts are not.
    let variation = gap_std
        .iter()
        .zip(&gap_mean)
        .map(|(s, m)| s / m.max(1e-3))
        .collect();
    b.push("events", Phrase::Events, Unit::Count, events.clone());
    b.push("active_days", Phrase::ActiveDays, Unit::Count, active_days);
    b.push(
        "events_per_active_day",
        Phrase::EventsPerActiveDay,
        Unit::Number,
        per_day,
    );
    b.push("sessions", Phrase::Sessions, Unit::Count, sessions);
    b.push("gap_mean_secs", Phrase::GapMean, Unit::Secs, gap_mean);
    b.push("gap_std_secs", Phrase::GapSpread, Unit::Secs, gap_std);
    for (name, phrase, unit, a) in [
        ("gap_min_secs", Phrase::GapMin, Unit::Secs, Agg::GapMin),
        (
            "gap_median_secs",
            Phrase::GapMedian,
            Unit::Secs,
            Agg::GapMedian,
        ),
        (
            "gap_share_under_1s",
            Phrase::GapShareUnder1s,
            Unit::Share,
            Agg::GapUnder1s,
        ),
        (
            "gap_share_under_10s",
            Phrase::GapShareUnder10s,
            Unit::Share,
            Agg::GapUnder10s,
        ),
    ] {
        b.push(name, phrase, unit, agg.get(a)?);
    }
    b.push(
        "gap_variation",
        Phrase::GapVariation,
        Unit::Number,
        variation,
    );
    b.push(
        "night_share",
        Phrase::NightShare,
        Unit::Share,
        agg.get(Agg::NightShare)?,
    );
    b.push(
        "repeat_share",
        Phrase::RepeatShare,
        Unit::Share,
        agg.get(Agg::RepeatShare)?,
    );
    Ok(events)
}

/// How many events of each main type, and their share; returns each type's act and counts.
fn event_types(
    b: &mut TableBuilder,
    agg: &Aggregates,
    types: &[(u32, String)],
    events: &[f32],
) -> polars::prelude::PolarsResult<Vec<(Act, Vec<f32>)>> {
    let mut acts = Vec::with_capacity(types.len());
    for (i, (_, name)) in types.iter().enumerate() {
        let counts = agg.get(Agg::TypeCount(i))?;
        let share = counts
            .iter()
            .zip(events)
            .map(|(c, n)| c / n.max(1.0))
            .collect();
        b.push(
            format!("n:{name}"),
            Phrase::TypeCount(name.clone()),
            Unit::Count,
            counts.clone(),
        );
        b.push(
            format!("share:{name}"),
            Phrase::TypeShare(name.clone()),
            Unit::Share,
            share,
        );
        acts.push((act_of(name), counts));
    }
    Ok(acts)
}

/// Ratios along the shop funnel, where the log has the steps: brushing orders without browsing,
/// refund abuse loops refunds, fake reviews pile up reviews, card testing fails payments.
fn funnel(b: &mut TableBuilder, acts: &[(Act, Vec<f32>)], events: &[f32]) {
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
        let v = ratio(orders, &views);
        b.push("orders_per_view", Phrase::OrdersPerView, Unit::Number, v);
    }
    if let Some(orders) = &orders {
        if let Some(refunds) = sum_of(Act::Refund) {
            let v = ratio(&refunds, orders);
            b.push(
                "refunds_per_order",
                Phrase::RefundsPerOrder,
                Unit::Number,
                v,
            );
        }
        if let Some(reviews) = sum_of(Act::Review) {
            let v = ratio(&reviews, orders);
            b.push(
                "reviews_per_order",
                Phrase::ReviewsPerOrder,
                Unit::Number,
                v,
            );
        }
    }
    if let Some(failures) = sum_of(Act::Failure) {
        let v = ratio(&failures, events);
        b.push("failure_share", Phrase::FailureShare, Unit::Share, v);
    }
}

/// The amounts the account moved: total, mean, spread and largest.
fn amounts(b: &mut TableBuilder, agg: &Aggregates) -> polars::prelude::PolarsResult<()> {
    for (name, phrase, a) in [
        ("amount_sum", Phrase::AmountSum, Agg::AmountSum),
        ("amount_mean", Phrase::AmountMean, Agg::AmountMean),
        ("amount_std", Phrase::AmountSpread, Agg::AmountStd),
        ("amount_max", Phrase::AmountMax, Agg::AmountMax),
    ] {
        b.push(name, phrase, Unit::Money, agg.get(a)?);
    }
    Ok(())
}

/// How many distinct items, categories and entity values the account used.
fn distinct_values(
    b: &mut TableBuilder,
    agg: &Aggregates,
    log: &EventLog,
) -> polars::prelude::PolarsResult<()> {
    for (i, (role, _)) in categorical_roles(log).iter().enumerate() {
        b.push(
            format!("distinct:{role}"),
            Phrase::DistinctValues(role.clone()),
            Unit::Count,
            agg.get(Agg::Distinct(i))?,
        );
    }
    Ok(())
}

/// When the account acts: how long it has been active, how soon it first ordered, and its
/// busiest minute and hour.
fn timing(
    b: &mut TableBuilder,
    agg: &Aggregates,
    log: &EventLog,
    index: &UserIndex,
    types: &[(u32, String)],
) -> polars::prelude::PolarsResult<()> {
    let first_ts = agg.get(Agg::FirstTs)?;
    // Age at the latest activity, not at the end of the log: the same account gets the same
    // value whichever window of the log is loaded, so a model trained on last month holds.
    let last_ts = agg.get(Agg::LastTs)?;
    let age = first_ts
        .iter()
        .zip(&last_ts)
        .map(|(f, l)| (l - f) / 1000.0)
        .collect();
    b.push("account_age_secs", Phrase::AccountAge, Unit::Secs, age);
    if let Some(first_order) = first_order_secs(log, index, types) {
        b.push(
            "first_order_secs",
            Phrase::FirstOrderAfter,
            Unit::Secs,
            first_order,
        );
    }
    let peak_minute = peak_in_window(log, index, MINUTE_MS);
    b.push("peak_1min", Phrase::PeakMinute, Unit::Count, peak_minute);
    let peak_hour = peak_in_window(log, index, HOUR_MS);
    b.push("peak_1h", Phrase::PeakHour, Unit::Count, peak_hour);
    Ok(())
}

/// How many other users share the account's devices, IPs and other entity values.
fn sharing(b: &mut TableBuilder, log: &EventLog) {
    for e in &log.columns.entities {
        b.push(
            format!("shared:{}", e.name),
            Phrase::SharedWith(e.name.clone()),
            Unit::Count,
            shared_users(log, &e.column),
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
