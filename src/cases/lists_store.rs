//! Allow and block lists kept in the workspace, and their CSV form `list,role,value`
//! (`block,device,d40dd666f`), imported and exported.

use std::path::Path;

use rusqlite::params;

use super::error::CaseError;
use super::exchange::file_error;
use super::workspace::{Workspace, now_ms};
use crate::log::{field, read_user_csv};
use crate::rules::{ListEntry, ListKind};

impl Workspace {
    /// Adds entries (one transaction; ones already listed are kept as they are); returns how
    /// many were new.
    pub fn add_list_entries(
        &mut self,
        entries: &[ListEntry],
        author: &str,
    ) -> Result<usize, CaseError> {
        let ts_ms = now_ms();
        let path = self.path().to_path_buf();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn_mut().transaction().map_err(sql)?;
        let mut added = 0;
        for e in entries {
            added += tx
                .execute(
                    "INSERT OR IGNORE INTO lists (kind, role, value, author, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![e.kind.name(), e.role.to_lowercase(), e.value, author, ts_ms],
                )
                .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(added)
    }

    /// Takes an entry off its list; whether it was there.
    pub fn remove_list_entry(&mut self, entry: &ListEntry) -> Result<bool, CaseError> {
        let n = self
            .conn()
            .execute(
                "DELETE FROM lists WHERE kind = ?1 AND role = ?2 AND value = ?3",
                params![entry.kind.name(), entry.role.to_lowercase(), entry.value],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// Every entry of every list, by list, role and value.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, CaseError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT kind, role, value FROM lists ORDER BY kind, role, value")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let kind: String = r.get(0)?;
                Ok(ListEntry {
                    kind: ListKind::parse(&kind).unwrap_or(ListKind::Block),
                    role: r.get(1)?,
                    value: r.get(2)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}

/// Reads `list,role,value` rows (list: allow or block); a bad row stops the import before
/// anything is written, naming its line and column.
pub fn read_lists(path: &Path) -> Result<Vec<ListEntry>, CaseError> {
    let csv = read_user_csv(path)?;
    let expected = "list,role,value";
    let list = csv.require("list", &["list", "kind"], expected)?;
    let role = csv.require("role", &["role", "entity"], expected)?;
    let value = csv.require("value", &["value"], expected)?;
    let mut entries = Vec::new();
    for (line, r) in csv.records() {
        let kind_text = field(r, Some(list));
        let kind = ListKind::parse(kind_text).ok_or_else(|| {
            file_error(
                path,
                format!("line {line}, column list: expected allow or block, found `{kind_text}`"),
            )
        })?;
        let (role, value) = (field(r, Some(role)), field(r, Some(value)));
        if role.is_empty() || value.is_empty() {
            let column = if role.is_empty() { "role" } else { "value" };
            return Err(file_error(
                path,
                format!("line {line}, column {column}: expected a value, found nothing"),
            ));
        }
        entries.push(ListEntry {
            kind,
            role: role.to_lowercase(),
            value: value.to_string(),
        });
    }
    Ok(entries)
}

/// Writes every entry as `list,role,value`; returns how many.
pub fn export_lists(ws: &Workspace, out: &Path) -> Result<usize, CaseError> {
    let write_err = |e: csv::Error| file_error(out, format!("cannot write: {e}"));
    let mut w = csv::Writer::from_path(out).map_err(write_err)?;
    w.write_record(["list", "role", "value"])
        .map_err(write_err)?;
    let entries = ws.list_entries()?;
    for e in &entries {
        w.write_record([e.kind.name(), e.role.as_str(), e.value.as_str()])
            .map_err(write_err)?;
    }
    w.flush()
        .map_err(|e| file_error(out, format!("cannot write: {e}")))?;
    Ok(entries.len())
}
