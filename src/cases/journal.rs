//! What an analyst decided while the team's server was away: each verdict or note is appended
//! to a local file (synced to disk before the window says it is kept) with its original time
//! and what the window had seen, and written to the workspace, audited, when the server is
//! back. One journal per workspace location, under the user's state folder.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::case::{Source, Verdict};
use super::error::CaseError;
use super::error::file_error;
use super::location::WorkspaceAt;

/// One decision kept for later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub users: Vec<String>,
    pub what: HeldWhat,
    pub author: String,
    pub source: Source,
    /// When it was given (ms): the time the audit log will show.
    pub ts_ms: i64,
    /// What the window had seen then (or the start of the recent-decision minutes, when
    /// earlier): a later decision by someone else is a conflict, as is someone else's claim.
    pub seen_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeldWhat {
    Verdict { verdict: Verdict, overwrite: bool },
    Note { text: String },
}

/// The journal file of one workspace location.
#[derive(Clone)]
pub(super) struct Journal {
    path: PathBuf,
}

/// `VIGIL_JOURNAL_DIR`, else `$XDG_STATE_HOME/vigil`, else `~/.local/state/vigil`.
fn journal_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VIGIL_JOURNAL_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(state) = std::env::var_os("XDG_STATE_HOME") {
        return PathBuf::from(state).join("vigil");
    }
    match std::env::var_os("HOME") {
        Some(home) => Path::new(&home).join(".local/state/vigil"),
        None => std::env::temp_dir().join("vigil-state"),
    }
}

impl Journal {
    /// The journal of `at`, named by its location with the password elided.
    pub fn of(at: &WorkspaceAt) -> Self {
        let key = xxhash_rust::xxh3::xxh3_64(at.to_string().as_bytes());
        Self {
            path: journal_dir().join(format!("journal-{key:016x}.ndjson")),
        }
    }

    /// Appends `held`; on disk when this returns.
    pub fn append(&self, held: &Held) -> Result<(), CaseError> {
        let fail =
            |e: std::io::Error| file_error(&self.path, format!("cannot keep a verdict: {e}"));
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let line = serde_json::to_string(held)
            .map_err(|e| file_error(&self.path, format!("cannot keep a verdict: {e}")))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        writeln!(file, "{line}").map_err(fail)?;
        file.sync_data().map_err(fail)
    }

    /// Everything kept, oldest first; a damaged line is an error naming it.
    pub fn entries(&self) -> Result<Vec<Held>, CaseError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(file_error(&self.path, format!("cannot read: {e}"))),
        };
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    file_error(
                        &self.path,
                        format!("line {}: expected a kept verdict: {e}", i + 1),
                    )
                })
            })
            .collect()
    }

    /// Keeps only `rest` (written whole to a new file, then moved over the old one).
    pub fn keep_only(&self, rest: &[Held]) -> Result<(), CaseError> {
        if rest.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(file_error(&self.path, format!("cannot clear: {e}")))
                }
                _ => Ok(()),
            };
        }
        let tmp = self.path.with_extension("ndjson.tmp");
        let mut text = String::new();
        for held in rest {
            let line = serde_json::to_string(held)
                .map_err(|e| file_error(&self.path, format!("cannot keep a verdict: {e}")))?;
            text.push_str(&line);
            text.push('\n');
        }
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| file_error(&self.path, format!("cannot rewrite: {e}")))
    }
}
