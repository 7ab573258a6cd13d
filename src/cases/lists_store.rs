//! Allow and block lists kept in the workspace, and their CSV form `list,role,value`
//! (`block,device,d40dd666f`), imported and exported.

use std::path::Path;

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::error::file_error;
use super::sql::args;
use super::workspace::Workspace;
use crate::log::{field, read_user_csv};
use crate::rules::{ListEntry, ListKind};

impl Workspace {
    /// Adds entries (one transaction; ones already listed are kept as they are); returns how
    /// many were new. Only a lead edits lists.
    pub fn add_list_entries(
        &mut self,
        entries: &[ListEntry],
        author: &str,
    ) -> Result<usize, CaseError> {
        self.require_lead(author, "edit lists")?;
        let ts_ms = now_ms();
        self.write(|s| {
            let mut added = 0;
            for e in entries {
                added += s.exec(
                    "INSERT INTO lists (kind, role, value, author, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT DO NOTHING",
                    args![e.kind.name(), e.role.to_lowercase(), &e.value, author, ts_ms],
                )?;
            }
            note_change(s, ChangeKind::List, None, author, self.origin())?;
            Ok(added as usize)
        })
    }

    /// Takes an entry off its list; whether it was there. Only a lead edits lists.
    pub fn remove_list_entry(
        &mut self,
        entry: &ListEntry,
        author: &str,
    ) -> Result<bool, CaseError> {
        self.require_lead(author, "edit lists")?;
        self.write(|s| {
            let n = s.exec(
                "DELETE FROM lists WHERE kind = ?1 AND role = ?2 AND value = ?3",
                args![entry.kind.name(), entry.role.to_lowercase(), &entry.value],
            )?;
            note_change(s, ChangeKind::List, None, author, self.origin())?;
            Ok(n > 0)
        })
    }

    /// Every entry of every list, by list, role and value.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>, CaseError> {
        self.read(|s| {
            s.rows(
                "SELECT kind, role, value FROM lists ORDER BY kind, role, value",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(ListEntry {
                    kind: ListKind::parse(&r.text("kind")?).unwrap_or(ListKind::Block),
                    role: r.text("role")?,
                    value: r.text("value")?,
                })
            })
            .collect()
        })
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
