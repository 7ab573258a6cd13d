//! What a feature means, as a value: a kind, and the names it mentions (an event type, an
//! entity role). `words` turns a phrase and a value into a sentence in the analyst's language
//! ("8 events in 1 min", "1 分钟内 8 次事件"), so the features never hold English text.

use serde::{Deserialize, Serialize};

/// A window of time a feature counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    Hour,
    Day,
    Week,
    Month,
}

impl Window {
    /// The suffix a feature's name carries: `1h`, `1d`, `7d`, `30d`.
    pub fn suffix(self) -> &'static str {
        match self {
            Window::Hour => "1h",
            Window::Day => "1d",
            Window::Week => "7d",
            Window::Month => "30d",
        }
    }
}

/// Whose confirmed fraud, activity or first use a risk feature measures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskOf {
    /// The event's own account.
    Account,
    /// The event's type.
    EventType,
    /// The value the event carries in an entity column (a device, a seller): the role.
    Entity(String),
    /// That value, for this event's type only.
    EntityForEventType(String),
}

/// What a risk feature measures of its subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskMeasure {
    /// Events on it in the last day.
    EventsDay,
    /// Distinct users on it in the last week.
    UsersWeek,
    /// Whether this user first used it in the last 30 days.
    FirstUseMonth,
    /// Confirmed labels on it over 30 days.
    KnownMonth,
    /// The fraud share among its confirmed events over the window.
    FraudRate(Window),
    /// Its confirmed fraud events over the window.
    FraudCount(Window),
    /// How long ago its earliest confirmed fraud of the month happened.
    FirstFraudAge,
    /// How long ago its latest confirmed fraud of the month happened.
    LastFraudAge,
}

/// The meaning of one feature column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phrase {
    // The account's behaviour.
    Events,
    ActiveDays,
    EventsPerActiveDay,
    Sessions,
    GapMean,
    GapSpread,
    GapMin,
    GapMedian,
    GapShareUnder1s,
    GapShareUnder10s,
    GapVariation,
    NightShare,
    RepeatShare,
    /// Events of this type.
    TypeCount(String),
    /// The share of events of this type.
    TypeShare(String),
    OrdersPerView,
    RefundsPerOrder,
    ReviewsPerOrder,
    FailureShare,
    AmountSum,
    AmountMean,
    AmountSpread,
    AmountMax,
    /// Distinct values of this role (item, category or an entity).
    DistinctValues(String),
    AccountAge,
    FirstOrderAfter,
    PeakMinute,
    PeakHour,
    /// Other users sharing a value of this entity.
    SharedWith(String),
    // The event, as of its moment.
    UserEvents(Window),
    Amount,
    UserAmountMean,
    UserAmountMax,
    AmountToUserMean,
    GapSincePrevious,
    /// The event is of this act (view, order, ...).
    Act(String),
    HourOfDay,
    Risk {
        of: RiskOf,
        measure: RiskMeasure,
    },
    /// A column without a known meaning (a model's column this log lacks): its name.
    Named(String),
}
