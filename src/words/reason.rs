//! Why an account or an event scored as it did, in words: "8 events in 1 min (normal ≤ 1)",
//! "seller s012: 64% of its confirmed events in the last 7 days were fraud (9 of 14 over 30
//! days)", "device d4 is on the block list".

use rust_i18n::t;

use super::phrase::phrase;
use super::units;
use crate::detect::{Bound, FraudOf, Reason, Says, Unexpected};
use crate::features::{Unit, Window};
use crate::language::Language;
use crate::language::Say;
use crate::rules::{ListEntry, ListKind, RuleAction};

impl Say for Reason {
    fn say(&self, language: Language) -> String {
        self.says.say(language)
    }
}

impl Say for Says {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Says::Beyond {
                phrase: p,
                unit,
                value,
                edge,
                bound,
            } => {
                let what = phrase(p, &units::value(*unit, *value, language), language);
                let edge = units::value(*unit, *edge, language);
                match bound {
                    Bound::NormalMax => {
                        t!("reason.normal_max", locale = l, what = what, edge = edge)
                    }
                    Bound::NormalMin => {
                        t!("reason.normal_min", locale = l, what = what, edge = edge)
                    }
                    Bound::Typical => t!("reason.typical", locale = l, what = what, edge = edge),
                }
                .into_owned()
            }
            Says::FraudRecord {
                of,
                share,
                window: w,
                confirmed,
            } => {
                let said = t!(
                    "reason.fraud_record",
                    locale = l,
                    of = fraud_of(of, language),
                    share = format!("{:.0}", share * 100.0),
                    window = last(*w, language)
                );
                match confirmed {
                    Some((fraud, known)) => t!(
                        "reason.fraud_record_counts",
                        locale = l,
                        said = said,
                        fraud = format!("{fraud:.0}"),
                        known = format!("{known:.0}")
                    )
                    .into_owned(),
                    None => said.into_owned(),
                }
            }
            Says::AwayFromSegment {
                distance,
                normal_max,
            } => t!(
                "reason.away_from_segment",
                locale = l,
                distance = format!("{distance:.1}"),
                edge = format!("{normal_max:.1}")
            )
            .into_owned(),
            Says::Listed { kind, role, value } => listed(*kind, role, value, language),
            Says::Unexpected {
                what,
                chance,
                after,
            } => unexpected(what, *chance, *after, language),
            Says::Rule {
                name,
                action,
                expression,
            } => t!(
                "reason.rule",
                locale = l,
                name = name,
                does = does(*action, language),
                expression = expression
            )
            .into_owned(),
        }
    }
}

/// "a pay_fail event after 3 earlier events: expected 1 in 350".
fn unexpected(what: &Unexpected, chance: f32, after: u32, language: Language) -> String {
    let l = language.code();
    let odds = two_significant_figures(1.0 / chance.max(1e-6));
    let after = after.to_string();
    match what {
        Unexpected::Type { name } => {
            t!(
                "reason.unexpected_type",
                locale = l,
                event = name,
                after = after,
                odds = odds
            )
        }
        Unexpected::Amount { amount } => t!(
            "reason.unexpected_amount",
            locale = l,
            amount = units::value(Unit::Money, *amount, language),
            after = after,
            odds = odds
        ),
        Unexpected::Gap { secs } => t!(
            "reason.unexpected_gap",
            locale = l,
            gap = units::value(Unit::Secs, *secs, language),
            odds = odds
        ),
        Unexpected::NewValue { role, value } => t!(
            "reason.unexpected_new_value",
            locale = l,
            role = role,
            value = value,
            after = after,
            odds = odds
        ),
    }
    .into_owned()
}

/// "1000" for 1002, "350" for 347.4: odds are an order of magnitude, and a figure that
/// moves in its last digit with the batch a network read the event in would read as a change.
fn two_significant_figures(v: f32) -> String {
    if !v.is_finite() || v < 1.0 {
        return "1".to_string();
    }
    let scale = 10f64.powi((f64::from(v).log10().floor() as i32 - 1).max(0));
    format!("{:.0}", (f64::from(v) / scale).round() * scale)
}

/// "the last 7 days".
fn last(w: Window, language: Language) -> String {
    let l = language.code();
    match w {
        Window::Hour => t!("reason.last_hour", locale = l),
        Window::Day => t!("reason.last_day", locale = l),
        Window::Week => t!("reason.last_week", locale = l),
        Window::Month => t!("reason.last_month", locale = l),
    }
    .into_owned()
}

/// What a rule does to the accounts it hits: "flags as high risk".
fn does(action: RuleAction, language: Language) -> String {
    let l = language.code();
    match action {
        RuleAction::FlagSuspicious => t!("reason.rule_flags_suspicious", locale = l),
        RuleAction::FlagHigh => t!("reason.rule_flags_high", locale = l),
        RuleAction::Allow => t!("reason.rule_allows", locale = l),
    }
    .into_owned()
}

/// "device d4 is on the block list".
fn listed(kind: ListKind, role: &str, value: &str, language: Language) -> String {
    let list = kind.say(language);
    t!(
        "reason.listed",
        locale = language.code(),
        role = role,
        value = value,
        list = list
    )
    .into_owned()
}

impl Say for ListEntry {
    fn say(&self, language: Language) -> String {
        listed(self.kind, &self.role, &self.value, language)
    }
}

/// Whose record it is: "this account", "event type pay", "seller s012, pay events".
fn fraud_of(of: &FraudOf, language: Language) -> String {
    let l = language.code();
    match of {
        FraudOf::Account => t!("reason.of_account", locale = l),
        FraudOf::EventType(name) => t!("reason.of_event_type", locale = l, name = name),
        FraudOf::Entity { role, value } => {
            t!("reason.of_entity", locale = l, role = role, value = value)
        }
        FraudOf::EntityForEventType { role, value, event } => t!(
            "reason.of_entity_for_event_type",
            locale = l,
            role = role,
            value = value,
            event = event
        ),
    }
    .into_owned()
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}

impl std::fmt::Display for ListEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Language::English))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{Phrase, Unit};

    #[test]
    fn reasons_read_as_an_analyst_writes_in_both_languages() {
        let r = Reason {
            feature: "peak_1min".into(),
            deviation: 7.0,
            says: Says::Beyond {
                phrase: Phrase::PeakMinute,
                unit: Unit::Count,
                value: 8.0,
                edge: 1.0,
                bound: Bound::NormalMax,
            },
        };
        assert_eq!(r.to_string(), "8 events in 1 min (normal ≤ 1)");
        assert_eq!(r.say(Language::Chinese), "1 分钟内 8 次事件(正常 ≤ 1)");
        let seller = Says::FraudRecord {
            of: FraudOf::Entity {
                role: "seller".into(),
                value: "s012".into(),
            },
            share: 0.64,
            window: Window::Week,
            confirmed: Some((9.0, 14.0)),
        };
        assert_eq!(
            seller.say(Language::English),
            "seller s012: 64% of its confirmed events in the last 7 days were fraud (9 of 14 over 30 days)"
        );
        assert!(seller.say(Language::Chinese).contains("欺诈"));
        let listed = Says::Listed {
            kind: ListKind::Block,
            role: "device".into(),
            value: "d4".into(),
        };
        assert_eq!(
            listed.say(Language::English),
            "device d4 is on the block list"
        );
        assert_eq!(listed.say(Language::Chinese), "device d4 在黑名单上");
    }

    #[test]
    fn what_the_behaviour_model_did_not_expect_reads_as_odds() {
        let said = |what: Unexpected, chance: f32, language| {
            Says::Unexpected {
                what,
                chance,
                after: 3,
            }
            .say(language)
        };
        let pay_fail = Unexpected::Type {
            name: "pay_fail".into(),
        };
        assert_eq!(
            said(pay_fail.clone(), 1.0 / 347.4, Language::English),
            "a pay_fail event after 3 earlier events: expected 1 in 350"
        );
        assert_eq!(
            said(pay_fail, 1.0 / 1002.0, Language::Chinese),
            "在 3 个先前事件之后出现 pay_fail 事件:预期仅 1/1000"
        );
        let device = Unexpected::NewValue {
            role: "device".into(),
            value: "d9".into(),
        };
        assert_eq!(
            said(device, 0.04, Language::English),
            "a new device d9 after 3 earlier events: expected 1 in 25"
        );
        assert_eq!(two_significant_figures(7.6), "8");
        assert_eq!(two_significant_figures(0.2), "1");
    }
}
