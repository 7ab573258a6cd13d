//! Allow and block lists: values of an entity role (user, device, ip, seller, card, ...) an
//! analyst has decided about. An account any of whose events carries a listed value is hit by
//! that entry; rules may also ask `device in blocklist`.

use serde::{Deserialize, Serialize};

use crate::log::{CatColumn, EventLog, NULL_CODE};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Allow,
    Block,
}

impl ListKind {
    pub const ALL: [ListKind; 2] = [Self::Allow, Self::Block];

    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Block => "block",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| s == k.name() || s == format!("{}list", k.name()))
    }
}

/// One listed value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ListEntry {
    pub kind: ListKind,
    /// `user`, or the name of one of the log's entity columns (`device`, `ip`, ...).
    pub role: String,
    pub value: String,
}

/// The roles a list entry (or a rule's `in` test) may name in `log`: `user` and its entity
/// columns, lower-cased.
pub fn list_roles(log: &EventLog) -> Vec<String> {
    std::iter::once("user".to_string())
        .chain(log.columns.entities.iter().map(|e| e.name.to_lowercase()))
        .collect()
}

/// The column of `log` holding `role`'s values: the user column for `user`, else the entity
/// column of that name (any case).
pub fn role_column<'a>(log: &'a EventLog, role: &str) -> Option<&'a CatColumn> {
    if role.eq_ignore_ascii_case("user") {
        return Some(&log.columns.user);
    }
    log.columns
        .entities
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(role))
        .map(|e| &e.column)
}

/// Per account: the indices (into `entries`) of the entries its events carry. Entries for a
/// role the log lacks, or a value it never saw, hit nobody.
pub fn list_hits(entries: &[ListEntry], log: &EventLog) -> Vec<Vec<usize>> {
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); log.user_count()];
    let users = &log.columns.user.codes;
    // Entries grouped by role, so each column is read once.
    let mut roles: Vec<&str> = entries.iter().map(|e| e.role.as_str()).collect();
    roles.sort_unstable();
    roles.dedup();
    for role in roles {
        let Some(column) = role_column(log, role) else {
            continue;
        };
        // Per value code of the column: the entries listing it.
        let mut by_code: Vec<Vec<usize>> = vec![Vec::new(); column.dict.len()];
        let mut any = false;
        for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.role == role) {
            if let Some(c) = column.dict.lookup(&e.value) {
                by_code[c as usize].push(i);
                any = true;
            }
        }
        if !any {
            continue;
        }
        for (e, &code) in column.codes.iter().enumerate() {
            let u = users[e];
            if code == NULL_CODE || u == NULL_CODE || by_code[code as usize].is_empty() {
                continue;
            }
            let account = &mut hits[u as usize];
            for &i in &by_code[code as usize] {
                if !account.contains(&i) {
                    account.push(i);
                }
            }
        }
    }
    hits
}
