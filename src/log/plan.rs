//! The resolved mapping: which column index plays which role and how its times are written.
//! Built once from the file's head (`detect.rs`), then applied to every row (`convert.rs`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::mapping::{ExtraEvent, LabelLevel, Mapping};
use super::table::{EventColumns, NamedColumn};
use super::timeparse::TimeFormat;

/// A time column and the event it stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeRole {
    pub column: usize,
    pub format: TimeFormat,
    /// `None` for the main event, whose name comes from `Plan::event`.
    pub event_name: Option<String>,
}

/// Where an event's type comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum EventRole {
    Column(usize),
    Constant(String),
}

/// A role a column can play, as detection and the mapping dialog speak of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Time,
    Event,
    Amount,
    Item,
    Category,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Time => "time",
            Role::Event => "event",
            Role::Amount => "amount",
            Role::Item => "item",
            Role::Category => "category",
        }
    }
}

/// Event name used when a log has neither an event column nor an `event_name`.
pub const DEFAULT_EVENT_NAME: &str = "event";

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Source column names (`column_1`, ... for a headerless file).
    pub columns: Vec<String>,
    pub user: usize,
    pub time: TimeRole,
    /// Further events from the same row (`[[extra_events]]`).
    pub extra: Vec<TimeRole>,
    pub event: EventRole,
    pub amount: Option<usize>,
    pub item: Option<usize>,
    pub category: Option<usize>,
    /// (canonical entity name, column)
    pub entities: Vec<(String, usize)>,
    pub label: Option<(usize, LabelLevel)>,
    pub attributes: Vec<usize>,
    /// Roles guessed from content alone or picked among several candidates: the GUI asks the
    /// analyst to confirm them.
    pub unsure: Vec<Role>,
}

impl Plan {
    /// Highest column index a row must have for its user and main time to be read.
    pub fn required_fields(&self) -> usize {
        self.user.max(self.time.column) + 1
    }

    /// An empty event table with this plan's optional columns.
    pub fn empty_columns(&self) -> EventColumns {
        let named = |name: &str| NamedColumn {
            name: name.to_string(),
            column: Default::default(),
        };
        EventColumns {
            amount: self.amount.map(|_| Vec::new()),
            item: self.item.map(|_| Default::default()),
            category: self.category.map(|_| Default::default()),
            entities: self.entities.iter().map(|(n, _)| named(n)).collect(),
            label: self.label.map(|_| Vec::new()),
            attributes: self
                .attributes
                .iter()
                .map(|&c| named(&self.columns[c]))
                .collect(),
            ..Default::default()
        }
    }

    /// Role → source column, as reported by `vigil inspect`.
    pub fn role_columns(&self) -> BTreeMap<String, String> {
        let col = |i: usize| self.columns[i].clone();
        let mut m = BTreeMap::new();
        m.insert("user".to_string(), col(self.user));
        m.insert("time".to_string(), col(self.time.column));
        if let EventRole::Column(c) = self.event {
            m.insert("event".to_string(), col(c));
        }
        for (role, c) in [
            ("amount", self.amount),
            ("item", self.item),
            ("category", self.category),
            ("label", self.label.map(|(c, _)| c)),
        ] {
            if let Some(c) = c {
                m.insert(role.to_string(), col(c));
            }
        }
        for (name, c) in &self.entities {
            m.insert(format!("entity:{name}"), col(*c));
        }
        for t in &self.extra {
            let name = t.event_name.as_deref().unwrap_or_default();
            m.insert(format!("time:{name}"), col(t.column));
        }
        m
    }

    /// The plan written back as a mapping file (what the GUI saves after the analyst's fixes).
    pub fn to_mapping(&self, has_header: Option<bool>, delimiter: Option<String>) -> Mapping {
        let col = |i: usize| self.columns[i].clone();
        Mapping {
            user: Some(col(self.user)),
            time: Some(col(self.time.column)),
            time_format: Some(self.time.format.name()),
            event: match self.event {
                EventRole::Column(c) => Some(col(c)),
                EventRole::Constant(_) => None,
            },
            event_name: match &self.event {
                EventRole::Constant(n) => Some(n.clone()),
                EventRole::Column(_) => None,
            },
            amount: self.amount.map(col),
            item: self.item.map(col),
            category: self.category.map(col),
            entities: (!self.entities.is_empty())
                .then(|| self.entities.iter().map(|(_, c)| col(*c)).collect()),
            label: self.label.map(|(c, _)| col(c)),
            label_level: self.label.map(|(_, l)| l),
            has_header,
            delimiter,
            encoding: None,
            extra_events: self
                .extra
                .iter()
                .map(|t| ExtraEvent {
                    time: col(t.column),
                    event_name: t.event_name.clone().unwrap_or_default(),
                    time_format: Some(t.format.name()),
                })
                .collect(),
        }
    }
}
