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
//!   of the `delay + W` days before, as labels arrive `delay` after their events), the value's
//!   confirmed fraud counted beside the rates over the week and the month, and how long ago
//!   the earliest and the latest confirmed fraud of its month window happened. The user's own
//!   confirmed fraud and the event type's are read the same way.

use std::num::NonZeroU32;

use ahash::AHashMap;

use super::FeatureError;
use super::blocks::{Block, GroupKey, Grouping};
use super::event_state::{
    ActivityCursor, ActivityRow, HISTORY_MS, RISK_WINDOWS_MS, RiskCursor, RiskRow, UserCursor,
    UserRow,
};
use super::knowledge::LabelKnowledge;
use super::matrix::Matrix;
use super::phrase::{Phrase, RiskMeasure, RiskOf, Window};
use super::spec::{FeatureSpec, FeatureTable, Unit};
use super::vocab::{Act, act_of};
use crate::log::{CatColumn, EventLog, Label, NULL_CODE, NamedColumn, UserIndex};
use crate::progress::{Progress, Stage};
use crate::time_units::{DAY_MS, HOUR_MS};

/// The user's activity windows (`USER_WINDOWS_MS`).
const USER_WINDOWS: [Window; 4] = [Window::Hour, Window::Day, Window::Week, Window::Month];
/// Label-risk windows (`RISK_WINDOWS_MS`).
const RISK_WINDOWS: [Window; 3] = [Window::Day, Window::Week, Window::Month];
/// The label-risk windows an entity value's fraud is also counted over (the last two of
/// `RISK_WINDOWS`).
const FRAUD_COUNT_WINDOWS: [Window; 2] = [Window::Week, Window::Month];
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

/// The groups the event features are computed over. Each family's columns of an event read only
/// the earlier events of its group (and the event itself), so a part of a log that holds whole
/// groups, with their look-back, computes that family's columns as the whole log does: what a
/// cluster's shuffle by group key hands each worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventFamily {
    /// The user's history and own confirmed fraud, and what the event is (act, hour).
    User,
    /// The event type's confirmed fraud.
    EventType,
    /// An entity role's activity and confirmed fraud (by value, and by value and event type).
    Entity(String),
}

impl EventFamily {
    /// Every family of `log`'s features.
    pub fn all_of(log: &EventLog) -> Vec<Self> {
        let mut all = vec![Self::User, Self::EventType];
        all.extend(
            log.columns
                .entities
                .iter()
                .map(|e| Self::Entity(e.name.clone())),
        );
        all
    }
}

/// `family`'s columns of the events `keep` marks (every event read as history), in table
/// order: only its own passes run.
pub fn family_features(
    log: &EventLog,
    index: &UserIndex,
    labels: &LabelKnowledge,
    keep: &[bool],
    family: &EventFamily,
    progress: &dyn Progress,
) -> Result<EventFeatures, FeatureError> {
    let job = Featurise {
        log,
        index,
        labels,
        keep: Some(keep),
        family: Some(family),
        block: None,
    };
    family_columns_of(log, features_of(&job, progress)?, family)
}

/// `family`'s columns of the events of `block` that `keep` marks, from a part that holds the
/// block's events with the history they read and its undecided labelled events (`blocks`),
/// with the counts of the others summed over the whole log. The user's family is not cut so.
pub fn family_features_in_block(
    log: &EventLog,
    index: &UserIndex,
    labels: &LabelKnowledge,
    keep: &[bool],
    family: &EventFamily,
    block: &Block,
    progress: &dyn Progress,
) -> Result<EventFeatures, FeatureError> {
    let keep: Vec<bool> = (0..log.len())
        .map(|e| keep[e] && block.holds(log.columns.ts_ms[e]))
        .collect();
    let job = Featurise {
        log,
        index,
        labels,
        keep: Some(&keep),
        family: Some(family),
        block: Some(block),
    };
    family_columns_of(log, features_of(&job, progress)?, family)
}

/// The groupings `family`'s risk counts by, with each group's key: the event type's; an
/// entity's values, and its (value, event type) pairs. None for the user's family.
pub fn family_groupings(log: &EventLog, family: &EventFamily) -> Vec<Grouping> {
    let c = &log.columns;
    match family {
        EventFamily::User => Vec::new(),
        EventFamily::EventType => vec![Grouping {
            codes: c.event.codes.clone(),
            keys: type_keys(&c.event),
        }],
        EventFamily::Entity(name) => c
            .entities
            .iter()
            .filter(|e| &e.name == name)
            .flat_map(|e| {
                let (pairs, list) = pair_codes(&e.column, &c.event);
                [
                    Grouping {
                        codes: e.column.codes.clone(),
                        keys: value_keys(&e.column),
                    },
                    Grouping {
                        codes: pairs,
                        keys: pair_keys(&e.column, &c.event, &list),
                    },
                ]
            })
            .collect(),
    }
}

fn type_keys(event: &CatColumn) -> Vec<GroupKey> {
    event
        .dict
        .iter()
        .map(|t| GroupKey {
            value: None,
            event: Some(t.to_string()),
        })
        .collect()
}

fn value_keys(entity: &CatColumn) -> Vec<GroupKey> {
    entity
        .dict
        .iter()
        .map(|v| GroupKey {
            value: Some(v.to_string()),
            event: None,
        })
        .collect()
}

fn pair_keys(entity: &CatColumn, event: &CatColumn, pairs: &[(u32, u32)]) -> Vec<GroupKey> {
    pairs
        .iter()
        .map(|&(v, t)| GroupKey {
            value: Some(entity.dict.get(v).to_string()),
            event: Some(event.dict.get(t).to_string()),
        })
        .collect()
}

/// `all`'s columns of `family` alone.
fn family_columns_of(
    log: &EventLog,
    all: EventFeatures,
    family: &EventFamily,
) -> Result<EventFeatures, FeatureError> {
    let layout = Layout::of(log);
    let cols = layout.family_columns(log, family);
    let mut values = Matrix::zeros(all.values.rows, cols.len());
    for r in 0..all.values.rows {
        let row = all.values.row(r);
        for (j, &c) in cols.iter().enumerate() {
            values.set(r, j, row[c]);
        }
    }
    Ok(FeatureTable {
        specs: cols.iter().map(|&c| all.specs[c].clone()).collect(),
        values,
        rows: all.rows,
    })
}

/// The event features of `log`'s events `rows` (ascending) from columns computed elsewhere
/// (a cluster's family stages), looked up by name, each with one value per row; a column it
/// lacks is NaN, as for an event without that group.
pub fn event_features_given(
    log: &EventLog,
    rows: Vec<u32>,
    column: impl Fn(&str) -> Option<Vec<f32>>,
) -> EventFeatures {
    let specs = Layout::of(log).specs;
    let mut values = Matrix::zeros(rows.len(), specs.len());
    values.data.fill(f32::NAN);
    for (j, spec) in specs.iter().enumerate() {
        if let Some(col) = column(&spec.name) {
            for (r, v) in col.into_iter().enumerate().take(rows.len()) {
                values.set(r, j, v);
            }
        }
    }
    FeatureTable {
        specs,
        values,
        rows: Some(rows),
    }
}

/// How far back the event features of a log with this label delay look: a window of events
/// featurised together with this much history before it gets the same features.
pub fn lookback_ms(label_delay_ms: i64) -> i64 {
    HISTORY_MS.max(label_delay_ms.max(0) + RISK_WINDOWS_MS[2])
}

/// The table's columns, declared before any value is written so the table is allocated once,
/// row-major, and filled in place.
struct Columns {
    specs: Vec<FeatureSpec>,
}

impl Columns {
    fn add(&mut self, name: String, phrase: Phrase, unit: Unit) -> usize {
        self.specs.push(FeatureSpec::new(name, phrase, unit));
        self.specs.len() - 1
    }
}

/// Where the user-history features go.
pub(crate) struct UserColumns {
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

impl UserColumns {
    fn columns(&self) -> Vec<usize> {
        let mut cols = self.counts.to_vec();
        cols.push(self.gap);
        if let Some(a) = &self.amount {
            cols.extend([a.raw, a.mean_30d, a.max_30d, a.ratio_30d]);
        }
        cols
    }

    pub fn write(&self, r: &UserRow, mut set: impl FnMut(usize, f32)) {
        for (&col, &v) in self.counts.iter().zip(&r.counts) {
            set(col, v);
        }
        set(self.gap, r.gap_secs);
        if let Some(a) = &self.amount {
            set(a.raw, r.amount);
            set(a.mean_30d, r.amount_mean_30d);
            set(a.max_30d, r.amount_max_30d);
            set(a.ratio_30d, r.amount_to_mean);
        }
    }
}

/// Where one group's features go (a user's, an event type's, an entity value's).
pub(crate) struct RiskColumns {
    activity: Option<[usize; 3]>,
    known: usize,
    rates: [usize; 3],
    /// Confirmed fraud events over the week and the month, for entity values: one that sees
    /// an event a day has a rate of 3 of 3 or 0 of 1, and a tree tells those apart only with
    /// the count beside the rate.
    fraud_counts: Option<[usize; 2]>,
    /// For entity values: how long ago the earliest and the latest confirmed fraud of the month
    /// window happened (`RiskRow::fraud_age_secs`).
    fraud_ages: Option<[usize; 2]>,
}

impl RiskColumns {
    fn columns(&self) -> Vec<usize> {
        let mut cols: Vec<usize> = self.activity.map(|a| a.to_vec()).unwrap_or_default();
        cols.push(self.known);
        cols.extend(self.rates);
        cols.extend(self.fraud_counts.into_iter().flatten());
        cols.extend(self.fraud_ages.into_iter().flatten());
        cols
    }

    pub fn write_risk(&self, r: &RiskRow, mut set: impl FnMut(usize, f32)) {
        set(self.known, r.known_30d);
        for (&col, &v) in self.rates.iter().zip(&r.rates) {
            set(col, v);
        }
        if let Some(counts) = self.fraud_counts {
            for (col, v) in counts.into_iter().zip(&r.fraud[1..]) {
                set(col, *v);
            }
        }
        if let Some(ages) = self.fraud_ages {
            for (col, v) in ages.into_iter().zip(r.fraud_age_secs) {
                set(col, v);
            }
        }
    }

    pub fn write_activity(&self, a: &ActivityRow, mut set: impl FnMut(usize, f32)) {
        if let Some([events, users, first]) = self.activity {
            set(events, a.events_1d);
            set(users, a.users_7d);
            set(first, a.first_use);
        }
    }
}

/// The risk columns of `role` (a feature name's prefix), about `of`: with the value's activity
/// and fraud counts when `of_entity_value` (an entity value's own risk).
fn risk_columns(c: &mut Columns, role: &str, of: RiskOf, of_entity_value: bool) -> RiskColumns {
    let mut add = |name: String, measure: RiskMeasure, unit: Unit| {
        let of = of.clone();
        c.add(name, Phrase::Risk { of, measure }, unit)
    };
    let activity = of_entity_value.then(|| {
        [
            add(
                format!("{role}_events_1d"),
                RiskMeasure::EventsDay,
                Unit::Count,
            ),
            add(
                format!("{role}_users_7d"),
                RiskMeasure::UsersWeek,
                Unit::Count,
            ),
            add(
                format!("{role}_first_use_30d"),
                RiskMeasure::FirstUseMonth,
                Unit::Number,
            ),
        ]
    });
    let known = add(
        format!("{role}_known_30d"),
        RiskMeasure::KnownMonth,
        Unit::Count,
    );
    let rates = RISK_WINDOWS.map(|w| {
        add(
            format!("{role}_fraud_rate_{}", w.suffix()),
            RiskMeasure::FraudRate(w),
            Unit::Share,
        )
    });
    let fraud_counts = of_entity_value.then(|| {
        FRAUD_COUNT_WINDOWS.map(|w| {
            add(
                format!("{role}_fraud_{}", w.suffix()),
                RiskMeasure::FraudCount(w),
                Unit::Count,
            )
        })
    });
    let fraud_ages = of_entity_value.then(|| {
        [
            add(
                format!("{role}_first_fraud_age_secs"),
                RiskMeasure::FirstFraudAge,
                Unit::Secs,
            ),
            add(
                format!("{role}_last_fraud_age_secs"),
                RiskMeasure::LastFraudAge,
                Unit::Secs,
            ),
        ]
    });
    RiskColumns {
        activity,
        known,
        rates,
        fraud_counts,
        fraud_ages,
    }
}

/// Every column of a log's event features and where each group's go: shared by the
/// whole-log pass and the live watch, so both write the same table.
pub(crate) struct Layout {
    pub specs: Vec<FeatureSpec>,
    pub user: UserColumns,
    acts: Vec<usize>,
    hour: usize,
    pub own: RiskColumns,
    pub kind: RiskColumns,
    /// Per entity role: the value's own, and the value's for this event type.
    pub entities: Vec<(RiskColumns, RiskColumns)>,
}

impl Layout {
    pub fn of(log: &EventLog) -> Self {
        let mut c = Columns { specs: Vec::new() };
        let user = user_columns(&mut c, log.columns.amount.is_some());
        let acts = ACTS
            .iter()
            .map(|(_, name)| {
                c.add(
                    format!("act:{name}"),
                    Phrase::Act(name.to_string()),
                    Unit::Number,
                )
            })
            .collect();
        let hour = c.add("hour".into(), Phrase::HourOfDay, Unit::Count);
        let own = risk_columns(&mut c, "user", RiskOf::Account, false);
        let kind = risk_columns(&mut c, "event_type", RiskOf::EventType, false);
        let entities = log
            .columns
            .entities
            .iter()
            .map(|e| {
                // The entity's own risk, and its risk for this kind of event: a compromised
                // checkout's payments are all fraud while its views are not.
                let own = risk_columns(&mut c, &e.name, RiskOf::Entity(e.name.clone()), true);
                let paired = risk_columns(
                    &mut c,
                    &format!("{}+event", e.name),
                    RiskOf::EntityForEventType(e.name.clone()),
                    false,
                );
                (own, paired)
            })
            .collect();
        Self {
            specs: c.specs,
            user,
            acts,
            hour,
            own,
            kind,
            entities,
        }
    }

    /// The columns `family` writes, in table order.
    fn family_columns(&self, log: &EventLog, family: &EventFamily) -> Vec<usize> {
        let mut cols = match family {
            EventFamily::User => {
                let mut cols = self.user.columns();
                cols.extend(&self.acts);
                cols.push(self.hour);
                cols.extend(self.own.columns());
                cols
            }
            EventFamily::EventType => self.kind.columns(),
            EventFamily::Entity(name) => log
                .columns
                .entities
                .iter()
                .zip(&self.entities)
                .filter(|(e, _)| &e.name == name)
                .flat_map(|(_, (own, paired))| [own.columns(), paired.columns()].concat())
                .collect(),
        };
        cols.sort_unstable();
        cols
    }

    /// What the event is: its act (index into `ACTS`, from `act_index`) and its hour of day.
    pub fn write_what(&self, act: Option<usize>, ts_ms: i64, mut set: impl FnMut(usize, f32)) {
        for (a, &col) in self.acts.iter().enumerate() {
            set(col, f32::from(u8::from(act == Some(a))));
        }
        set(self.hour, ts_ms.rem_euclid(DAY_MS) as f32 / HOUR_MS as f32);
    }
}

/// The act an event type's name says, as an index into the act columns.
pub(crate) fn act_index(event_type: &str) -> Option<usize> {
    let act = act_of(event_type);
    ACTS.iter().position(|(a, _)| *a == act)
}

/// Where the features are written: every event's row, or only the kept events' (the others
/// are read as history and computed, but not stored).
struct Out {
    m: Matrix,
    /// Where each event is written (`None`: every event, in event order).
    rows: Option<KeptRows>,
}

impl Out {
    #[inline]
    fn set(&mut self, e: usize, col: usize, v: f32) {
        match &self.rows {
            None => self.m.set(e, col, v),
            Some(rows) => {
                if let Some(r) = rows.row(e) {
                    self.m.set(r, col, v);
                }
            }
        }
    }
}

/// Each event's row in a table of the kept events only: one plus the row, so an event not
/// kept is `None` in the same four bytes.
struct KeptRows(Vec<Option<NonZeroU32>>);

impl KeptRows {
    fn of(keep: &[bool]) -> Self {
        let mut next = 0u32;
        Self(
            keep.iter()
                .map(|&k| {
                    k.then(|| {
                        next += 1;
                        next
                    })
                    .and_then(NonZeroU32::new)
                })
                .collect(),
        )
    }

    /// The table row of event `e`, when it is kept.
    #[inline]
    fn row(&self, e: usize) -> Option<usize> {
        self.0
            .get(e)
            .copied()
            .flatten()
            .map(|r| r.get() as usize - 1)
    }
}

/// One featurisation: of `log`, the events `keep` marks (all of them for `None`), with only
/// `family`'s passes run (all of them for `None`), and with `block`, the family's risk passes
/// reading one block of time.
struct Featurise<'a> {
    log: &'a EventLog,
    index: &'a UserIndex,
    labels: &'a LabelKnowledge,
    keep: Option<&'a [bool]>,
    family: Option<&'a EventFamily>,
    block: Option<&'a Block>,
}

impl Featurise<'_> {
    fn runs(&self, pass: &EventFamily) -> bool {
        self.family.is_none_or(|f| f == pass)
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
    let job = Featurise {
        log,
        index,
        labels,
        keep,
        family: None,
        block: None,
    };
    features_of(&job, progress)
}

/// The event features `job` asks for; the columns of the passes not run stay NaN.
fn features_of(job: &Featurise, progress: &dyn Progress) -> Result<EventFeatures, FeatureError> {
    let log = job.log;
    let rows: Option<Vec<u32>> = job.keep.map(|keep| {
        (0..keep.len() as u32)
            .filter(|&e| keep[e as usize])
            .collect()
    });
    let n = rows.as_ref().map_or(log.len(), Vec::len);
    let layout = Layout::of(log);
    // Missing until written: an event without a seller has no seller features (not zeros).
    let mut values = Matrix::zeros(n, layout.specs.len());
    values.data.fill(f32::NAN);
    let mut m = Out {
        m: values,
        rows: job.keep.map(KeptRows::of),
    };
    let steps = 3 + log.columns.entities.len() as u64;
    progress.report(Stage::EventFeatures, 0, Some(steps));
    let sweep = RiskSweep::new(log, job.labels);
    if job.runs(&EventFamily::User) {
        user_history(log, job.index, &layout.user, &mut m, progress)?;
        what_it_is(log, &layout, &mut m);
        progress.report(Stage::EventFeatures, 1, Some(steps));
        let own = (&mut m, None);
        sweep.run(column(&log.columns.user), None, &layout.own, own, progress)?;
    }
    if job.runs(&EventFamily::EventType) {
        progress.report(Stage::EventFeatures, 2, Some(steps));
        let keys = job.block.map(|_| type_keys(&log.columns.event));
        let in_block = job.block.zip(keys.as_deref());
        let kind = (&mut m, in_block);
        sweep.run(
            column(&log.columns.event),
            None,
            &layout.kind,
            kind,
            progress,
        )?;
    }
    for (k, (entity, (own, paired))) in log
        .columns
        .entities
        .iter()
        .zip(&layout.entities)
        .enumerate()
    {
        if job.runs(&EventFamily::Entity(entity.name.clone())) {
            progress.report(Stage::EventFeatures, 3 + k as u64, Some(steps));
            entity_passes(job, &sweep, entity, (own, paired), &mut m, progress)?;
        }
    }
    Ok(FeatureTable {
        specs: layout.specs,
        values: m.m,
        rows,
    })
}

/// An entity role's passes: its values' risk (with each event's user), then its (value,
/// event type) pairs'.
fn entity_passes(
    job: &Featurise,
    sweep: &RiskSweep,
    entity: &NamedColumn,
    (own, paired): (&RiskColumns, &RiskColumns),
    m: &mut Out,
    progress: &dyn Progress,
) -> Result<(), FeatureError> {
    let log = job.log;
    let users = Some(log.columns.user.codes.as_slice());
    let keys = job.block.map(|_| value_keys(&entity.column));
    let in_block = job.block.zip(keys.as_deref());
    sweep.run(column(&entity.column), users, own, (m, in_block), progress)?;
    let (pairs, list) = pair_codes(&entity.column, &log.columns.event);
    let keys = job
        .block
        .map(|_| pair_keys(&entity.column, &log.columns.event, &list));
    let in_block = job.block.zip(keys.as_deref());
    sweep.run((&pairs, list.len()), None, paired, (m, in_block), progress)
}

fn user_columns(c: &mut Columns, has_amount: bool) -> UserColumns {
    let counts = USER_WINDOWS.map(|w| {
        c.add(
            format!("user_events_{}", w.suffix()),
            Phrase::UserEvents(w),
            Unit::Count,
        )
    });
    let amount = has_amount.then(|| AmountColumns {
        raw: c.add("amount".into(), Phrase::Amount, Unit::Money),
        mean_30d: c.add(
            "user_amount_mean_30d".into(),
            Phrase::UserAmountMean,
            Unit::Money,
        ),
        max_30d: c.add(
            "user_amount_max_30d".into(),
            Phrase::UserAmountMax,
            Unit::Money,
        ),
        ratio_30d: c.add(
            "amount_to_user_mean_30d".into(),
            Phrase::AmountToUserMean,
            Unit::Number,
        ),
    });
    let gap = c.add("gap_prev_secs".into(), Phrase::GapSincePrevious, Unit::Secs);
    UserColumns {
        counts,
        amount,
        gap,
    }
}

/// Each user's events through a `UserCursor`, in the user's time order.
fn user_history(
    log: &EventLog,
    index: &UserIndex,
    cols: &UserColumns,
    m: &mut Out,
    progress: &dyn Progress,
) -> Result<(), FeatureError> {
    let c = &log.columns;
    for u in index.users() {
        if u.index() % 4096 == 0 && progress.is_cancelled() {
            return Err(FeatureError::Cancelled);
        }
        let mut cursor = UserCursor::default();
        for &e in index.events(u) {
            let e = e as usize;
            let amount = c.amount.as_ref().map_or(f64::NAN, |a| a[e]);
            let row = cursor.push(c.ts_ms[e], amount);
            cols.write(&row, |col, v| m.set(e, col, v));
        }
    }
    Ok(())
}

/// The act of each event's type and its hour of day.
fn what_it_is(log: &EventLog, layout: &Layout, m: &mut Out) {
    let c = &log.columns;
    let act_by_code: Vec<Option<usize>> = c.event.dict.iter().map(act_index).collect();
    for e in 0..log.len() {
        let act = act_by_code
            .get(c.event.codes[e] as usize)
            .copied()
            .flatten();
        layout.write_what(act, c.ts_ms[e], |col, v| m.set(e, col, v));
    }
}

/// Every event's label and when it became known, and the events in time order: what each
/// group's pass reads.
struct RiskSweep<'a> {
    log: &'a EventLog,
    by_time: Vec<u32>,
    label: Vec<Label>,
    known_at: Vec<i64>,
    delay_ms: i64,
}

impl<'a> RiskSweep<'a> {
    fn new(log: &'a EventLog, labels: &LabelKnowledge) -> Self {
        let (label, known_at): (Vec<Label>, Vec<i64>) = (0..log.len())
            .map(|e| labels.event_label(log, e, log.user_of(e)))
            .unzip();
        Self {
            log,
            by_time: time_order(log),
            label,
            known_at,
            delay_ms: labels.delay_ms,
        }
    }

    /// One pass over each value of `column` (its events grouped and in time order). With
    /// `users`, the activity features too (events, distinct users, first use). With a block
    /// (a cluster's part) and each group's key, each group's cursor holds the block's undecided
    /// events and starts from the counts of the others.
    fn run(
        &self,
        (codes, values): (&[u32], usize),
        users: Option<&[u32]>,
        cols: &RiskColumns,
        (m, block): (&mut Out, Option<(&Block, &[GroupKey])>),
        progress: &dyn Progress,
    ) -> Result<(), FeatureError> {
        let ts = &self.log.columns.ts_ms;
        let groups = Groups::new(&self.by_time, codes, values);
        let mut risk = RiskCursor::default();
        let mut activity = ActivityCursor::default();
        for v in 0..values {
            if v % 65_536 == 0 && progress.is_cancelled() {
                return Err(FeatureError::Cancelled);
            }
            let group = groups.of(v);
            match block {
                None => risk.reset(self.labelled(group), self.delay_ms),
                Some((b, keys)) => {
                    let undecided = |&(ts, known_at, _): &(i64, i64, bool)| {
                        b.blocks.undecided(b.block, ts, known_at.max(ts))
                    };
                    risk.reset(self.labelled(group).filter(undecided), self.delay_ms);
                    let (known, fraud, span) = b.counted(&keys[v]);
                    risk.count_throughout(known, fraud, span);
                }
            }
            activity.reset();
            for &e in group {
                let e = e as usize;
                let set = |col, v| m.set(e, col, v);
                cols.write_risk(&risk.advance(ts[e]), set);
                if let Some(users) = users {
                    let a = activity.push(ts[e], users[e]);
                    cols.write_activity(&a, |col, v| m.set(e, col, v));
                }
            }
        }
        Ok(())
    }

    /// The group's labelled events as `(time, known at, is fraud)`, in time order.
    fn labelled<'g>(&'g self, group: &'g [u32]) -> impl Iterator<Item = (i64, i64, bool)> + 'g {
        let ts = &self.log.columns.ts_ms;
        group
            .iter()
            .map(|&e| e as usize)
            .filter(|&e| self.label[e].is_known())
            .map(|e| (ts[e], self.known_at[e], self.label[e].is_fraud()))
    }
}

/// The events grouped by a column's value, each group in time order (a stable counting sort
/// of the time order).
struct Groups {
    offsets: Vec<usize>,
    grouped: Vec<u32>,
}

impl Groups {
    fn new(by_time: &[u32], codes: &[u32], values: usize) -> Self {
        let mut offsets = vec![0usize; values + 1];
        for &e in by_time {
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
        for &e in by_time {
            let v = codes[e as usize];
            if v != NULL_CODE {
                grouped[next[v as usize]] = e;
                next[v as usize] += 1;
            }
        }
        Self { offsets, grouped }
    }

    fn of(&self, v: usize) -> &[u32] {
        &self.grouped[self.offsets[v]..self.offsets[v + 1]]
    }
}

/// A column's codes and how many values it has: what a risk pass groups by.
fn column(c: &CatColumn) -> (&[u32], usize) {
    (&c.codes, c.dict.len())
}

/// A dense code for each event's (entity value, event type) pair; `NULL_CODE` where either is
/// missing. Returns the codes and each code's pair.
fn pair_codes(entity: &CatColumn, event: &CatColumn) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut dense: AHashMap<(u32, u32), u32> = AHashMap::new();
    let mut pairs = Vec::new();
    let codes = entity
        .codes
        .iter()
        .zip(&event.codes)
        .map(|(&v, &t)| {
            if v == NULL_CODE || t == NULL_CODE {
                return NULL_CODE;
            }
            let next = dense.len() as u32;
            *dense.entry((v, t)).or_insert_with(|| {
                pairs.push((v, t));
                next
            })
        })
        .collect();
    (codes, pairs)
}

/// Event indices sorted by (time, row).
pub(crate) fn time_order(log: &EventLog) -> Vec<u32> {
    let c = &log.columns;
    let mut order: Vec<u32> = (0..log.len() as u32).collect();
    order.sort_unstable_by_key(|&e| (c.ts_ms[e as usize], c.row[e as usize], e));
    order
}
