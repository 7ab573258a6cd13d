//! Who is who in a workspace: its members and their roles. The first to join a workspace is
//! its lead; others join as analysts, and a lead grants roles. A workspace no one has joined
//! (an old file, a test) has no roles yet: there, anyone may do anything, as before teams.

use serde::Serialize;

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::sql::{DbError, Sql, args};
use super::workspace::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets thresholds, rules and lists, assigns work and grants roles.
    Lead,
    Analyst,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Analyst => "analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lead" => Some(Role::Lead),
            "analyst" => Some(Role::Analyst),
            _ => None,
        }
    }
}

fn role_in(s: &mut dyn Sql, who: &str) -> Result<Role, DbError> {
    let any = s.row("SELECT 1 FROM members LIMIT 1", &[])?.is_some();
    if !any {
        return Ok(Role::Lead);
    }
    let role = s.row("SELECT role FROM members WHERE name = ?1", args![who])?;
    Ok(match role.map(|r| r.text("role")).transpose()? {
        Some(r) => Role::parse(&r).unwrap_or(Role::Analyst),
        None => Role::Analyst,
    })
}

impl Workspace {
    /// Registers `who` as a member (the first one leads); returns the role they have.
    pub fn join(&self, who: &str) -> Result<Role, CaseError> {
        self.write(|s| {
            let first = s.row("SELECT 1 FROM members LIMIT 1", &[])?.is_none();
            let role = if first { Role::Lead } else { role_in(s, who)? };
            let added = s.exec(
                "INSERT INTO members (name, role, granted_by, ts_ms) VALUES (?1, ?2, ?1, ?3)
                 ON CONFLICT (name) DO NOTHING",
                args![who, role.name(), now_ms()],
            )?;
            if added > 0 {
                note_change(s, ChangeKind::Member, None, who, self.origin())?;
            }
            Ok(role)
        })
    }

    /// The role `who` has here.
    pub fn role_of(&self, who: &str) -> Result<Role, CaseError> {
        self.read(|s| role_in(s, who))
    }

    /// Every member with their role, by name.
    pub fn members(&self) -> Result<Vec<(String, Role)>, CaseError> {
        self.read(|s| {
            s.rows("SELECT name, role FROM members ORDER BY name", &[])?
                .iter()
                .map(|r| {
                    let role = Role::parse(&r.text("role")?).unwrap_or(Role::Analyst);
                    Ok((r.text("name")?, role))
                })
                .collect()
        })
    }

    /// Gives `member` a role; only a lead may.
    pub fn grant(&self, by: &str, member: &str, role: Role) -> Result<(), CaseError> {
        self.require_lead(by, "grant roles")?;
        self.write(|s| {
            s.exec(
                "INSERT INTO members (name, role, granted_by, ts_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role,
                   granted_by = excluded.granted_by, ts_ms = excluded.ts_ms",
                args![member, role.name(), by, now_ms()],
            )?;
            note_change(s, ChangeKind::Member, None, by, self.origin())
        })?;
        self.grant_access(member)
    }

    /// An error naming `action` unless `who` leads here.
    pub fn require_lead(&self, who: &str, action: &'static str) -> Result<(), CaseError> {
        match self.role_of(who)? {
            Role::Lead => Ok(()),
            Role::Analyst => Err(CaseError::NotLead {
                who: who.to_string(),
                action,
            }),
        }
    }
}
