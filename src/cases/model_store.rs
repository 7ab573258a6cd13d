//! The team's kept model, in the workspace itself: the files of a model directory as rows,
//! so every analyst of a shared workspace scores with the same model and a retrain by anyone
//! reaches everyone.

use std::path::Path;

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::error::file_error;
use super::sql::Value;
use super::workspace::Workspace;

impl Workspace {
    /// Replaces the kept model with the files of `dir` (one transaction); returns how many.
    pub fn keep_model(&self, dir: &Path, author: &str) -> Result<usize, CaseError> {
        let mut files = Vec::new();
        let entries =
            std::fs::read_dir(dir).map_err(|e| file_error(dir, format!("cannot read: {e}")))?;
        for entry in entries {
            let path = entry
                .map_err(|e| file_error(dir, format!("cannot read: {e}")))?
                .path();
            if !path.is_file() {
                continue;
            }
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            let bytes =
                std::fs::read(&path).map_err(|e| file_error(&path, format!("cannot read: {e}")))?;
            files.push((name, bytes));
        }
        let now = now_ms();
        self.write(|s| {
            s.exec("DELETE FROM model_files", &[])?;
            for (name, bytes) in &files {
                s.exec(
                    "INSERT INTO model_files (name, bytes, ts_ms) VALUES (?1, ?2, ?3)",
                    &[name.into(), Value::Blob(bytes.clone()), now.into()],
                )?;
            }
            note_change(s, ChangeKind::Model, None, author, self.origin())?;
            Ok(files.len())
        })
    }

    /// Writes the kept model's files into `dir` (made if missing); how many there were (0:
    /// the workspace keeps no model).
    pub fn fetch_model(&self, dir: &Path) -> Result<usize, CaseError> {
        let files = self.read(|s| {
            s.rows("SELECT name, bytes FROM model_files ORDER BY name", &[])?
                .iter()
                .map(|r| Ok((r.text("name")?, r.blob("bytes")?)))
                .collect::<Result<Vec<_>, _>>()
        })?;
        if files.is_empty() {
            return Ok(0);
        }
        std::fs::create_dir_all(dir).map_err(|e| file_error(dir, format!("cannot create: {e}")))?;
        for (name, bytes) in &files {
            // A name is a file name, never a path that could leave `dir`.
            let file = Path::new(name);
            if file.components().count() != 1 {
                return Err(file_error(
                    dir,
                    format!("the kept model has a bad file name `{name}`"),
                ));
            }
            let path = dir.join(file);
            std::fs::write(&path, bytes)
                .map_err(|e| file_error(&path, format!("cannot write: {e}")))?;
        }
        Ok(files.len())
    }

    /// When the kept model was last replaced (ms), if there is one.
    pub fn model_time(&self) -> Result<Option<i64>, CaseError> {
        self.read(|s| {
            s.row("SELECT MAX(ts_ms) AS latest FROM model_files", &[])?
                .map(|r| r.opt_int("latest"))
                .transpose()
                .map(Option::flatten)
        })
    }
}
