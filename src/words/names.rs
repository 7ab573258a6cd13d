//! The names of the application's own values in words: verdicts, risks, the queue's filters
//! and orders, rule actions, lists, column roles, an event's fields and values, labels.

use rust_i18n::t;

use super::language::Language;
use super::say::Say;
use crate::cases::{self, QueueOrder, Verdict};
use crate::detect::Risk;
use crate::detect::neural::ComputeDevice;
use crate::log::{Label, Role};
use crate::rules::{ListKind, RuleAction};
use crate::workbench::{Field, FieldValue, LabelFilter, RiskFilter};

impl Say for Verdict {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Verdict::Fraud => t!("verdict.fraud", locale = l),
            Verdict::Legit => t!("verdict.legit", locale = l),
            Verdict::Unsure => t!("verdict.unsure", locale = l),
        }
        .into_owned()
    }
}

/// A member's role in a team's workspace.
impl Say for cases::Role {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            cases::Role::Lead => t!("role.lead", locale = l),
            cases::Role::Analyst => t!("role.analyst", locale = l),
        }
        .into_owned()
    }
}

impl Say for ComputeDevice {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            ComputeDevice::Cpu { threads } => t!("device.cpu", locale = l, n = threads),
            ComputeDevice::Gpu { ordinal } => t!("device.gpu", locale = l, n = ordinal),
        }
        .into_owned()
    }
}

impl Say for Risk {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Risk::Normal => t!("risk.normal", locale = l),
            Risk::Suspicious => t!("risk.suspicious", locale = l),
            Risk::High => t!("risk.high", locale = l),
        }
        .into_owned()
    }
}

impl Say for LabelFilter {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            LabelFilter::NoVerdict => t!("label_filter.no_verdict", locale = l),
            LabelFilter::All => t!("label_filter.any", locale = l),
            LabelFilter::Unlabelled => t!("label_filter.unlabelled", locale = l),
            LabelFilter::Fraud => t!("label_filter.fraud", locale = l),
            LabelFilter::Legit => t!("label_filter.legit", locale = l),
            LabelFilter::Unsure => t!("label_filter.unsure", locale = l),
        }
        .into_owned()
    }
}

impl Say for RiskFilter {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            RiskFilter::Any => t!("risk_filter.any", locale = l),
            RiskFilter::SuspiciousUp => t!("risk_filter.suspicious_up", locale = l),
            RiskFilter::High => t!("risk_filter.high", locale = l),
        }
        .into_owned()
    }
}

impl Say for QueueOrder {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            QueueOrder::Score => t!("order.score", locale = l),
            QueueOrder::Uncertain => t!("order.uncertain", locale = l),
            QueueOrder::Mixed => t!("order.mixed", locale = l),
        }
        .into_owned()
    }
}

impl Say for RuleAction {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            RuleAction::FlagSuspicious => t!("action.flag_suspicious", locale = l),
            RuleAction::FlagHigh => t!("action.flag_high", locale = l),
            RuleAction::Allow => t!("action.allow", locale = l),
        }
        .into_owned()
    }
}

impl Say for ListKind {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            ListKind::Block => t!("list.block", locale = l),
            ListKind::Allow => t!("list.allow", locale = l),
        }
        .into_owned()
    }
}

impl Say for Role {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Role::User => t!("role.user", locale = l),
            Role::Time => t!("role.time", locale = l),
            Role::Event => t!("role.event", locale = l),
            Role::Amount => t!("role.amount", locale = l),
            Role::Item => t!("role.item", locale = l),
            Role::Category => t!("role.category", locale = l),
        }
        .into_owned()
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

impl Say for Label {
    fn say(&self, language: Language) -> String {
        let l = language.code();
        match self {
            Label::Unknown => String::new(),
            Label::Fraud => t!("verdict.fraud", locale = l).into_owned(),
            Label::Legit => t!("verdict.legit", locale = l).into_owned(),
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
