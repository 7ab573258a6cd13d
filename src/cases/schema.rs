//! The workspace's tables, the same on SQLite and PostgreSQL. `audit` is append-only; `cases`
//! is the current state, written in the same transaction, so reopening a big workspace reads
//! one row per account. The schema's version is kept in SQLite's `user_version` and in
//! PostgreSQL's `vigil_meta`; every step from an older version is taken in both.

use super::db::Db;
use super::sql::{DbError, Engine, Sql, args};

/// Bumped when the tables change; older workspaces are migrated in `prepare`.
/// 2: `audit.batch`, the bulk decision an entry belongs to; the `rules` table (every version
/// of every rule) and the `lists` table (allow/block values).
/// 3: the team: `members` (roles), `claims`, `assignments`, `changes` (what other windows
/// follow) and `model_files` (the team's kept model).
/// 4: what two analysts at once need: `claims.since_ms` (when the holder took the account),
/// `changes.origin` (the window or command that wrote: a window takes in every change it did
/// not make, whoever's name is on it) and, on an overwrite, the decision it replaced
/// (`audit.overwrote_verdict`, `overwrote_author`, `overwrote_ts_ms`).
/// Tables new in a version are created in any workspace lacking them; columns new in a
/// version are added to the tables lacking them (`COLUMNS`).
const SCHEMA_VERSION: i64 = 4;

/// Each table, with `{serial}` (an auto-numbered key) and `{blob}` said in the engine's words.
const TABLES: &[&str] = &[
    r#"CREATE TABLE IF NOT EXISTS audit (
        id {serial},
        "user" TEXT NOT NULL,
        action TEXT NOT NULL,
        verdict TEXT,
        note TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        ts_ms BIGINT NOT NULL,
        undoes BIGINT REFERENCES audit(id),
        batch BIGINT,
        overwrote_verdict TEXT,
        overwrote_author TEXT,
        overwrote_ts_ms BIGINT
     )"#,
    r#"CREATE INDEX IF NOT EXISTS audit_user ON audit("user")"#,
    r#"CREATE TABLE IF NOT EXISTS cases (
        "user" TEXT PRIMARY KEY,
        verdict TEXT,
        note TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        ts_ms BIGINT NOT NULL
     )"#,
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rules (
        name TEXT NOT NULL,
        version BIGINT NOT NULL,
        expression TEXT NOT NULL,
        action TEXT NOT NULL,
        enabled BIGINT NOT NULL,
        author TEXT NOT NULL,
        ts_ms BIGINT NOT NULL,
        PRIMARY KEY (name, version)
     )",
    "CREATE TABLE IF NOT EXISTS lists (
        kind TEXT NOT NULL,
        role TEXT NOT NULL,
        value TEXT NOT NULL,
        author TEXT NOT NULL,
        ts_ms BIGINT NOT NULL,
        PRIMARY KEY (kind, role, value)
     )",
    r#"CREATE TABLE IF NOT EXISTS alerts (
        id {serial},
        source TEXT NOT NULL,
        "user" TEXT NOT NULL,
        body TEXT NOT NULL,
        ts_ms BIGINT NOT NULL
     )"#,
    "CREATE INDEX IF NOT EXISTS alerts_source ON alerts(source, id)",
    "CREATE TABLE IF NOT EXISTS watch_positions (
        source TEXT PRIMARY KEY,
        position TEXT NOT NULL,
        ts_ms BIGINT NOT NULL
     )",
    "CREATE TABLE IF NOT EXISTS members (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        ts_ms BIGINT NOT NULL
     )",
    r#"CREATE TABLE IF NOT EXISTS claims (
        "user" TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until_ms BIGINT NOT NULL,
        since_ms BIGINT NOT NULL DEFAULT 0
     )"#,
    r#"CREATE TABLE IF NOT EXISTS assignments (
        "user" TEXT PRIMARY KEY,
        assignee TEXT NOT NULL,
        assigned_by TEXT NOT NULL,
        ts_ms BIGINT NOT NULL
     )"#,
    r#"CREATE TABLE IF NOT EXISTS changes (
        id {serial},
        kind TEXT NOT NULL,
        "user" TEXT,
        author TEXT NOT NULL,
        ts_ms BIGINT NOT NULL,
        origin TEXT
     )"#,
    "CREATE TABLE IF NOT EXISTS model_files (
        name TEXT PRIMARY KEY,
        bytes {blob} NOT NULL,
        ts_ms BIGINT NOT NULL
     )",
];

/// Columns added after their table was first made: (table, column, its type), added where an
/// older workspace lacks them (a table made by this version has them already).
const COLUMNS: &[(&str, &str, &str)] = &[
    ("audit", "batch", "BIGINT"),
    ("audit", "overwrote_verdict", "TEXT"),
    ("audit", "overwrote_author", "TEXT"),
    ("audit", "overwrote_ts_ms", "BIGINT"),
    ("claims", "since_ms", "BIGINT NOT NULL DEFAULT 0"),
    ("changes", "origin", "TEXT"),
];

fn in_dialect(ddl: &str, engine: Engine) -> String {
    let (serial, blob) = match engine {
        Engine::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB"),
        Engine::Postgres => ("BIGSERIAL PRIMARY KEY", "BYTEA"),
    };
    ddl.replace("{serial}", serial).replace("{blob}", blob)
}

/// Makes the tables a workspace needs, migrating an older one; refuses a database that holds
/// another program's tables or a newer vigil's.
pub(super) fn prepare(db: &mut Db) -> Result<(), DbError> {
    let engine = db.engine();
    if let Db::Sqlite(conn) = db {
        // Several analysts' processes may open one file at once: wait for each other.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL keeps readers and the writer apart (switching takes the file's exclusive lock,
        // so only when it is not WAL yet); FULL makes every commit durable on return.
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
    }
    db.write(|s| {
        let version = stored_version(s, engine)?;
        if version == SCHEMA_VERSION {
            // Up to date. Creating tables (even `IF NOT EXISTS`) needs the right to create in
            // the schema, which a team's analysts need not have.
            return Ok(());
        }
        if version > SCHEMA_VERSION {
            return Err(DbError::new(format!(
                "was made by a newer vigil (schema {version}; this one reads up to {SCHEMA_VERSION})"
            )));
        }
        for ddl in TABLES {
            s.exec(&in_dialect(ddl, engine), &[])?;
        }
        for (table, column, kind) in COLUMNS {
            if !has_column(s, engine, table, column)? {
                // Names and types are this file's constants, never anyone's data.
                s.exec(&format!("ALTER TABLE {table} ADD COLUMN {column} {kind}"), &[])?;
            }
        }
        s.exec("CREATE INDEX IF NOT EXISTS audit_batch ON audit(batch)", &[])?;
        store_version(s, engine)
    })
}

/// Whether `table` has `column` (asked of the catalogue: a failed statement would abort a
/// PostgreSQL transaction).
fn has_column(s: &mut dyn Sql, engine: Engine, table: &str, column: &str) -> Result<bool, DbError> {
    let query = match engine {
        Engine::Sqlite => "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
        Engine::Postgres => {
            "SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?1 AND column_name = ?2"
        }
    };
    Ok(s.row(query, args![table, column])?.is_some())
}

fn stored_version(s: &mut dyn Sql, engine: Engine) -> Result<i64, DbError> {
    match engine {
        Engine::Sqlite => Ok(s
            .row("PRAGMA user_version", &[])?
            .map(|r| r.int("user_version"))
            .transpose()?
            .unwrap_or(0)),
        Engine::Postgres => {
            // A schema this user may not use reads as no schema at all.
            let usable = s.row("SELECT current_schema()::text AS schema", &[])?;
            if usable
                .map(|r| r.opt_text("schema"))
                .transpose()?
                .flatten()
                .is_none()
            {
                return Err(DbError::new(
                    "this database user may not use the workspace's schema: a lead runs `vigil workspace grant --role analyst USER`",
                ));
            }
            let tables: Vec<String> = s
                .rows(
                    "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema()",
                    &[],
                )?
                .iter()
                .map(|r| r.text("name"))
                .collect::<Result<_, _>>()?;
            if tables.iter().any(|t| t == "vigil_meta") {
                let v = s.row(
                    "SELECT value FROM vigil_meta WHERE key = 'schema_version'",
                    &[],
                )?;
                let text = v.map(|r| r.text("value")).transpose()?.unwrap_or_default();
                text.parse().map_err(|_| {
                    DbError::new(format!(
                        "vigil_meta: schema_version `{text}` is not a number"
                    ))
                })
            } else if let Some(other) = tables.first() {
                Err(DbError::new(format!(
                    "is not a Vigil workspace: its schema holds other tables ({other}, ...); name an empty schema with ?schema=NAME"
                )))
            } else {
                s.exec(
                    "CREATE TABLE vigil_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    &[],
                )?;
                Ok(0)
            }
        }
    }
}

fn store_version(s: &mut dyn Sql, engine: Engine) -> Result<(), DbError> {
    match engine {
        // PRAGMA takes no parameters; the version is this constant, not anyone's data.
        Engine::Sqlite => s.exec(&format!("PRAGMA user_version = {SCHEMA_VERSION}"), &[]),
        Engine::Postgres => s.exec(
            "INSERT INTO vigil_meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            args![SCHEMA_VERSION.to_string()],
        ),
    }
    .map(|_| ())
}
