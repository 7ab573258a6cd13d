//! What other windows follow: a window that remembers the last line of the change feed it saw
//! (`change_mark`) learns what changed since with one cheap query, on either backend and
//! across restarts of the server.

use super::changes::{Change, ChangeKind, Origin};
use super::error::CaseError;
use super::sql::args;
use super::workspace::Workspace;

impl Workspace {
    /// The latest change so far: what `changes_after` starts from.
    pub fn change_mark(&self) -> Result<i64, CaseError> {
        self.read(|s| {
            Ok(
                s.row("SELECT COALESCE(MAX(id), 0) AS mark FROM changes", &[])?
                    .map(|r| r.int("mark"))
                    .transpose()?
                    .unwrap_or(0),
            )
        })
    }

    /// Every change after `mark`, oldest first.
    pub fn changes_after(&self, mark: i64) -> Result<Vec<Change>, CaseError> {
        self.read(|s| {
            s.rows(
                r#"SELECT id, kind, "user", author, origin FROM changes WHERE id > ?1 ORDER BY id"#,
                args![mark],
            )?
            .iter()
            .filter_map(|r| {
                let kind = r.text("kind").map(|k| ChangeKind::parse(&k));
                match kind {
                    Ok(Some(kind)) => Some(Ok((r, kind))),
                    Ok(None) => None,
                    Err(e) => Some(Err(e)),
                }
            })
            .map(|rk| {
                let (r, kind) = rk?;
                Ok(Change {
                    id: r.int("id")?,
                    kind,
                    user: r.opt_text("user")?,
                    author: r.text("author")?,
                    origin: r.opt_text("origin")?.map(Origin::parse),
                })
            })
            .collect()
        })
    }
}
