use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("workspace {}: {detail}", path.display())]
    Sql { path: PathBuf, detail: String },
    #[error("{}: {detail}", path.display())]
    File { path: PathBuf, detail: String },
    #[error(transparent)]
    Rule(#[from] crate::rules::RuleError),
    #[error(transparent)]
    Read(#[from] crate::log::LoadError),
}

impl CaseError {
    pub(crate) fn sql(path: &Path, e: rusqlite::Error) -> Self {
        let detail = match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                "is not a Vigil workspace (not a SQLite database)".to_string()
            }
            _ => e.to_string(),
        };
        CaseError::Sql {
            path: path.to_path_buf(),
            detail,
        }
    }
}
