//! The change feed's lines: every write adds one, in its own transaction, saying what kind of
//! thing changed, for which account, by whom and from where (`sync.rs` reads them back).
//!
//! Where is an origin: each open workspace (a window, a command) is one, so a window takes in
//! every change it did not make itself, whoever's name is on it: the lead's labels imported
//! from the shell reach the lead's own window.

use std::sync::atomic::{AtomicU64, Ordering};

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

/// One change of the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub kind: ChangeKind,
    pub user: Option<String>,
    pub author: String,
    /// The open workspace that wrote it (`None` in a feed older than origins: anyone's).
    pub origin: Option<Origin>,
}

/// One open workspace: a window or a command, told apart from every other, even another
/// window of the same analyst on the same machine.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin(String);

impl Origin {
    /// A new origin: the process, the moment and a count, hashed (no two opens share one).
    pub(super) fn new() -> Self {
        static OPENED: AtomicU64 = AtomicU64::new(0);
        let n = OPENED.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = format!("{}:{nanos}:{n}", std::process::id());
        Self(format!(
            "{:016x}",
            xxhash_rust::xxh3::xxh3_64(seed.as_bytes())
        ))
    }

    pub(super) fn parse(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Adds a line to the feed: `kind` changed (for `user`), by `author`, from `origin`.
pub(super) fn note_change(
    s: &mut dyn Sql,
    kind: ChangeKind,
    user: Option<&str>,
    author: &str,
    origin: &Origin,
) -> Result<(), DbError> {
    s.exec(
        r#"INSERT INTO changes (kind, "user", author, ts_ms, origin) VALUES (?1, ?2, ?3, ?4, ?5)"#,
        args![kind.name(), user, author, now_ms(), origin.as_str()],
    )
    .map(|_| ())
}
