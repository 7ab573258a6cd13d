//! The evidence an account view shows besides its score: the accounts linked to it through a
//! shared device, IP or other entity, and every field of each of its events.

use super::session::Session;
use crate::language::{Language, Say};
use crate::log::{Label, UserCode};
use rust_i18n::t;

/// Values used by more accounts than this (a mobile carrier's NAT, a shared office network)
/// link nothing worth showing one by one.
pub const MAX_USERS_PER_VALUE: usize = 200;

/// One value an account shares with another: the entity's name and the value.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedValue {
    pub entity: String,
    pub value: String,
}

/// Another account sharing at least one entity value with the one looked at.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedAccount {
    pub user: UserCode,
    pub shared: Vec<SharedValue>,
}

/// One event of an account's timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent<'a> {
    pub event: usize,
    pub ts_ms: i64,
    /// The event type's name, when it has one.
    pub kind: Option<&'a str>,
    /// NaN without an amount.
    pub amount: f64,
    pub score: f32,
    /// The log labels the event fraud, as known by the log's end (a label still in its delay
    /// is not shown).
    pub labelled_fraud: bool,
}

/// Which field of an event: one of the canonical roles, or a column of the log by its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Time,
    Event,
    Score,
    Amount,
    Item,
    Category,
    Label,
    /// An entity or attribute column.
    Column(String),
}

/// One field of an event, typed where the view treats it specially.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    /// The event's score in [0, 1] (the view colours it).
    Score(f32),
    /// The label the log gives the event, as known by its end.
    Label(Label),
    /// A moment (ms since the epoch, UTC), written as the language writes one.
    Time(i64),
}

impl FieldValue {
    pub fn is_empty(&self) -> bool {
        match self {
            FieldValue::Text(t) => t.is_empty(),
            FieldValue::Score(_) => false,
            FieldValue::Label(l) => !l.is_known(),
            FieldValue::Time(_) => false,
        }
    }
}

impl Session {
    /// The accounts sharing an entity value with user `u`, riskiest first.
    pub fn linked_accounts(&self, u: UserCode) -> Vec<LinkedAccount> {
        let cols = &self.data.log.columns;
        let events = self.data.index.events(u);
        let mut by_user: std::collections::BTreeMap<UserCode, Vec<SharedValue>> =
            Default::default();
        for (entity, users) in cols.entities.iter().zip(&self.links) {
            let mut values: Vec<u32> = events
                .iter()
                .map(|&e| entity.column.codes[e as usize])
                .collect();
            values.sort_unstable();
            values.dedup();
            for v in values {
                let sharing = users.users_of(v);
                if sharing.len() > MAX_USERS_PER_VALUE {
                    continue;
                }
                for &other in sharing.iter().filter(|&&o| o != u) {
                    by_user.entry(other).or_default().push(SharedValue {
                        entity: entity.name.clone(),
                        value: entity.column.dict.get(v).to_string(),
                    });
                }
            }
        }
        let scores = &self.model.scores.user;
        let mut linked: Vec<LinkedAccount> = by_user
            .into_iter()
            .map(|(user, shared)| LinkedAccount { user, shared })
            .collect();
        linked.sort_by(|a, b| {
            scores[b.user.index()]
                .total_cmp(&scores[a.user.index()])
                .then(a.user.cmp(&b.user))
        });
        linked
    }

    /// Every event of user `u`, oldest first, as the timeline draws it.
    pub fn timeline(&self, u: UserCode) -> Vec<TimelineEvent<'_>> {
        let cols = &self.data.log.columns;
        let known = self.data.labels.event.as_ref();
        self.data
            .index
            .events(u)
            .iter()
            .map(|&e| {
                let e = e as usize;
                TimelineEvent {
                    event: e,
                    ts_ms: cols.ts_ms[e],
                    kind: cols.event.get(e),
                    amount: cols.amount.as_ref().map_or(f64::NAN, |a| a[e]),
                    score: self.model.scores.event.get(e).copied().unwrap_or(0.0),
                    labelled_fraud: known.is_some_and(|l| l[e].is_fraud()),
                }
            })
            .collect()
    }

    /// Every field of event `e` as (name, value), in the event table's column order.
    pub fn event_fields(&self, e: usize) -> Vec<(Field, FieldValue)> {
        let cols = &self.data.log.columns;
        let text = |s: &str| FieldValue::Text(s.to_string());
        let mut f = vec![
            (Field::Time, FieldValue::Time(cols.ts_ms[e])),
            (Field::Event, text(cols.event.get(e).unwrap_or(""))),
            (
                Field::Score,
                FieldValue::Score(self.model.scores.event.get(e).copied().unwrap_or(0.0)),
            ),
        ];
        if let Some(a) = &cols.amount {
            let v = a[e];
            let shown = if v.is_finite() {
                format!("{v:.2}")
            } else {
                String::new()
            };
            f.push((Field::Amount, FieldValue::Text(shown)));
        }
        for (field, c) in [(Field::Item, &cols.item), (Field::Category, &cols.category)] {
            if let Some(c) = c {
                f.push((field, text(c.get(e).unwrap_or(""))));
            }
        }
        for n in cols.entities.iter().chain(&cols.attributes) {
            f.push((
                Field::Column(n.name.clone()),
                text(n.column.get(e).unwrap_or("")),
            ));
        }
        if let Some(l) = &self.data.labels.event {
            f.push((Field::Label, FieldValue::Label(l[e])));
        }
        f
    }

    /// One line per non-empty field of event `e`, then why it scored as it did (in
    /// `language`), for a hover.
    pub fn event_summary(&self, e: usize, language: Language) -> String {
        let fields = self
            .event_fields(e)
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{}: {}", k.say(language), v.say(language)));
        let reasons = self
            .model
            .detector
            .explain_event(&self.data, e)
            .into_iter()
            .map(|r| format!("• {}", r.say(language)));
        fields.chain(reasons).collect::<Vec<_>>().join("\n")
    }
}

impl Say for Field {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Field::Time => t!("field.time", locale = l).into_owned(),
            Field::Event => t!("field.event", locale = l).into_owned(),
            Field::Score => t!("field.score", locale = l).into_owned(),
            Field::Amount => t!("field.amount", locale = l).into_owned(),
            Field::Item => t!("field.item", locale = l).into_owned(),
            Field::Category => t!("field.category", locale = l).into_owned(),
            Field::Label => t!("field.label", locale = l).into_owned(),
            Field::Column(name) => name.clone(),
        }
    }
}

impl Say for FieldValue {
    fn say(&self, language: Language) -> String {
        match self {
            FieldValue::Text(t) => t.clone(),
            FieldValue::Score(s) => format!("{s:.3}"),
            FieldValue::Label(label) => label.say(language),
            FieldValue::Time(ms) => language.date_time(*ms, true),
        }
    }
}
