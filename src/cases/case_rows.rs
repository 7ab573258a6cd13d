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

fn verdict_of(r: &Row, i: usize) -> Result<Option<Verdict>, DbError> {
    Ok(r.opt_text(i)?.as_deref().and_then(Verdict::parse))
}

pub(super) fn case_from_row(r: &Row) -> Result<Case, DbError> {
    Ok(Case {
        user: r.text(0)?,
        verdict: verdict_of(r, 1)?,
        note: r.text(2)?,
        author: r.text(3)?,
        source: source_of(&r.text(4)?),
        ts_ms: r.int(5)?,
    })
}

pub(super) fn audit_from_row(r: &Row) -> Result<AuditEntry, DbError> {
    Ok(AuditEntry {
        id: r.int(0)?,
        user: r.text(1)?,
        action: r.text(2)?,
        verdict: verdict_of(r, 3)?,
        note: r.text(4)?,
        author: r.text(5)?,
        source: source_of(&r.text(6)?),
        ts_ms: r.int(7)?,
        undoes: r.opt_int(8)?,
        batch: r.opt_int(9)?,
        overwrote: match (r.opt_text(11)?, r.opt_int(12)?) {
            (Some(author), Some(ts_ms)) => Some(Overwritten {
                verdict: verdict_of(r, 10)?,
                author,
                ts_ms,
            }),
            _ => None,
        },
    })
}
