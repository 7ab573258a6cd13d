//! Small CSV files keyed by user: labels files (`--labels`), label imports into a workspace and
//! lists of test users (`--split users:FILE`). One reader, so they share one rule for a UTF-8
//! byte-order mark, one way of matching header names (the mapping's synonyms, case and
//! punctuation ignored) and errors that name the file and the line.

use std::path::{Path, PathBuf};

use super::error::LoadError;
use super::mapping::{USER_NAMES, normalise_name};
use super::source::{io_error, strip_bom};

/// A user CSV read whole: its header and its records with their 1-based line numbers.
pub struct UserCsv {
    path: PathBuf,
    header: Vec<String>,
    records: Vec<(usize, csv::StringRecord)>,
}

/// Reads `path` as CSV with a header; records may have fewer or more fields than the header.
pub fn read_user_csv(path: &Path) -> Result<UserCsv, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(strip_bom(&bytes));
    let format_err = |detail: String| LoadError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let header = reader
        .headers()
        .map_err(|e| format_err(format!("line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        records.push((
            line,
            record.map_err(|e| format_err(format!("line {line}: {e}")))?,
        ));
    }
    Ok(UserCsv {
        path: path.to_path_buf(),
        header,
        records,
    })
}

impl UserCsv {
    /// An error about this file.
    pub fn error(&self, detail: impl Into<String>) -> LoadError {
        LoadError::Format {
            path: self.path.clone(),
            detail: detail.into(),
        }
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The first column whose name is one of `synonyms` (already normalised), in their order.
    pub fn column(&self, synonyms: &[&str]) -> Option<usize> {
        let names: Vec<String> = self.header.iter().map(|h| normalise_name(h)).collect();
        synonyms
            .iter()
            .find_map(|syn| names.iter().position(|n| n == syn))
    }

    /// Like `column`, but its absence is an error naming the role and what was expected.
    pub fn require(
        &self,
        role: &str,
        synonyms: &[&str],
        expected: &str,
    ) -> Result<usize, LoadError> {
        self.column(synonyms).ok_or_else(|| {
            self.error(format!(
                "line 1: no {role} column among [{}]; expected a header such as {expected}",
                self.header.join(", ")
            ))
        })
    }

    /// The records with their line numbers.
    pub fn records(&self) -> impl Iterator<Item = (usize, &csv::StringRecord)> {
        self.records.iter().map(|(line, r)| (*line, r))
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// A field of a record, trimmed; empty when the record is short or there is no such column.
pub fn field(record: &csv::StringRecord, column: Option<usize>) -> &str {
    column.and_then(|c| record.get(c)).unwrap_or("").trim()
}

/// The user names listed in a CSV's user column (`user`, `user_id`, ...), in file order.
pub fn read_user_list(path: &Path) -> Result<Vec<String>, LoadError> {
    let csv = read_user_csv(path)?;
    let user = csv.require("user", USER_NAMES, "user")?;
    Ok(csv
        .records()
        .map(|(_, r)| field(r, Some(user)).to_string())
        .filter(|u| !u.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_bom_header_names_and_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("users.csv");
        std::fs::write(&p, "\u{feff}User_ID, extra\nu1,x\n\nu2\n").unwrap();
        assert_eq!(read_user_list(&p).unwrap(), ["u1", "u2"]);
        std::fs::write(&p, "name\nu1\n").unwrap();
        let e = read_user_list(&p).unwrap_err().to_string();
        assert!(
            e.contains("users.csv") && e.contains("line 1: no user column"),
            "{e}"
        );
    }
}
