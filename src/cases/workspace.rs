//! The workspace file: cases, settings and the audit log in SQLite. A label is on disk before
//! the call that gives it returns, so a label shown as saved survives a killed process.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

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

pub(super) fn now_ms() -> i64 {
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

    pub(super) fn sql(&self, e: rusqlite::Error) -> CaseError {
        CaseError::sql(&self.path, e)
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(super) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
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
        self.write_one(&Entry::label(user, verdict, &note, author, source, None))
    }

    /// Writes one audit line and its case in a transaction of its own.
    fn write_one(&mut self, entry: &Entry) -> Result<Case, CaseError> {
        let path = self.path.clone();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let case = write_entry(&tx, entry, now_ms()).map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(case)
    }

    /// Gives every account of `users` the same verdict (each keeps its note) in one
    /// transaction: all are on disk when this returns, or none is. More than one account makes
    /// one bulk decision, which one undo takes back; the audit log still has a line per account.
    pub fn set_verdicts(
        &mut self,
        users: &[String],
        verdict: Verdict,
        author: &str,
        source: Source,
    ) -> Result<Vec<Case>, CaseError> {
        let path = self.path.clone();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let batch = if users.len() > 1 {
            Some(next_batch(&tx).map_err(sql)?)
        } else {
            None
        };
        let ts_ms = now_ms();
        let mut cases = Vec::with_capacity(users.len());
        for user in users {
            let note = current_case(&tx, user)
                .map_err(sql)?
                .map(|c| c.note)
                .unwrap_or_default();
            let entry = Entry::label(user, verdict, &note, author, source, batch);
            cases.push(write_entry(&tx, &entry, ts_ms).map_err(sql)?);
        }
        tx.commit().map_err(sql)?;
        Ok(cases)
    }

    /// Records a note (and keeps the case's verdict). Durable when this returns.
    pub fn set_note(&mut self, user: &str, note: &str, author: &str) -> Result<Case, CaseError> {
        let verdict = self.case(user)?.and_then(|c| c.verdict);
        self.write_one(&Entry {
            user,
            action: "note",
            verdict,
            note,
            author,
            source: Source::Analyst,
            undoes: None,
            batch: None,
        })
    }

    /// Takes back the latest label or note not already taken back (all of it, when it was a
    /// bulk decision), as new audit entries in one transaction; empty when there is nothing
    /// left to undo.
    pub fn undo(&mut self, author: &str) -> Result<Vec<Undone>, CaseError> {
        let last: Option<(i64, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT id, batch FROM audit a WHERE action != 'undo'
                   AND NOT EXISTS (SELECT 1 FROM audit u WHERE u.undoes = a.id)
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some((id, batch)) = last else {
            return Ok(Vec::new());
        };
        let targets: Vec<(i64, String)> = match batch {
            Some(b) => self.query_pairs(
                "SELECT id, user FROM audit WHERE batch = ?1 AND action != 'undo' ORDER BY id",
                b,
            )?,
            None => self.query_pairs("SELECT id, user FROM audit WHERE id = ?1", id)?,
        };
        // The state before each entry: the user's latest earlier entry not taken back (an undo
        // entry holds the state it restored).
        let mut restores = Vec::with_capacity(targets.len());
        for (id, user) in targets {
            let entries = self.history(&user)?;
            let taken_back: Vec<i64> = entries.iter().filter_map(|e| e.undoes).collect();
            let before = entries
                .into_iter()
                .rfind(|e| e.id < id && !taken_back.contains(&e.id));
            restores.push((id, user, before));
        }
        let path = self.path.clone();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let undo_batch = match batch {
            Some(_) => Some(next_batch(&tx).map_err(sql)?),
            None => None,
        };
        let ts_ms = now_ms();
        let mut undone = Vec::with_capacity(restores.len());
        for (id, user, before) in &restores {
            let (verdict, note, source) = match before {
                Some(e) => (e.verdict, e.note.as_str(), e.source),
                None => (None, "", Source::Analyst),
            };
            let entry = Entry {
                user,
                action: "undo",
                verdict,
                note,
                author,
                source,
                undoes: Some(*id),
                batch: undo_batch,
            };
            let case = write_entry(&tx, &entry, ts_ms).map_err(sql)?;
            let now = (case.verdict.is_some() || !case.note.is_empty()).then_some(case);
            undone.push(Undone {
                user: user.clone(),
                now,
            });
        }
        tx.commit().map_err(sql)?;
        Ok(undone)
    }

    fn query_pairs(&self, query: &str, arg: i64) -> Result<Vec<(i64, String)>, CaseError> {
        let mut stmt = self.conn.prepare(query).map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![arg], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
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
        current_case(&self.conn, user).map_err(|e| self.sql(e))
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
            .prepare("SELECT id, user, action, verdict, note, author, source, ts_ms, undoes, batch FROM audit WHERE user = ?1 ORDER BY id")
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
}

/// One audit line to write.
struct Entry<'a> {
    user: &'a str,
    action: &'a str,
    verdict: Option<Verdict>,
    note: &'a str,
    author: &'a str,
    source: Source,
    undoes: Option<i64>,
    batch: Option<i64>,
}

impl<'a> Entry<'a> {
    /// A verdict for `user` (keeping its `note`), part of bulk decision `batch` if any.
    fn label(
        user: &'a str,
        verdict: Verdict,
        note: &'a str,
        author: &'a str,
        source: Source,
        batch: Option<i64>,
    ) -> Self {
        Self {
            user,
            action: "label",
            verdict: Some(verdict),
            note,
            author,
            source,
            undoes: None,
            batch,
        }
    }
}

/// Appends `entry` to the audit log and brings the account's case in line with it, inside
/// the caller's transaction; returns the case as it now is.
fn write_entry(tx: &Transaction, entry: &Entry, ts_ms: i64) -> rusqlite::Result<Case> {
    tx.execute(
        "INSERT INTO audit (user, action, verdict, note, author, source, ts_ms, undoes, batch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            entry.user,
            entry.action,
            entry.verdict.map(Verdict::name),
            entry.note,
            entry.author,
            entry.source.name(),
            ts_ms,
            entry.undoes,
            entry.batch
        ],
    )?;
    // A case with neither verdict nor note is no case at all (everything was undone).
    if entry.verdict.is_none() && entry.note.is_empty() {
        tx.execute("DELETE FROM cases WHERE user = ?1", params![entry.user])?;
    } else {
        schema::write_case(
            tx,
            entry.user,
            entry.verdict,
            entry.note,
            entry.author,
            entry.source,
            ts_ms,
        )?;
    }
    Ok(Case {
        user: entry.user.to_string(),
        verdict: entry.verdict,
        note: entry.note.to_string(),
        author: entry.author.to_string(),
        source: entry.source,
        ts_ms,
    })
}

/// A number no bulk decision of this workspace has had.
fn next_batch(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COALESCE(MAX(batch), 0) + 1 FROM audit", [], |r| {
        r.get(0)
    })
}

fn current_case(conn: &Connection, user: &str) -> rusqlite::Result<Option<Case>> {
    conn.query_row(
        "SELECT user, verdict, note, author, source, ts_ms FROM cases WHERE user = ?1",
        params![user],
        schema::case_from_row,
    )
    .optional()
}
