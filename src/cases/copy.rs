//! Moving a workspace: everything one workspace holds (the audit log with its cases, rules in
//! every version, lists, settings, members and the kept model) copied into another, typically
//! from an analyst's file into the team's database, in one transaction on the target.

use std::collections::HashMap;

use super::case::Case;
use super::case_rows::{
    AUDIT_COLUMNS, CASE_COLUMNS, Entry, append_audit, audit_from_row, case_from_row,
};
use super::changes::{ChangeKind, Origin, note_change};
use super::error::CaseError;
use super::sql::{DbError, Row, Sql, args, marks};
use super::workspace::{Workspace, count};

/// What to do when the target already holds verdicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Copy nothing (the default: two teams' verdicts are not mixed by accident).
    Refuse,
    /// Keep both histories; each account's case is whichever decision is the newer.
    Newer,
}

/// What a copy moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copied {
    pub audit_lines: usize,
    pub cases: usize,
    pub rules: usize,
    pub list_entries: usize,
    pub settings: usize,
    pub model_files: usize,
}

/// Every row of each table to copy, read from the source at once.
struct Snapshot {
    audit: Vec<Row>,
    cases: Vec<Case>,
    tables: Vec<(&'static str, &'static str, Vec<Row>)>,
}

/// The plain tables: name, columns, and what makes a row the same one on the target.
const PLAIN: &[(&str, &str, &str)] = &[
    (
        "rules",
        "name, version, expression, action, enabled, author, ts_ms",
        "name, version",
    ),
    (
        "lists",
        "kind, role, value, author, ts_ms",
        "kind, role, value",
    ),
    ("settings", "key, value", "key"),
    ("members", "name, role, granted_by, ts_ms", "name"),
    ("model_files", "name, bytes, ts_ms", "name"),
];

/// Copies `from` into `to` as `by`; refuses (with `Merge::Refuse`) when `to` has verdicts.
pub fn copy_workspace(
    from: &Workspace,
    to: &Workspace,
    merge: Merge,
    by: &str,
) -> Result<Copied, CaseError> {
    let snapshot = from.read(|s| {
        let audit = s.rows(
            &format!("SELECT {AUDIT_COLUMNS} FROM audit ORDER BY id"),
            &[],
        )?;
        let cases = s
            .rows(&format!("SELECT {CASE_COLUMNS} FROM cases"), &[])?
            .iter()
            .map(case_from_row)
            .collect::<Result<_, _>>()?;
        let mut tables = Vec::new();
        for (table, columns, _) in PLAIN {
            tables.push((
                *table,
                *columns,
                s.rows(&format!("SELECT {columns} FROM {table}"), &[])?,
            ));
        }
        Ok(Snapshot {
            audit,
            cases,
            tables,
        })
    })?;
    let held = to.read(|s| {
        count(
            s,
            "SELECT COUNT(*) AS n FROM cases WHERE verdict IS NOT NULL",
        )
    })?;
    if held > 0 && merge == Merge::Refuse {
        return Err(CaseError::Sql {
            at: to.location().to_string(),
            detail: format!(
                "already holds {held} verdicts; copy with --merge newer to keep both (each account takes the newer decision)"
            ),
        });
    }
    to.write(|s| write_snapshot(s, &snapshot, by, to.origin()))
}

fn write_snapshot(
    s: &mut dyn Sql,
    snap: &Snapshot,
    by: &str,
    origin: &Origin,
) -> Result<Copied, DbError> {
    let mut copied = Copied {
        audit_lines: copy_audit(s, &snap.audit)?,
        cases: copy_cases(s, &snap.cases)?,
        ..Copied::default()
    };
    for (table, columns, rows) in &snap.tables {
        let n = copy_plain(s, table, columns, rows)?;
        match *table {
            "rules" => copied.rules = n,
            "lists" => copied.list_entries = n,
            "settings" => copied.settings = n,
            "model_files" => copied.model_files = n,
            _ => {}
        }
    }
    for kind in [
        ChangeKind::Case,
        ChangeKind::Rule,
        ChangeKind::List,
        ChangeKind::Setting,
        ChangeKind::Model,
        ChangeKind::Member,
    ] {
        note_change(s, kind, None, by, origin)?;
    }
    Ok(copied)
}

/// The audit lines, with the target's numbers: an undo points at its entry's new number, and
/// a bulk decision keeps one batch number of its own.
fn copy_audit(s: &mut dyn Sql, audit: &[Row]) -> Result<usize, DbError> {
    let batch_base = s
        .row("SELECT COALESCE(MAX(batch), 0) AS batch FROM audit", &[])?
        .map(|r| r.int("batch"))
        .transpose()?
        .unwrap_or(0);
    let mut new_ids: HashMap<i64, i64> = HashMap::new();
    for row in audit {
        let e = audit_from_row(row)?;
        let entry = Entry {
            user: &e.user,
            action: &e.action,
            verdict: e.verdict,
            note: &e.note,
            author: &e.author,
            source: e.source,
            undoes: e.undoes.and_then(|old| new_ids.get(&old).copied()),
            batch: e.batch.map(|b| b + batch_base),
            overwrote: e.overwrote.clone(),
        };
        let id = append_audit(s, &entry, e.ts_ms)?;
        new_ids.insert(e.id, id);
    }
    Ok(audit.len())
}

/// The cases: the newer decision wins; a tie keeps the target's.
fn copy_cases(s: &mut dyn Sql, cases: &[Case]) -> Result<usize, DbError> {
    let mut n = 0;
    for c in cases {
        n += s.exec(
            r#"INSERT INTO cases ("user", verdict, note, author, source, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
               ON CONFLICT("user") DO UPDATE SET verdict = excluded.verdict, note = excluded.note,
                 author = excluded.author, source = excluded.source, ts_ms = excluded.ts_ms
               WHERE cases.ts_ms < excluded.ts_ms"#,
            args![&c.user, c.verdict.map(super::Verdict::name), &c.note, &c.author, c.source.name(), c.ts_ms],
        )? as usize;
    }
    Ok(n)
}

/// A table copied row by row, keeping the target's row where its key is taken.
fn copy_plain(s: &mut dyn Sql, table: &str, columns: &str, rows: &[Row]) -> Result<usize, DbError> {
    let key = PLAIN
        .iter()
        .find(|(t, _, _)| *t == table)
        .map_or("", |(_, _, k)| *k);
    let width = columns.split(',').count();
    // Table and column names are this file's constants, never anyone's data.
    let insert = format!(
        "INSERT INTO {table} ({columns}) VALUES ({}) ON CONFLICT ({key}) DO NOTHING",
        marks(width)
    );
    let mut n = 0;
    for row in rows {
        n += s.exec(&insert, row.values())? as usize;
    }
    Ok(n)
}
