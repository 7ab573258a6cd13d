//! The names of the domain's values in words: verdicts, roles, the compute device, risks, the
//! queue's orders, rule actions, lists, column roles, labels. (The application layer's own
//! values, the queue's filters and an event's fields, say themselves beside their types.)

use rust_i18n::t;

use crate::cases::{self, QueueOrder, Verdict};
use crate::detect::neural::ComputeDevice;
use crate::language::{Language, Say};
use crate::log::{Label, Role};
use crate::risk::Risk;
use crate::rules::{ListKind, RuleAction};

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
