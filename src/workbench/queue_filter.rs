//! Which accounts the triage queue shows and in what order: by risk, by label state, by a
//! search in the user id.

use rust_i18n::t;

use crate::cases::QueueOrder;
use crate::detect::Risk;
use crate::language::{Language, Say};

/// Which accounts the queue shows, by label state. By default what an analyst works: the
/// accounts without a verdict (the log's own labels are still shown on them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LabelFilter {
    #[default]
    NoVerdict,
    All,
    Unlabelled,
    Fraud,
    Legit,
    Unsure,
}

impl LabelFilter {
    pub const ALL: [LabelFilter; 6] = [
        Self::NoVerdict,
        Self::All,
        Self::Unlabelled,
        Self::Fraud,
        Self::Legit,
        Self::Unsure,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Self::NoVerdict => "no verdict yet",
            Self::All => "any label",
            Self::Unlabelled => "unlabelled",
            Self::Fraud => "fraud",
            Self::Legit => "legit",
            Self::Unsure => "unsure",
        }
    }
}

/// The least risk level the queue shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RiskFilter {
    #[default]
    Any,
    SuspiciousUp,
    High,
}

impl RiskFilter {
    pub const ALL: [RiskFilter; 3] = [Self::Any, Self::SuspiciousUp, Self::High];
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any risk",
            Self::SuspiciousUp => "suspicious+",
            Self::High => "high",
        }
    }
    pub fn admits(self, risk: Risk) -> bool {
        match self {
            Self::Any => true,
            Self::SuspiciousUp => risk != Risk::Normal,
            Self::High => risk == Risk::High,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueueFilter {
    pub risk: RiskFilter,
    pub label: LabelFilter,
    /// Substring of the user id (case-insensitive).
    pub search: String,
    pub order: QueueOrder,
    /// Only the accounts of this segment (while segments are found; they are not kept).
    #[serde(default, skip)]
    pub segment: Option<usize>,
    /// Only the accounts a lead assigned to this analyst.
    #[serde(default)]
    pub assigned_to_me: bool,
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
