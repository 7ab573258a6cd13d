//! Cases and audit lines as the tables hold them: read back into their types, and an audit
//! line appended (by a verdict, a note or an undo, and by a workspace's copy).

use super::sql::{DbError, Row, Sql, args};
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

/// One audit line to write.
pub(super) struct Entry<'a> {
    pub user: &'a str,
    pub action: &'a str,
    pub verdict: Option<Verdict>,
    pub note: &'a str,
    pub author: &'a str,
    pub source: Source,
    pub undoes: Option<i64>,
    pub batch: Option<i64>,
    pub overwrote: Option<Overwritten>,
}

impl<'a> Entry<'a> {
    /// A verdict for `user` (keeping its `note`).
    pub fn label(
        user: &'a str,
        verdict: Verdict,
        note: &'a str,
        author: &'a str,
        source: Source,
    ) -> Self {
        Self {
            user,
            action: "label",
            verdict: Some(verdict),
            note,
            author,
            source,
            undoes: None,
            batch: None,
            overwrote: None,
        }
    }

    /// The same verdict, over `overwrote` when it replaces another analyst's decision: an
    /// overwrite.
    pub fn over(self, overwrote: Option<Overwritten>) -> Self {
        match overwrote {
            Some(o) => Self {
                action: "overwrite",
                overwrote: Some(o),
                ..self
            },
            None => self,
        }
    }
}

/// Appends `entry` to the audit log at `ts_ms`; its number.
pub(super) fn append_audit(s: &mut dyn Sql, entry: &Entry, ts_ms: i64) -> Result<i64, DbError> {
    let overwrote = entry.overwrote.as_ref();
    let id = s.row(
        r#"INSERT INTO audit ("user", action, verdict, note, author, source, ts_ms, undoes, batch,
             overwrote_verdict, overwrote_author, overwrote_ts_ms)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id"#,
        args![
            entry.user,
            entry.action,
            entry.verdict.map(Verdict::name),
            entry.note,
            entry.author,
            entry.source.name(),
            ts_ms,
            entry.undoes,
            entry.batch,
            overwrote.and_then(|o| o.verdict.map(Verdict::name)),
            overwrote.map(|o| o.author.as_str()),
            overwrote.map(|o| o.ts_ms)
        ],
    )?;
    Ok(id.map(|r| r.int("id")).transpose()?.unwrap_or_default())
}
