//! Cases and audit lines as the tables hold them, read back into their types.

use super::sql::{DbError, Row};
use super::{AuditEntry, Case, Overwritten, Source, Verdict};

pub(super) const CASE_COLUMNS: &str = r#""user", verdict, note, author, source, ts_ms"#;
pub(super) const AUDIT_COLUMNS: &str = r#"id, "user", action, verdict, note, author, source, ts_ms, undoes, batch,
    overwrote_verdict, overwrote_author, overwrote_ts_ms"#;

fn source_of(s: &str) -> Source {
    if s == "imported" {
        Source::Imported
    } else {
        Source::Analyst
    }
}

fn verdict_of(r: &Row, column: &str) -> Result<Option<Verdict>, DbError> {
    Ok(r.opt_text(column)?.as_deref().and_then(Verdict::parse))
}

pub(super) fn case_from_row(r: &Row) -> Result<Case, DbError> {
    Ok(Case {
        user: r.text("user")?,
        verdict: verdict_of(r, "verdict")?,
        note: r.text("note")?,
        author: r.text("author")?,
        source: source_of(&r.text("source")?),
        ts_ms: r.int("ts_ms")?,
    })
}

pub(super) fn audit_from_row(r: &Row) -> Result<AuditEntry, DbError> {
    Ok(AuditEntry {
        id: r.int("id")?,
        user: r.text("user")?,
        action: r.text("action")?,
        verdict: verdict_of(r, "verdict")?,
        note: r.text("note")?,
        author: r.text("author")?,
        source: source_of(&r.text("source")?),
        ts_ms: r.int("ts_ms")?,
        undoes: r.opt_int("undoes")?,
        batch: r.opt_int("batch")?,
        overwrote: match (
            r.opt_text("overwrote_author")?,
            r.opt_int("overwrote_ts_ms")?,
        ) {
            (Some(author), Some(ts_ms)) => Some(Overwritten {
                verdict: verdict_of(r, "overwrote_verdict")?,
                author,
                ts_ms,
            }),
            _ => None,
        },
    })
}
