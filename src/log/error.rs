//! Everything that can go wrong while reading a log. Each variant names the file and what
//! was expected, so the CLI can print it as one line and the GUI can show it as is.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: is a directory, expected a log file")]
    IsDirectory { path: PathBuf },
    #[error("{path}: cannot read")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: file is empty, expected a behaviour log")]
    Empty { path: PathBuf },
    #[error("{path}: has a header but no data rows")]
    HeaderOnly { path: PathBuf },
    #[error(
        "{path}: does not look like a text log ({detail}); expected CSV/TSV, NDJSON or Parquet"
    )]
    NotText { path: PathBuf, detail: String },
    #[error("{path}: line {line} is longer than {limit_mib} MiB; expected one event per line")]
    LineTooLong {
        path: PathBuf,
        line: u64,
        limit_mib: usize,
    },
    #[error("{path}: {detail}")]
    Format { path: PathBuf, detail: String },
    #[error("{path}: mapping: {detail}")]
    Mapping { path: PathBuf, detail: String },
    #[error(
        "{path}: no {role} column found among [{columns}]; name it in a mapping file ({role} = \"...\")"
    )]
    RoleNotFound {
        path: PathBuf,
        role: &'static str,
        columns: String,
    },
    #[error(
        "{path}: column '{column}': values match no time format (e.g. '{example}'); expected epoch s/ms/us, ISO 8601, YYYY-MM-DD HH:MM:SS, M/D/YYYY H:MM, YYYYMMDD, or set time_format"
    )]
    TimeFormat {
        path: PathBuf,
        column: String,
        example: String,
    },
    #[error("{path}: no row could be loaded ({detail})")]
    NothingLoaded { path: PathBuf, detail: String },
    #[error("{path}: loading cancelled")]
    Cancelled { path: PathBuf },
}

impl LoadError {
    /// The error of reading lines copied out of `file` (a scratch file holding its new lines
    /// from data row `first_row`), placed in `file` itself: that is the file the user knows.
    /// An error about the scratch file's own I/O keeps its path.
    pub fn placed_in(self, file: &std::path::Path, first_row: u64) -> Self {
        let path = file.to_path_buf();
        match self {
            Self::Io { .. } | Self::NotFound { .. } | Self::IsDirectory { .. } => self,
            Self::Empty { .. } => Self::Empty { path },
            Self::HeaderOnly { .. } => Self::HeaderOnly { path },
            Self::NotText { detail, .. } => Self::NotText { path, detail },
            Self::LineTooLong {
                line, limit_mib, ..
            } => Self::LineTooLong {
                path,
                line: line + first_row,
                limit_mib,
            },
            Self::Format { detail, .. } => Self::Format { path, detail },
            Self::Mapping { detail, .. } => Self::Mapping { path, detail },
            Self::RoleNotFound { role, columns, .. } => Self::RoleNotFound {
                path,
                role,
                columns,
            },
            Self::TimeFormat {
                column, example, ..
            } => Self::TimeFormat {
                path,
                column,
                example,
            },
            Self::NothingLoaded { detail, .. } => Self::NothingLoaded { path, detail },
            Self::Cancelled { .. } => Self::Cancelled { path },
        }
    }
}
