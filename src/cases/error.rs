use std::path::PathBuf;

use super::Case;
use super::Verdict;
use super::location::WorkspaceAt;
use super::sql::DbError;

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The workspace's database said no; `at` is its path or URL (never with a password).
    #[error("workspace {at}: {detail}")]
    Sql { at: String, detail: String },
    #[error("{}: {detail}", path.display())]
    File { path: PathBuf, detail: String },
    #[error(transparent)]
    Rule(#[from] crate::rules::RuleError),
    #[error(transparent)]
    Read(#[from] crate::log::LoadError),
    /// The team's server could not be reached.
    #[error("workspace {at} cannot be reached: {detail}")]
    Offline { at: String, detail: String },
    /// An analyst tried what only a lead of a team workspace may do.
    #[error(
        "only a lead can {action}; {who} is an analyst here (a lead runs `vigil workspace grant --role lead {who}`)"
    )]
    NotLead { who: String, action: &'static str },
    /// Another analyst decided these accounts after this window had loaded them.
    #[error("{}", describe_conflicts(.0))]
    Conflicts(Vec<Conflict>),
}

/// A file (a labels or lists file, the journal, a model file) could not be read or written.
pub(super) fn file_error(path: &std::path::Path, detail: impl Into<String>) -> CaseError {
    CaseError::File {
        path: path.to_path_buf(),
        detail: detail.into(),
    }
}

impl CaseError {
    pub(super) fn db(at: &WorkspaceAt, e: DbError) -> Self {
        let at = at.to_string();
        match e.offline {
            true => CaseError::Offline {
                at,
                detail: e.detail,
            },
            false => CaseError::Sql {
                at,
                detail: e.detail,
            },
        }
    }
}

/// A decision another analyst made on an account after this window had loaded it.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub user: String,
    pub verdict: Option<Verdict>,
    pub by: String,
    pub at_ms: i64,
}

impl Conflict {
    pub(super) fn with(case: &Case) -> Self {
        Self {
            user: case.user.clone(),
            verdict: case.verdict,
            by: case.author.clone(),
            at_ms: case.ts_ms,
        }
    }
}

fn describe_conflicts(conflicts: &[Conflict]) -> String {
    let shown: Vec<String> = conflicts
        .iter()
        .take(3)
        .map(|c| {
            let verdict = c.verdict.map_or("a note", Verdict::name);
            format!(
                "{} decided {} {} at {}",
                c.by,
                c.user,
                verdict,
                crate::log::timeparse::format_rfc3339(c.at_ms)
            )
        })
        .collect();
    let more = conflicts.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "decided by another analyst since this window loaded them: {}{tail}; overwrite to replace",
        shown.join("; ")
    )
}
