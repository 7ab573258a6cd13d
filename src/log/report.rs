//! The load report: what was read, what was loaded, what was rejected and why.

use std::collections::BTreeMap;

use serde::Serialize;

use super::assemble::Stats;
use super::issues::IssueStat;
use super::label::Label;
use super::mapping::LabelLevel;
use super::plan::{Plan, Role};
use super::table::EventLog;
use super::timeparse::format_rfc3339;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LabelCounts {
    pub level: LabelLevel,
    /// Events (event level) or users (user level) labelled fraud.
    pub positive: u64,
    pub negative: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LoadReport {
    pub file: String,
    pub format: String,
    /// The text's character encoding and how it was chosen; none for Parquet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
    pub columns: Vec<String>,
    /// Data rows in the file (a header is not a row).
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_rejected: u64,
    pub rejects: Vec<IssueStat>,
    pub duplicates_removed: u64,
    /// Values loaded with a problem (e.g. an amount that is not a number).
    pub warnings: Vec<IssueStat>,
    pub users: u64,
    pub events: u64,
    pub event_types: BTreeMap<String, u64>,
    pub time_min: Option<String>,
    pub time_max: Option<String>,
    pub time_format: String,
    pub mapping: BTreeMap<String, String>,
    /// Roles detected with doubt; the GUI asks the analyst to confirm them.
    pub unsure_roles: Vec<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<LabelCounts>,
    pub elapsed_secs: f64,
}

/// Positive and negative counts by the label level: per event, or per user (a user is positive
/// when any of their rows says fraud).
pub fn label_counts(log: &EventLog) -> Option<LabelCounts> {
    let labels = log.columns.label.as_ref()?;
    let level = log.label_level?;
    let (mut positive, mut negative) = (0u64, 0u64);
    match level {
        LabelLevel::Event => {
            for &l in labels {
                match l {
                    Label::Fraud => positive += 1,
                    Label::Legit => negative += 1,
                    Label::Unknown => {}
                }
            }
        }
        LabelLevel::User => {
            let mut per_user = vec![Label::Unknown; log.user_count()];
            for (e, &l) in labels.iter().enumerate() {
                if let Some(u) = log.user_of(e) {
                    let slot = &mut per_user[u.index()];
                    *slot = (*slot).max(l);
                }
            }
            positive = per_user.iter().filter(|l| l.is_fraud()).count() as u64;
            negative = per_user.iter().filter(|l| l.is_legit()).count() as u64;
        }
    }
    Some(LabelCounts {
        level,
        positive,
        negative,
    })
}

pub struct ReportInput<'a> {
    pub file: String,
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub has_header: Option<bool>,
    pub plan: &'a Plan,
    pub log: &'a EventLog,
    pub stats: &'a Stats,
    pub elapsed_secs: f64,
}

pub fn build(input: ReportInput) -> LoadReport {
    let ReportInput {
        log, stats, plan, ..
    } = input;
    let rejected = stats.rejects.total();
    let range = log.time_range_ms();
    LoadReport {
        file: input.file,
        format: input.format,
        encoding: input.encoding,
        delimiter: input.delimiter,
        has_header: input.has_header,
        columns: plan.columns.clone(),
        rows_read: stats.rows_read,
        rows_loaded: stats.rows_read - rejected - stats.duplicates,
        rows_rejected: rejected,
        rejects: stats.rejects.stats.clone(),
        duplicates_removed: stats.duplicates,
        warnings: stats.warnings.stats.clone(),
        users: log.user_count() as u64,
        events: log.len() as u64,
        event_types: log
            .event_type_counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| (k.to_string(), n))
            .collect(),
        time_min: range.map(|r| format_rfc3339(r.0)),
        time_max: range.map(|r| format_rfc3339(r.1)),
        time_format: plan.time.format.name(),
        mapping: plan.role_columns(),
        unsure_roles: plan.unsure.clone(),
        labels: label_counts(log),
        elapsed_secs: input.elapsed_secs,
    }
}

/// One line of the load report, as `vigil inspect` and the window's file tooltip show it: a
/// kind with its numbers and names (`words` says it).
#[derive(Clone, Debug, PartialEq)]
pub enum ReportLine<'a> {
    File(&'a str),
    Format {
        format: &'a str,
        /// The delimiter and whether the file has a header, for delimited text.
        layout: Option<(&'a str, bool)>,
        encoding: Option<&'a str>,
    },
    Rows {
        read: u64,
        loaded: u64,
        rejected: u64,
        duplicates: u64,
    },
    Users(u64),
    /// Events, and their count per type, most first.
    Events {
        total: u64,
        types: Vec<(&'a str, u64)>,
    },
    Time {
        min: Option<&'a str>,
        max: Option<&'a str>,
        format: &'a str,
    },
    /// Role = source column pairs.
    Mapping(Vec<(&'a str, &'a str)>),
    Unsure(&'a [Role]),
    Labels(&'a LabelCounts),
    Rejected(&'a IssueStat),
    Warning(&'a IssueStat),
    Took {
        secs: f64,
    },
}

impl LoadReport {
    /// The report's lines, in order.
    pub fn lines(&self) -> Vec<ReportLine<'_>> {
        let r = self;
        let mut types: Vec<(&str, u64)> = r
            .event_types
            .iter()
            .map(|(k, &v)| (k.as_str(), v))
            .collect();
        types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut lines = vec![
            ReportLine::File(&r.file),
            ReportLine::Format {
                format: &r.format,
                layout: r.delimiter.as_deref().zip(r.has_header),
                encoding: r.encoding.as_deref(),
            },
            ReportLine::Rows {
                read: r.rows_read,
                loaded: r.rows_loaded,
                rejected: r.rows_rejected,
                duplicates: r.duplicates_removed,
            },
            ReportLine::Users(r.users),
            ReportLine::Events {
                total: r.events,
                types,
            },
            ReportLine::Time {
                min: r.time_min.as_deref(),
                max: r.time_max.as_deref(),
                format: &r.time_format,
            },
            ReportLine::Mapping(
                r.mapping
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect(),
            ),
        ];
        if !r.unsure_roles.is_empty() {
            lines.push(ReportLine::Unsure(&r.unsure_roles));
        }
        if let Some(l) = &r.labels {
            lines.push(ReportLine::Labels(l));
        }
        lines.extend(r.rejects.iter().map(ReportLine::Rejected));
        lines.extend(r.warnings.iter().map(ReportLine::Warning));
        lines.push(ReportLine::Took {
            secs: r.elapsed_secs,
        });
        lines
    }
}
