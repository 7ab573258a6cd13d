//! What a feature says about an account or an event, with its value written in: "8 events in
//! 1 min", "1 分钟内 8 次事件".

use rust_i18n::t;

use super::units;
use crate::features::{FeatureSpec, Phrase, RiskMeasure, RiskOf, Window};
use crate::language::Language;

/// The feature `spec` with value `v`, in `language`.
pub fn feature(spec: &FeatureSpec, v: f32, language: Language) -> String {
    phrase(
        &spec.phrase,
        &units::value(spec.unit, v, language),
        language,
    )
}

/// `p` with `value` (already written) in its place.
pub fn phrase(p: &Phrase, value: &str, language: Language) -> String {
    let l = language.code();
    let v = value;
    match p {
        Phrase::TypeCount(name) => t!("feature.type_count", locale = l, v = v, name = name),
        Phrase::TypeShare(name) => t!("feature.type_share", locale = l, v = v, name = name),
        Phrase::Act(name) => t!("feature.act", locale = l, v = v, name = name),
        Phrase::Named(name) => t!("feature.named", locale = l, v = v, name = name),
        Phrase::DistinctValues(role) => {
            t!("feature.distinct_values", locale = l, v = v, role = role)
        }
        Phrase::SharedWith(entity) => {
            t!("feature.shared_with", locale = l, v = v, entity = entity)
        }
        Phrase::UserEvents(w) => {
            let window = window(*w, language);
            t!("feature.user_events", locale = l, v = v, window = window)
        }
        Phrase::Risk { of, measure } => return risk(of, *measure, v, language),
        plain => return plain_phrase(plain, v, language),
    }
    .into_owned()
}

/// A phrase that names nothing but its value.
fn plain_phrase(p: &Phrase, v: &str, language: Language) -> String {
    let l = language.code();
    match p {
        Phrase::Events => t!("feature.events", locale = l, v = v),
        Phrase::ActiveDays => t!("feature.active_days", locale = l, v = v),
        Phrase::EventsPerActiveDay => t!("feature.events_per_active_day", locale = l, v = v),
        Phrase::Sessions => t!("feature.sessions", locale = l, v = v),
        Phrase::GapMean => t!("feature.gap_mean", locale = l, v = v),
        Phrase::GapSpread => t!("feature.gap_spread", locale = l, v = v),
        Phrase::GapMin => t!("feature.gap_min", locale = l, v = v),
        Phrase::GapMedian => t!("feature.gap_median", locale = l, v = v),
        Phrase::GapShareUnder1s => t!("feature.gap_share_under_1s", locale = l, v = v),
        Phrase::GapShareUnder10s => t!("feature.gap_share_under_10s", locale = l, v = v),
        Phrase::GapVariation => t!("feature.gap_variation", locale = l, v = v),
        Phrase::NightShare => t!("feature.night_share", locale = l, v = v),
        Phrase::RepeatShare => t!("feature.repeat_share", locale = l, v = v),
        Phrase::OrdersPerView => t!("feature.orders_per_view", locale = l, v = v),
        Phrase::RefundsPerOrder => t!("feature.refunds_per_order", locale = l, v = v),
        Phrase::ReviewsPerOrder => t!("feature.reviews_per_order", locale = l, v = v),
        Phrase::FailureShare => t!("feature.failure_share", locale = l, v = v),
        Phrase::AmountSum => t!("feature.amount_sum", locale = l, v = v),
        Phrase::AmountMean => t!("feature.amount_mean", locale = l, v = v),
        Phrase::AmountSpread => t!("feature.amount_spread", locale = l, v = v),
        Phrase::AmountMax => t!("feature.amount_max", locale = l, v = v),
        Phrase::AccountAge => t!("feature.account_age", locale = l, v = v),
        Phrase::FirstOrderAfter => t!("feature.first_order_after", locale = l, v = v),
        Phrase::PeakMinute => t!("feature.peak_minute", locale = l, v = v),
        Phrase::PeakHour => t!("feature.peak_hour", locale = l, v = v),
        Phrase::Amount => t!("feature.amount", locale = l, v = v),
        Phrase::UserAmountMean => t!("feature.user_amount_mean", locale = l, v = v),
        Phrase::UserAmountMax => t!("feature.user_amount_max", locale = l, v = v),
        Phrase::AmountToUserMean => t!("feature.amount_to_user_mean", locale = l, v = v),
        Phrase::GapSincePrevious => t!("feature.gap_since_previous", locale = l, v = v),
        Phrase::HourOfDay => t!("feature.hour_of_day", locale = l, v = v),
        // Said by `phrase`, with the names they carry.
        Phrase::TypeCount(_)
        | Phrase::TypeShare(_)
        | Phrase::Act(_)
        | Phrase::Named(_)
        | Phrase::DistinctValues(_)
        | Phrase::SharedWith(_)
        | Phrase::UserEvents(_)
        | Phrase::Risk { .. } => return phrase(p, v, language),
    }
    .into_owned()
}

/// What a risk feature measures of what the event touches, with its value.
fn risk(of: &RiskOf, measure: RiskMeasure, v: &str, language: Language) -> String {
    let l = language.code();
    let what = risk_subject(of, language);
    match measure {
        RiskMeasure::EventsDay => t!("feature.risk_events_day", locale = l, v = v, what = what),
        RiskMeasure::UsersWeek => t!("feature.risk_users_week", locale = l, v = v, what = what),
        RiskMeasure::FirstUseMonth => {
            t!(
                "feature.risk_first_use_month",
                locale = l,
                v = v,
                what = what
            )
        }
        RiskMeasure::KnownMonth => {
            t!("feature.risk_known_month", locale = l, v = v, what = what)
        }
        RiskMeasure::FraudRate(w) => {
            let window = window(w, language);
            t!(
                "feature.risk_fraud_rate",
                locale = l,
                v = v,
                what = what,
                window = window
            )
        }
        RiskMeasure::FraudCount(w) => {
            let window = window(w, language);
            t!(
                "feature.risk_fraud_count",
                locale = l,
                v = v,
                what = what,
                window = window
            )
        }
        RiskMeasure::FirstFraudAge => {
            t!(
                "feature.risk_first_fraud_age",
                locale = l,
                v = v,
                what = what
            )
        }
        RiskMeasure::LastFraudAge => {
            t!(
                "feature.risk_last_fraud_age",
                locale = l,
                v = v,
                what = what
            )
        }
    }
    .into_owned()
}

/// A window's length: "7 days", "7 天".
pub fn window(w: Window, language: Language) -> String {
    let l = language.code();
    match w {
        Window::Hour => t!("window.hour", locale = l),
        Window::Day => t!("window.day", locale = l),
        Window::Week => t!("window.week", locale = l),
        Window::Month => t!("window.month", locale = l),
    }
    .into_owned()
}

/// What a risk feature is about, after "this": "account", "device for this event type".
fn risk_subject(of: &RiskOf, language: Language) -> String {
    let l = language.code();
    match of {
        RiskOf::Account => t!("feature.of_account", locale = l),
        RiskOf::EventType => t!("feature.of_event_type", locale = l),
        RiskOf::Entity(role) => t!("feature.of_entity", locale = l, role = role),
        RiskOf::EntityForEventType(role) => {
            t!("feature.of_entity_for_event_type", locale = l, role = role)
        }
    }
    .into_owned()
}
