//! What other windows follow: every write adds a line to `changes` in its own transaction, so
//! a window that remembers the last line it saw (`change_mark`) learns what changed since
//! with one cheap query, on either backend and across restarts of the server.

use super::db::{DbError, Sql, args};
use super::error::CaseError;
use super::workspace::{Workspace, now_ms};

/// What kind of thing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Case,
    Claim,
    Assignment,
    Rule,
    List,
    Setting,
    Model,
    Member,
}

impl ChangeKind {
    const ALL: [ChangeKind; 8] = [
        ChangeKind::Case,
        ChangeKind::Claim,
        ChangeKind::Assignment,
        ChangeKind::Rule,
        ChangeKind::List,
        ChangeKind::Setting,
        ChangeKind::Model,
        ChangeKind::Member,
    ];

    fn name(self) -> &'static str {
        match self {
            ChangeKind::Case => "case",
            ChangeKind::Claim => "claim",
            ChangeKind::Assignment => "assignment",
            ChangeKind::Rule => "rule",
            ChangeKind::List => "list",
            ChangeKind::Setting => "setting",
            ChangeKind::Model => "model",
            ChangeKind::Member => "member",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// One change another window made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub kind: ChangeKind,
    pub user: Option<String>,
    pub author: String,
}

pub(super) fn note_change(
    s: &mut dyn Sql,
    kind: ChangeKind,
    user: Option<&str>,
    author: &str,
) -> Result<(), DbError> {
    s.exec(
        r#"INSERT INTO changes (kind, "user", author, ts_ms) VALUES (?1, ?2, ?3, ?4)"#,
        args![kind.name(), user, author, now_ms()],
    )
    .map(|_| ())
}

impl Workspace {
    /// The latest change so far: what `changes_after` starts from.
    pub fn change_mark(&self) -> Result<i64, CaseError> {
        self.read(|s| {
            Ok(s.row("SELECT COALESCE(MAX(id), 0) FROM changes", &[])?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0))
        })
    }

    /// Every change after `mark`, oldest first.
    pub fn changes_after(&self, mark: i64) -> Result<Vec<Change>, CaseError> {
        self.read(|s| {
            s.rows(
                r#"SELECT id, kind, "user", author FROM changes WHERE id > ?1 ORDER BY id"#,
                args![mark],
            )?
            .iter()
            .filter_map(|r| {
                let kind = r.text(1).map(|k| ChangeKind::parse(&k));
                match kind {
                    Ok(Some(kind)) => Some(Ok((r, kind))),
                    Ok(None) => None,
                    Err(e) => Some(Err(e)),
                }
            })
            .map(|rk| {
                let (r, kind) = rk?;
                Ok(Change {
                    id: r.int(0)?,
                    kind,
                    user: r.opt_text(2)?,
                    author: r.text(3)?,
                })
            })
            .collect()
        })
    }
}
