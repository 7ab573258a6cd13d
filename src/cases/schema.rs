//! Tables of the workspace file. `audit` is append-only; `cases` is the current state, written
//! in the same transaction, so reopening a big workspace reads one row per account.

use rusqlite::{Connection, Row, Transaction, params};

use super::{AuditEntry, Case, Source, Verdict};

/// Bumped when the tables change; older files are migrated in `prepare`.
/// 2: `audit.batch`, the bulk decision an entry belongs to; the `rules` table (every version
/// of every rule) and the `lists` table (allow/block values), created in any file lacking them.
/// The live watch's `alerts` and `watch_positions` are created the same way, in any version.
const SCHEMA_VERSION: i64 = 2;

pub(super) fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    // WAL keeps readers and the writer apart; FULL makes every commit durable on return.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user TEXT NOT NULL,
            action TEXT NOT NULL,
            verdict TEXT,
            note TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            source TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            undoes INTEGER REFERENCES audit(id),
            batch INTEGER
         );
         CREATE INDEX IF NOT EXISTS audit_user ON audit(user);
         CREATE TABLE IF NOT EXISTS cases (
            user TEXT PRIMARY KEY,
            verdict TEXT,
            note TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL,
            source TEXT NOT NULL,
            ts_ms INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS rules (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            expression TEXT NOT NULL,
            action TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            author TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            PRIMARY KEY (name, version)
         );
         CREATE TABLE IF NOT EXISTS lists (
            kind TEXT NOT NULL,
            role TEXT NOT NULL,
            value TEXT NOT NULL,
            author TEXT NOT NULL,
            ts_ms INTEGER NOT NULL,
            PRIMARY KEY (kind, role, value)
         );
         CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            user TEXT NOT NULL,
            body TEXT NOT NULL,
            ts_ms INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS alerts_source ON alerts(source, id);
         CREATE TABLE IF NOT EXISTS watch_positions (
            source TEXT PRIMARY KEY,
            position TEXT NOT NULL,
            ts_ms INTEGER NOT NULL
         );",
    )?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < 2 {
        // A version-1 file's audit table has no batch column (a new file's already has one).
        let has_batch = conn.prepare("SELECT batch FROM audit LIMIT 0").is_ok();
        if !has_batch {
            conn.execute_batch("ALTER TABLE audit ADD COLUMN batch INTEGER")?;
        }
    }
    conn.execute_batch("CREATE INDEX IF NOT EXISTS audit_batch ON audit(batch)")?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
}

pub(super) fn write_case(
    tx: &Transaction,
    user: &str,
    verdict: Option<Verdict>,
    note: &str,
    author: &str,
    source: Source,
    ts_ms: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO cases (user, verdict, note, author, source, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(user) DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
           author = excluded.author, source = excluded.source, ts_ms = excluded.ts_ms",
        params![user, verdict.map(Verdict::name), note, author, source.name(), ts_ms],
    )
    .map(|_| ())
}

fn source_of(s: &str) -> Source {
    if s == "imported" {
        Source::Imported
    } else {
        Source::Analyst
    }
}

pub(super) fn case_from_row(r: &Row) -> rusqlite::Result<Case> {
    Ok(Case {
        user: r.get(0)?,
        verdict: r
            .get::<_, Option<String>>(1)?
            .as_deref()
            .and_then(Verdict::parse),
        note: r.get(2)?,
        author: r.get(3)?,
        source: source_of(&r.get::<_, String>(4)?),
        ts_ms: r.get(5)?,
    })
}

pub(super) fn audit_from_row(r: &Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        user: r.get(1)?,
        action: r.get(2)?,
        verdict: r
            .get::<_, Option<String>>(3)?
            .as_deref()
            .and_then(Verdict::parse),
        note: r.get(4)?,
        author: r.get(5)?,
        source: source_of(&r.get::<_, String>(6)?),
        ts_ms: r.get(7)?,
        undoes: r.get(8)?,
        batch: r.get(9)?,
    })
}
