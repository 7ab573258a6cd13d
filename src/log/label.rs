//! What is known of an account or an event being fraud: one type from the log's own label
//! column and the analyst's verdicts, through features, metrics and rules, to the detectors'
//! boundary, where it becomes a training target.

use serde::{Deserialize, Serialize};

/// A label. Ordered `Unknown < Legit < Fraud`, so the strongest word on an account is the
/// largest of its events' labels.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Not known (yet): neither right nor wrong to flag, and nothing to learn from.
    #[default]
    Unknown,
    Legit,
    Fraud,
}

impl Label {
    pub fn name(self) -> &'static str {
        match self {
            Label::Unknown => "unknown",
            Label::Legit => "legit",
            Label::Fraud => "fraud",
        }
    }

    /// `Fraud` when `fraud`, else `Legit`: a known label from a yes/no answer.
    pub fn of_fraud(fraud: bool) -> Self {
        if fraud { Label::Fraud } else { Label::Legit }
    }

    pub fn is_known(self) -> bool {
        self != Label::Unknown
    }

    pub fn is_fraud(self) -> bool {
        self == Label::Fraud
    }

    pub fn is_legit(self) -> bool {
        self == Label::Legit
    }

    /// The training target: 1 for fraud, 0 for legit, none when unknown.
    pub fn target(self) -> Option<f32> {
        match self {
            Label::Unknown => None,
            Label::Legit => Some(0.0),
            Label::Fraud => Some(1.0),
        }
    }
}

/// Labels written as digits (1 fraud, 0 legit, anything else unknown): short test cases.
#[cfg(test)]
pub(crate) fn labels_of(digits: &[i8]) -> Vec<Label> {
    digits
        .iter()
        .map(|&d| match d {
            1 => Label::Fraud,
            0 => Label::Legit,
            _ => Label::Unknown,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_strongest_word_is_the_largest() {
        assert!(Label::Fraud > Label::Legit && Label::Legit > Label::Unknown);
        assert_eq!(
            [Label::Legit, Label::Fraud, Label::Unknown].iter().max(),
            Some(&Label::Fraud)
        );
        assert_eq!(Label::default(), Label::Unknown);
        assert_eq!(Label::of_fraud(true).target(), Some(1.0));
        assert_eq!(Label::Unknown.target(), None);
        assert_eq!(serde_json::to_string(&Label::Legit).unwrap(), "\"legit\"");
    }
}
