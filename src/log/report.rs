//! The load report: what was read, what was loaded, what was rejected and why.

use std::collections::BTreeMap;

use serde::Serialize;

use super::assemble::Stats;
use super::issues::IssueStat;
use super::label::Label;
use super::plan::Plan;
use super::table::EventLog;
use super::timeparse::format_rfc3339;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LabelCounts {
    pub level: String,
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
    pub unsure_roles: Vec<String>,
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
        super::LabelLevel::Event => {
            for &l in labels {
                match l {
                    Label::Fraud => positive += 1,
                    Label::Legit => negative += 1,
                    Label::Unknown => {}
                }
            }
        }
        super::LabelLevel::User => {
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
        level: level.name().to_string(),
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

impl LoadReport {
    /// The report as an aligned table (`vigil inspect`, the window's file tooltip).
    pub fn to_text(&self) -> String {
        let r = self;
        let mut out = String::new();
        let mut line = |k: &str, v: String| out.push_str(&format!("{k:<11} {v}\n"));
        line("file", r.file.clone());
        let layout = match (&r.delimiter, r.has_header) {
            (Some(d), Some(h)) => format!(
                " (delimiter {}, {})",
                if d.chars().count() == 1 {
                    format!("'{d}'")
                } else {
                    d.clone()
                },
                if h { "header" } else { "no header" }
            ),
            _ => String::new(),
        };
        let encoding = r
            .encoding
            .as_ref()
            .map(|e| format!(", text in {e}"))
            .unwrap_or_default();
        line("format", format!("{}{layout}{encoding}", r.format));
        line(
            "rows",
            format!(
                "{} read, {} loaded, {} rejected, {} duplicates removed",
                r.rows_read, r.rows_loaded, r.rows_rejected, r.duplicates_removed
            ),
        );
        line("users", r.users.to_string());
        let mut types: Vec<_> = r.event_types.iter().collect();
        types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let types: Vec<String> = types.iter().map(|(k, v)| format!("{k} {v}")).collect();
        line("events", format!("{} ({})", r.events, types.join(", ")));
        line(
            "time",
            format!(
                "{} .. {} (read as {})",
                r.time_min.as_deref().unwrap_or("-"),
                r.time_max.as_deref().unwrap_or("-"),
                r.time_format
            ),
        );
        let mapping: Vec<String> = r.mapping.iter().map(|(k, v)| format!("{k}={v}")).collect();
        line("mapping", mapping.join("  "));
        if !r.unsure_roles.is_empty() {
            line(
                "unsure",
                format!(
                    "{} (check them, or give a --map file)",
                    r.unsure_roles.join(", ")
                ),
            );
        }
        if let Some(l) = &r.labels {
            line(
                "labels",
                format!(
                    "{} level: {} fraud, {} legit",
                    l.level, l.positive, l.negative
                ),
            );
        }
        for (title, issues) in [("rejected", &r.rejects), ("warning", &r.warnings)] {
            for s in issues {
                let examples: Vec<String> = s
                    .examples
                    .iter()
                    .map(|e| format!("{}: '{}'", e.place(), e.value))
                    .collect();
                line(
                    title,
                    format!("{} × {} (e.g. {})", s.count, s.reason, examples.join("; ")),
                );
            }
        }
        line("took", format!("{:.2} s", r.elapsed_secs));
        out
    }
}
