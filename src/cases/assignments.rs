//! Assignment: a lead gives accounts to an analyst, who finds them under "assigned to me".

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::sql::args;
use super::workspace::Workspace;

impl Workspace {
    /// Assigns `users` to `to` in one transaction (an earlier assignment is replaced); only a
    /// lead may. Returns how many.
    pub fn assign(&self, users: &[String], to: &str, by: &str) -> Result<usize, CaseError> {
        self.require_lead(by, "assign work")?;
        let now = now_ms();
        self.write(|s| {
            for user in users {
                s.exec(
                    r#"INSERT INTO assignments ("user", assignee, assigned_by, ts_ms) VALUES (?1, ?2, ?3, ?4)
                       ON CONFLICT ("user") DO UPDATE SET assignee = excluded.assignee,
                         assigned_by = excluded.assigned_by, ts_ms = excluded.ts_ms"#,
                    args![user, to, by, now],
                )?;
            }
            note_change(s, ChangeKind::Assignment, None, by, self.origin())?;
            Ok(users.len())
        })
    }

    /// The accounts assigned to `who`, by name.
    pub fn assigned_to(&self, who: &str) -> Result<Vec<String>, CaseError> {
        self.read(|s| {
            s.rows(
                r#"SELECT "user" FROM assignments WHERE assignee = ?1 ORDER BY "user""#,
                args![who],
            )?
            .iter()
            .map(|r| r.text("user"))
            .collect()
        })
    }
}
