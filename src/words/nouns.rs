//! What an account feature measures, as a short noun for a segment's name: "orders per view",
//! "浏览下单比". Event features never name a segment (segments read account features), so they
//! fall back to the column's own name.

use rust_i18n::t;

use crate::features::Phrase;
use crate::language::Language;

/// The noun for `p` in `language`; `name` (the column's) for a phrase without one.
pub fn noun(p: &Phrase, name: &str, language: Language) -> String {
    let l = language.code();
    match p {
        Phrase::Events => t!("noun.events", locale = l),
        Phrase::ActiveDays => t!("noun.active_days", locale = l),
        Phrase::EventsPerActiveDay => t!("noun.events_per_active_day", locale = l),
        Phrase::Sessions => t!("noun.sessions", locale = l),
        Phrase::GapMean | Phrase::GapMedian => t!("noun.gap", locale = l),
        Phrase::GapSpread | Phrase::GapVariation => t!("noun.gap_spread", locale = l),
        Phrase::GapMin => t!("noun.gap_min", locale = l),
        Phrase::GapShareUnder1s | Phrase::GapShareUnder10s => t!("noun.fast_gaps", locale = l),
        Phrase::NightShare => t!("noun.night", locale = l),
        Phrase::RepeatShare => t!("noun.repeats", locale = l),
        Phrase::TypeCount(name) | Phrase::TypeShare(name) => {
            t!("noun.type", locale = l, name = name)
        }
        Phrase::OrdersPerView => t!("noun.orders_per_view", locale = l),
        Phrase::RefundsPerOrder => t!("noun.refunds_per_order", locale = l),
        Phrase::ReviewsPerOrder => t!("noun.reviews_per_order", locale = l),
        Phrase::FailureShare => t!("noun.failures", locale = l),
        Phrase::AmountSum => t!("noun.spend", locale = l),
        Phrase::AmountMean | Phrase::AmountMax => t!("noun.amounts", locale = l),
        Phrase::AmountSpread => t!("noun.amount_spread", locale = l),
        Phrase::DistinctValues(role) => t!("noun.distinct", locale = l, role = role),
        Phrase::AccountAge => t!("noun.account_age", locale = l),
        Phrase::FirstOrderAfter => t!("noun.first_order_after", locale = l),
        Phrase::PeakMinute | Phrase::PeakHour => t!("noun.bursts", locale = l),
        Phrase::SharedWith(entity) => t!("noun.shared", locale = l, entity = entity),
        _ => return name.to_string(),
    }
    .into_owned()
}
