//! The workspace file: cases, settings and the audit log in SQLite. A label is on disk before
//! the call that gives it returns, so a label shown as saved survives a killed process.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::case::{AuditEntry, Case, ImportedLabel, Source, Undone, Verdict};
use super::error::CaseError;
use super::schema;

/// The OS user, the default author of labels.
pub fn os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "analyst".to_string())
}

/// `<log file name>.vigil.db` beside the log.
pub fn default_workspace(log: &Path) -> PathBuf {
    let mut name = log
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".vigil.db");
    log.with_file_name(name)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub struct Workspace {
    conn: Connection,
    path: PathBuf,
}

impl Workspace {
    /// Opens (or creates) the workspace at `path`.
    pub fn open(path: &Path) -> Result<Self, CaseError> {
        let conn = Connection::open(path).map_err(|e| CaseError::sql(path, e))?;
        schema::prepare(&conn).map_err(|e| CaseError::sql(path, e))?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, e: rusqlite::Error) -> CaseError {
        CaseError::sql(&self.path, e)
    }

    /// Records a verdict (and keeps the case's note). Durable when this returns.
    pub fn set_verdict(
        &mut self,
        user: &str,
        verdict: Verdict,
        author: &str,
        source: Source,
    ) -> Result<Case, CaseError> {
        let note = self.case(user)?.map(|c| c.note).unwrap_or_default();
        self.record(user, "label", Some(verdict), &note, author, source, None)
    }

    /// Records a note (and keeps the case's verdict). Durable when this returns.
    pub fn set_note(&mut self, user: &str, note: &str, author: &str) -> Result<Case, CaseError> {
        let verdict = self.case(user)?.and_then(|c| c.verdict);
        self.record(user, "note", verdict, note, author, Source::Analyst, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        user: &str,
        action: &str,
        verdict: Option<Verdict>,
        note: &str,
        author: &str,
        source: Source,
        undoes: Option<i64>,
    ) -> Result<Case, CaseError> {
        let ts_ms = now_ms();
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| CaseError::sql(&path, e))?;
        tx.execute(
            "INSERT INTO audit (user, action, verdict, note, author, source, ts_ms, undoes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![user, action, verdict.map(Verdict::name), note, author, source.name(), ts_ms, undoes],
        )
        .map_err(|e| CaseError::sql(&path, e))?;
        // A case with neither verdict nor note is no case at all (everything was undone).
        if verdict.is_none() && note.is_empty() {
            tx.execute("DELETE FROM cases WHERE user = ?1", params![user])
                .map_err(|e| CaseError::sql(&path, e))?;
        } else {
            schema::write_case(&tx, user, verdict, note, author, source, ts_ms)
                .map_err(|e| CaseError::sql(&path, e))?;
        }
        tx.commit().map_err(|e| CaseError::sql(&path, e))?;
        Ok(Case {
            user: user.to_string(),
            verdict,
            note: note.to_string(),
            author: author.to_string(),
            source,
            ts_ms,
        })
    }

    /// Takes back the latest label or note not already taken back, as a new audit entry;
    /// `None` when there is nothing left to undo.
    pub fn undo(&mut self, author: &str) -> Result<Option<Undone>, CaseError> {
        let last: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, user FROM audit a WHERE action != 'undo'
                   AND NOT EXISTS (SELECT 1 FROM audit u WHERE u.undoes = a.id)
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some((id, user)) = last else {
            return Ok(None);
        };
        // The state before that entry: the user's latest earlier entry not taken back (an undo
        // entry holds the state it restored).
        let entries = self.history(&user)?;
        let taken_back: Vec<i64> = entries.iter().filter_map(|e| e.undoes).collect();
        let before = entries
            .into_iter()
            .rfind(|e| e.id < id && !taken_back.contains(&e.id));
        let (verdict, note, source) = match &before {
            Some(e) => (e.verdict, e.note.as_str(), e.source),
            None => (None, "", Source::Analyst),
        };
        let case = self.record(&user, "undo", verdict, note, author, source, Some(id))?;
        let now = (case.verdict.is_some() || !case.note.is_empty()).then_some(case);
        Ok(Some(Undone { user, now }))
    }

    /// Records many imported verdicts in one transaction (one disk sync, not one per label).
    pub fn import_verdicts(&mut self, items: &[ImportedLabel]) -> Result<usize, CaseError> {
        let ts_ms = now_ms();
        let path = self.path.clone();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        for it in items {
            let at = it.ts_ms.unwrap_or(ts_ms);
            tx.execute(
                "INSERT INTO audit (user, action, verdict, note, author, source, ts_ms) VALUES (?1, 'label', ?2, ?3, ?4, 'imported', ?5)",
                params![it.user, it.verdict.name(), it.note, it.author, at],
            )
            .map_err(sql)?;
            schema::write_case(
                &tx,
                &it.user,
                Some(it.verdict),
                &it.note,
                &it.author,
                Source::Imported,
                at,
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(items.len())
    }

    pub fn case(&self, user: &str) -> Result<Option<Case>, CaseError> {
        self.conn
            .query_row(
                "SELECT user, verdict, note, author, source, ts_ms FROM cases WHERE user = ?1",
                params![user],
                schema::case_from_row,
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every account with a case, oldest change first.
    pub fn cases(&self) -> Result<Vec<Case>, CaseError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT user, verdict, note, author, source, ts_ms FROM cases ORDER BY ts_ms, user",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], schema::case_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// The audit log of one account, oldest first.
    pub fn history(&self, user: &str) -> Result<Vec<AuditEntry>, CaseError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, user, action, verdict, note, author, source, ts_ms, undoes FROM audit WHERE user = ?1 ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![user], schema::audit_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    pub fn audit_len(&self) -> Result<usize, CaseError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.sql(e))
    }

    /// A saved setting (thresholds, queue position, panel sizes...).
    pub fn setting(&self, key: &str) -> Result<Option<String>, CaseError> {
        self.conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), CaseError> {
        self.conn
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }
}
