//! The change feed's lines: every write adds one, in its own transaction, saying what kind of
//! thing changed, for which account and by whom (`sync.rs` reads them back).

use super::clock::now_ms;
use super::sql::{DbError, Sql, args};

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

    pub(super) fn parse(s: &str) -> Option<Self> {
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
