//! What a case is: an analyst's verdict on an account, its note, who gave it and when, and the
//! audit entries that record every change.

use serde::{Deserialize, Serialize};

use crate::log::{Label, parse_label};

/// An analyst's verdict on an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Fraud,
    Legit,
    Unsure,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Fraud => "fraud",
            Verdict::Legit => "legit",
            Verdict::Unsure => "unsure",
        }
    }

    /// A label as a labels file writes it: the log's label vocabulary (1/0, true/false,
    /// fraud/legit, yes/no) plus `unsure`.
    pub fn parse(s: &str) -> Option<Self> {
        if s.trim().eq_ignore_ascii_case("unsure") {
            return Some(Verdict::Unsure);
        }
        match parse_label(s)? {
            Label::Fraud => Some(Verdict::Fraud),
            Label::Legit => Some(Verdict::Legit),
            Label::Unknown => None,
        }
    }

    /// The label the verdict gives: unsure is no label.
    pub fn label(self) -> Label {
        match self {
            Verdict::Fraud => Label::Fraud,
            Verdict::Legit => Label::Legit,
            Verdict::Unsure => Label::Unknown,
        }
    }
}

/// Where a label came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Analyst,
    Imported,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Analyst => "analyst",
            Source::Imported => "imported",
        }
    }
}

/// The current state of one account's case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Case {
    pub user: String,
    pub verdict: Option<Verdict>,
    pub note: String,
    pub author: String,
    pub source: Source,
    pub ts_ms: i64,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub user: String,
    /// `label`, `note` or `undo`.
    pub action: String,
    pub verdict: Option<Verdict>,
    pub note: String,
    pub author: String,
    pub source: Source,
    pub ts_ms: i64,
    /// For an undo: the entry it took back.
    pub undoes: Option<i64>,
    /// The bulk decision (or its undo) the entry is part of: one action, undone as one.
    pub batch: Option<i64>,
    /// For an overwrite: the other analyst's decision it replaced.
    pub overwrote: Option<Overwritten>,
}

/// Another analyst's decision that a verdict replaced, as the audit log keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overwritten {
    pub verdict: Option<Verdict>,
    pub author: String,
    pub ts_ms: i64,
}

/// A label read from a labels file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedLabel {
    pub user: String,
    pub verdict: Verdict,
    pub author: String,
    pub note: String,
    pub ts_ms: Option<i64>,
}

/// What an undo took back.
#[derive(Clone, Debug, PartialEq)]
pub struct Undone {
    pub user: String,
    /// The case as it is after the undo (`None` when the account has no case any more).
    pub now: Option<Case>,
}
