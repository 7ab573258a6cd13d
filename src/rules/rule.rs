//! A saved rule: a name, an expression, what a hit does, and whether it is on.

use serde::{Deserialize, Serialize};

use super::expr::{ParseError, parse};
use crate::risk::Risk;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// A hit is at least suspicious, whatever the model says.
    FlagSuspicious,
    /// A hit is high risk.
    FlagHigh,
    /// A hit is normal (a known-good customer, an allow-listed device), whatever else says.
    Allow,
}

impl RuleAction {
    pub const ALL: [RuleAction; 3] = [Self::FlagSuspicious, Self::FlagHigh, Self::Allow];

    pub fn name(self) -> &'static str {
        match self {
            Self::FlagSuspicious => "flag_suspicious",
            Self::FlagHigh => "flag_high",
            Self::Allow => "allow",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub name: String,
    pub expression: String,
    pub action: RuleAction,
    pub enabled: bool,
    /// 1 for the first save of this name, one more for each edit.
    pub version: u32,
    pub author: String,
    pub ts_ms: i64,
}

impl Rule {
    /// Checks the expression parses (binding to a log's features happens when it runs).
    pub fn check(&self) -> Result<(), RuleError> {
        if self.name.trim().is_empty() {
            return Err(RuleError::NoName);
        }
        parse(&self.expression)
            .map(|_| ())
            .map_err(|error| RuleError::Expression {
                rule: self.name.clone(),
                error,
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("a rule needs a name")]
    NoName,
    #[error("rule “{rule}”: {error}")]
    Expression { rule: String, error: ParseError },
}

/// The risk of an account the model puts at `model_risk` and the enabled rules' `actions`
/// hit: an allow wins (that is what allow lists are for), else the highest flag or the model.
pub fn apply_rules(model_risk: Risk, actions: impl IntoIterator<Item = RuleAction>) -> Risk {
    let mut risk = model_risk;
    for action in actions {
        match action {
            RuleAction::Allow => return Risk::Normal,
            RuleAction::FlagHigh => risk = Risk::High,
            RuleAction::FlagSuspicious => risk = risk.max(Risk::Suspicious),
        }
    }
    risk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_wins_and_flags_raise() {
        use RuleAction::*;
        assert_eq!(
            apply_rules(Risk::Normal, [FlagSuspicious]),
            Risk::Suspicious
        );
        assert_eq!(apply_rules(Risk::High, [FlagSuspicious]), Risk::High);
        assert_eq!(
            apply_rules(Risk::Normal, [FlagSuspicious, FlagHigh]),
            Risk::High
        );
        assert_eq!(apply_rules(Risk::High, [FlagHigh, Allow]), Risk::Normal);
        assert_eq!(apply_rules(Risk::Suspicious, []), Risk::Suspicious);
    }
}
