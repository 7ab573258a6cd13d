//! The workspace: cases, settings and the audit log, in a SQLite file or a PostgreSQL database
//! (`db.rs` runs the same statements on either). A label is stored before the call that gives
//! it returns, so a label shown as saved survives a killed process.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;

use super::case::{AuditEntry, Case, ImportedLabel, Overwritten, Source, Undone, Verdict};
use super::case_rows::{
    AUDIT_COLUMNS, CASE_COLUMNS, Entry, append_audit, audit_from_row, case_from_row,
};
use super::changes::{ChangeKind, Origin, note_change};
use super::claim_rows::holder_of;
use super::clock::now_ms;
use super::db::{Db, connect_postgres, when_unlocked};
use super::error::{CaseError, Conflict};
use super::journal::{Held, HeldWhat, Journal};
use super::location::WorkspaceAt;
use super::schema;
use super::sql::{DbError, Sql, Value, args, marks};

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

/// How a verdict treats another analyst's hold on an account, or their decision on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard<'a> {
    /// Writes whatever is there (one analyst's file, the command line).
    Blind,
    /// Asks first: refuses, naming who and why, any account another analyst holds now or
    /// decided after `decided_after_ms`: what the window had seen, or the start of the
    /// workspace's recent-decision minutes, whichever is earlier. The claims of `holder`
    /// (the window's own, whoever signs the verdict) and of the verdict's author are not in
    /// the way.
    AskFirst {
        decided_after_ms: i64,
        holder: &'a str,
    },
    /// Writes over another analyst's hold or decision; the audit log records an overwrite
    /// with the decision it replaced.
    Overwrite,
}

/// What an import wrote, and what it left alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    pub written: usize,
    /// Accounts another analyst decided recently or holds (with `Guard::AskFirst`): not
    /// written.
    pub skipped: Vec<Conflict>,
}

pub struct Workspace {
    // A mutex rather than `&mut self` for reads: PostgreSQL's client needs exclusive use
    // even to read, and a workspace is read from `&self` everywhere.
    db: Mutex<Db>,
    at: WorkspaceAt,
    path: PathBuf,
    /// Who the database says this is: the server's user, or the OS user for a file.
    identity: String,
    /// This open workspace among all that write to the same place (its lines of the change
    /// feed are its own).
    origin: Origin,
    /// Where a team's verdicts wait while the server is away (none for a file).
    journal: Option<Journal>,
    /// The first account of its queue `claim_next` found undecided at its last look (all
    /// before it were decided then): where it looks first next time.
    pub(super) next_hint: AtomicUsize,
}

impl Workspace {
    /// Opens (or creates) the workspace at `path`: a file, or a `postgres://` URL.
    pub fn open(path: &Path) -> Result<Self, CaseError> {
        let at = WorkspaceAt::of(path);
        let fail = |e: DbError| CaseError::db(&at, e);
        let (mut db, identity) = match &at {
            WorkspaceAt::File(file) => {
                let conn = rusqlite::Connection::open(file).map_err(|e| fail(e.into()))?;
                (Db::Sqlite(conn), os_user())
            }
            WorkspaceAt::Postgres(url) => {
                let pg = connect_postgres(url, &os_user()).map_err(fail)?;
                let user = pg.user.clone();
                (Db::Postgres(Box::new(pg)), user)
            }
        };
        // Several processes opening one file at once can find it locked before SQLite's own
        // wait applies (while another sets it up): such a start is tried again.
        when_unlocked(|| schema::prepare(&mut db)).map_err(fail)?;
        let journal = at.is_team().then(|| Journal::of(&at));
        Ok(Self {
            db: Mutex::new(db),
            path: path.to_path_buf(),
            at,
            identity,
            origin: Origin::new(),
            journal,
            next_hint: AtomicUsize::new(0),
        })
    }

    /// The location as given (a file's path, or the URL).
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn location(&self) -> &WorkspaceAt {
        &self.at
    }

    /// The journal where a team's decisions wait while the server is away.
    pub(super) fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    /// Who the database says is working: the server's user, or the OS user for a file.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// This open workspace as the change feed names it: a window follows every change but its
    /// own.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Db> {
        // A panic while holding the lock leaves no half-written state (the transaction was
        // rolled back with it), so the connection is still good to use.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one transaction holding the workspace's write lock (on a file, `f` may run
    /// again when the transaction found the file locked and was rolled back).
    pub(super) fn write<T>(
        &self,
        f: impl FnMut(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, CaseError> {
        self.db().write(f).map_err(|e| CaseError::db(&self.at, e))
    }

    /// Lets the database user `member` work here (a team's server; nothing for a file).
    pub(super) fn grant_access(&self, member: &str) -> Result<(), CaseError> {
        self.db()
            .grant_access(member)
            .map(|_| ())
            .map_err(|e| CaseError::db(&self.at, e))
    }

    /// Runs `f` for reading.
    pub(super) fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, CaseError> {
        self.db().read(f).map_err(|e| CaseError::db(&self.at, e))
    }

    /// Records a verdict (and keeps the case's note). Durable when this returns.
    pub fn set_verdict(
        &mut self,
        user: &str,
        verdict: Verdict,
        author: &str,
        source: Source,
    ) -> Result<Case, CaseError> {
        let mut cases = self.decide(&[user.to_string()], verdict, author, source, Guard::Blind)?;
        cases
            .pop()
            .ok_or_else(|| CaseError::db(&self.at, DbError::new("a verdict wrote no case")))
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
        self.decide(users, verdict, author, source, Guard::Blind)
    }

    /// `set_verdicts` with a `guard` against overwriting another analyst's newer decision:
    /// with `SeenAt`, any such account refuses the whole call (nothing is written) with the
    /// conflicts named. While a team's server is away the decision is kept in the local
    /// journal instead (`held`), and written by `replay_held` once it is back.
    pub fn decide(
        &mut self,
        users: &[String],
        verdict: Verdict,
        author: &str,
        source: Source,
        guard: Guard<'_>,
    ) -> Result<Vec<Case>, CaseError> {
        let ts_ms = now_ms();
        match self.decide_at(users, verdict, author, source, guard, ts_ms) {
            Err(CaseError::Offline { .. }) if self.journal.is_some() => {
                let (seen_ms, overwrite) = match guard {
                    Guard::AskFirst {
                        decided_after_ms, ..
                    } => (Some(decided_after_ms), false),
                    Guard::Overwrite => (None, true),
                    Guard::Blind => (None, false),
                };
                self.hold(Held {
                    users: users.to_vec(),
                    what: HeldWhat::Verdict { verdict, overwrite },
                    author: author.to_string(),
                    source,
                    ts_ms,
                    seen_ms,
                })?;
                // The notes are the server's to keep: a verdict leaves them as they are.
                Ok(users
                    .iter()
                    .map(|user| Case {
                        user: user.clone(),
                        verdict: Some(verdict),
                        note: String::new(),
                        author: author.to_string(),
                        source,
                        ts_ms,
                    })
                    .collect())
            }
            other => other,
        }
    }

    pub(super) fn decide_at(
        &mut self,
        users: &[String],
        verdict: Verdict,
        author: &str,
        source: Source,
        guard: Guard<'_>,
        ts_ms: i64,
    ) -> Result<Vec<Case>, CaseError> {
        let origin = self.origin.clone();
        let outcome = self.write(|s| {
            let now = now_ms();
            let mut currents = Vec::with_capacity(users.len());
            let mut conflicts = Vec::new();
            for user in users {
                let current = current_case(s, user)?;
                if let Some(c) = in_the_way(s, user, current.as_ref(), author, guard, now)? {
                    conflicts.push(c);
                }
                currents.push(current);
            }
            if !conflicts.is_empty() {
                return Ok(Err(conflicts));
            }
            let batch = match users.len() > 1 {
                true => Some(next_batch(s)?),
                false => None,
            };
            let mut cases = Vec::with_capacity(users.len());
            for (user, current) in users.iter().zip(currents) {
                let overwrote = replaced(current.as_ref(), author);
                let note = current.map(|c| c.note).unwrap_or_default();
                let entry = Entry {
                    batch,
                    ..Entry::label(user, verdict, &note, author, source).over(overwrote)
                };
                cases.push(write_entry(s, &entry, ts_ms, &origin)?);
            }
            Ok(Ok(cases))
        })?;
        outcome.map_err(CaseError::Conflicts)
    }

    /// Records a note (and keeps the case's verdict). Durable when this returns (in the local
    /// journal while a team's server is away).
    pub fn set_note(&mut self, user: &str, note: &str, author: &str) -> Result<Case, CaseError> {
        let ts_ms = now_ms();
        match self.note_at(user, note, author, ts_ms) {
            Err(CaseError::Offline { .. }) if self.journal.is_some() => {
                self.hold(Held {
                    users: vec![user.to_string()],
                    what: HeldWhat::Note {
                        text: note.to_string(),
                    },
                    author: author.to_string(),
                    source: Source::Analyst,
                    ts_ms,
                    seen_ms: None,
                })?;
                Ok(Case {
                    user: user.to_string(),
                    verdict: None,
                    note: note.to_string(),
                    author: author.to_string(),
                    source: Source::Analyst,
                    ts_ms,
                })
            }
            other => other,
        }
    }

    pub(super) fn note_at(
        &mut self,
        user: &str,
        note: &str,
        author: &str,
        ts_ms: i64,
    ) -> Result<Case, CaseError> {
        self.write(|s| {
            let verdict = current_case(s, user)?.and_then(|c| c.verdict);
            let entry = Entry {
                action: "note",
                verdict,
                ..Entry::label(user, Verdict::Unsure, note, author, Source::Analyst)
            };
            write_entry(s, &entry, ts_ms, self.origin())
        })
    }

    /// Takes back this author's latest label or note not already taken back (all of it, when
    /// it was a bulk decision), as new audit entries in one transaction; empty when there is
    /// nothing left to undo.
    pub fn undo(&mut self, author: &str) -> Result<Vec<Undone>, CaseError> {
        self.write(|s| {
            let last = s.row(
                "SELECT id, batch FROM audit a WHERE action != 'undo' AND author = ?1
                   AND NOT EXISTS (SELECT 1 FROM audit u WHERE u.undoes = a.id)
                 ORDER BY id DESC LIMIT 1",
                args![author],
            )?;
            let Some(last) = last else {
                return Ok(Vec::new());
            };
            let (id, batch) = (last.int("id")?, last.opt_int("batch")?);
            let targets = match batch {
                Some(b) => s.rows(
                    r#"SELECT id, "user" FROM audit WHERE batch = ?1 AND action != 'undo' ORDER BY id"#,
                    args![b],
                )?,
                None => s.rows(r#"SELECT id, "user" FROM audit WHERE id = ?1"#, args![id])?,
            };
            let undo_batch = match batch {
                Some(_) => Some(next_batch(s)?),
                None => None,
            };
            let ts_ms = now_ms();
            let mut undone = Vec::with_capacity(targets.len());
            for target in targets {
                let (id, user) = (target.int("id")?, target.text("user")?);
                // The state before the entry: the user's latest earlier entry not taken back
                // (an undo entry holds the state it restored).
                let entries = history(s, &user)?;
                let taken_back: Vec<i64> = entries.iter().filter_map(|e| e.undoes).collect();
                let before = entries
                    .into_iter()
                    .rfind(|e| e.id < id && !taken_back.contains(&e.id));
                let (verdict, note, source) = match &before {
                    Some(e) => (e.verdict, e.note.as_str(), e.source),
                    None => (None, "", Source::Analyst),
                };
                let entry = Entry {
                    user: &user,
                    action: "undo",
                    verdict,
                    note,
                    author,
                    source,
                    undoes: Some(id),
                    batch: undo_batch,
                    overwrote: None,
                };
                let case = write_entry(s, &entry, ts_ms, self.origin())?;
                let now = (case.verdict.is_some() || !case.note.is_empty()).then_some(case);
                undone.push(Undone { user, now });
            }
            Ok(undone)
        })
    }

    /// Records many imported verdicts in one transaction (one disk sync, not one per label).
    /// With `Guard::AskFirst`, an account another analyst than the label's author decided
    /// recently, or holds, is skipped and named; with `Guard::Overwrite` it is written over,
    /// audited as an overwrite.
    pub fn import_verdicts(
        &mut self,
        items: &[ImportedLabel],
        guard: Guard<'_>,
    ) -> Result<Imported, CaseError> {
        let ts_ms = now_ms();
        self.write(|s| {
            let mut imported = Imported::default();
            for it in items {
                let current = current_case(s, &it.user)?;
                if let Some(c) =
                    in_the_way(s, &it.user, current.as_ref(), &it.author, guard, ts_ms)?
                {
                    imported.skipped.push(c);
                    continue;
                }
                let overwrote = replaced(current.as_ref(), &it.author);
                let entry =
                    Entry::label(&it.user, it.verdict, &it.note, &it.author, Source::Imported)
                        .over(overwrote);
                write_entry(s, &entry, it.ts_ms.unwrap_or(ts_ms), self.origin())?;
                imported.written += 1;
            }
            Ok(imported)
        })
    }

    pub fn case(&self, user: &str) -> Result<Option<Case>, CaseError> {
        self.read(|s| current_case(s, user))
    }

    /// Every account with a case, oldest change first.
    pub fn cases(&self) -> Result<Vec<Case>, CaseError> {
        self.read(|s| {
            s.rows(
                &format!(r#"SELECT {CASE_COLUMNS} FROM cases ORDER BY ts_ms, "user""#),
                &[],
            )?
            .iter()
            .map(case_from_row)
            .collect()
        })
    }

    /// The cases of `users` (one query per few hundred accounts, not one each), by account;
    /// an account without a case is absent.
    pub fn cases_of(&self, users: &[String]) -> Result<Vec<Case>, CaseError> {
        self.read(|s| {
            let mut cases = Vec::with_capacity(users.len());
            for slice in users.chunks(CASES_PER_QUERY) {
                let args: Vec<Value> = slice.iter().map(Value::from).collect();
                let query = format!(
                    r#"SELECT {CASE_COLUMNS} FROM cases WHERE "user" IN ({})"#,
                    marks(slice.len())
                );
                for row in s.rows(&query, &args)? {
                    cases.push(case_from_row(&row)?);
                }
            }
            Ok(cases)
        })
    }

    /// The audit log of one account, oldest first.
    pub fn history(&self, user: &str) -> Result<Vec<AuditEntry>, CaseError> {
        self.read(|s| history(s, user))
    }

    pub fn audit_len(&self) -> Result<usize, CaseError> {
        self.read(|s| count(s, "SELECT COUNT(*) AS n FROM audit"))
    }
}

/// How many accounts one `cases_of` query asks for.
const CASES_PER_QUERY: usize = 200;

/// The count a query selects `AS n`.
pub(super) fn count(s: &mut dyn Sql, query: &str) -> Result<usize, DbError> {
    let n = s.row(query, &[])?.map(|r| r.int("n")).transpose()?;
    Ok(n.unwrap_or(0).max(0) as usize)
}

/// What stands in the way of `author`'s verdict on `user` under `guard`, if anything:
/// another analyst's decision after the guard's time, else another analyst's live claim.
fn in_the_way(
    s: &mut dyn Sql,
    user: &str,
    current: Option<&Case>,
    author: &str,
    guard: Guard<'_>,
    now: i64,
) -> Result<Option<Conflict>, DbError> {
    let Guard::AskFirst {
        decided_after_ms,
        holder,
    } = guard
    else {
        return Ok(None);
    };
    if let Some(c) = current.filter(|c| c.author != author && c.ts_ms > decided_after_ms) {
        return Ok(Some(Conflict::decided(c)));
    }
    Ok(holder_of(s, user, now)?
        .filter(|claim| claim.holder != author && claim.holder != holder)
        .map(|claim| Conflict::held(user, &claim.holder, claim.since_ms, current)))
}

/// The decision a verdict by `author` replaces, when it is another analyst's.
fn replaced(current: Option<&Case>, author: &str) -> Option<Overwritten> {
    current
        .filter(|c| c.author != author && c.verdict.is_some())
        .map(|c| Overwritten {
            verdict: c.verdict,
            author: c.author.clone(),
            ts_ms: c.ts_ms,
        })
}

/// Appends `entry` to the audit log and brings the account's case in line with it, inside
/// the caller's transaction; returns the case as it now is.
fn write_entry(
    s: &mut dyn Sql,
    entry: &Entry,
    ts_ms: i64,
    origin: &Origin,
) -> Result<Case, DbError> {
    append_audit(s, entry, ts_ms)?;
    // A case with neither verdict nor note is no case at all (everything was undone).
    if entry.verdict.is_none() && entry.note.is_empty() {
        s.exec(r#"DELETE FROM cases WHERE "user" = ?1"#, args![entry.user])?;
    } else {
        s.exec(
            r#"INSERT INTO cases ("user", verdict, note, author, source, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
               ON CONFLICT("user") DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
                 author = excluded.author, source = excluded.source, ts_ms = excluded.ts_ms"#,
            args![
                entry.user,
                entry.verdict.map(Verdict::name),
                entry.note,
                entry.author,
                entry.source.name(),
                ts_ms
            ],
        )?;
    }
    note_change(s, ChangeKind::Case, Some(entry.user), entry.author, origin)?;
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
fn next_batch(s: &mut dyn Sql) -> Result<i64, DbError> {
    s.row(
        "SELECT COALESCE(MAX(batch), 0) + 1 AS batch FROM audit",
        &[],
    )?
    .map(|r| r.int("batch"))
    .transpose()
    .map(|b| b.unwrap_or(1))
}

fn current_case(s: &mut dyn Sql, user: &str) -> Result<Option<Case>, DbError> {
    s.row(
        &format!(r#"SELECT {CASE_COLUMNS} FROM cases WHERE "user" = ?1"#),
        args![user],
    )?
    .as_ref()
    .map(case_from_row)
    .transpose()
}

fn history(s: &mut dyn Sql, user: &str) -> Result<Vec<AuditEntry>, DbError> {
    s.rows(
        &format!(r#"SELECT {AUDIT_COLUMNS} FROM audit WHERE "user" = ?1 ORDER BY id"#),
        args![user],
    )?
    .iter()
    .map(audit_from_row)
    .collect()
}
