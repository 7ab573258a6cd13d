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
    /// Another analyst decided these accounts recently, or holds them: nothing was written.
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

/// Why a verdict asks first: another analyst decided the account (after this window had
/// seen it, or within the workspace's recent-decision minutes), or holds it now.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub user: String,
    /// The account's verdict now, whoever gave it.
    pub verdict: Option<Verdict>,
    /// Who decided it, or who holds it.
    pub by: String,
    /// When they decided it, or since when they hold it (ms).
    pub at_ms: i64,
    pub kind: ConflictKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictKind {
    /// `by` decided the account at `at_ms`.
    Decided,
    /// `by` holds the account (a live claim) since `at_ms`.
    Held,
}

impl Conflict {
    pub(super) fn decided(case: &Case) -> Self {
        Self {
            user: case.user.clone(),
            verdict: case.verdict,
            by: case.author.clone(),
            at_ms: case.ts_ms,
            kind: ConflictKind::Decided,
        }
    }

    /// `holder` holds `user` since `since_ms`; `case` is the account's now, if any.
    pub(super) fn held(user: &str, holder: &str, since_ms: i64, case: Option<&Case>) -> Self {
        Self {
            user: user.to_string(),
            verdict: case.and_then(|c| c.verdict),
            by: holder.to_string(),
            at_ms: since_ms,
            kind: ConflictKind::Held,
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = crate::log::timeparse::format_rfc3339(self.at_ms);
        match self.kind {
            ConflictKind::Decided => {
                let verdict = self.verdict.map_or("a note", Verdict::name);
                write!(f, "{} decided {} {} at {at}", self.by, self.user, verdict)
            }
            ConflictKind::Held => write!(f, "{} holds {} since {at}", self.by, self.user),
        }
    }
}

fn describe_conflicts(conflicts: &[Conflict]) -> String {
    let shown: Vec<String> = conflicts.iter().take(3).map(Conflict::to_string).collect();
    let more = conflicts.len().saturating_sub(shown.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!(
        "another analyst decided or holds them: {}{tail}; overwrite to decide anyway",
        shown.join("; ")
    )
}
