//! Reading what a `Tail` found by the log's own mapping, with the same conversion and checks as
//! a whole file: the new lines (under the file's header) become a small log of their own,
//! rows numbered as in the followed file, and rejected rows are named by their file line.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::LoadError;
use super::issues::{Issue, IssueStat};
use super::mapping::Mapping;
use super::table::EventLog;
use super::tail::Appended;
use crate::progress::NoProgress;

/// New events read from one file, with the rows that were turned away.
pub struct AppendedEvents {
    pub file: PathBuf,
    pub log: EventLog,
    /// Data row (in `file`) of the first line read.
    pub first_row: u64,
    /// Rows turned away, each reason with examples placed in `file` ("line 12 (row 10)").
    pub rejects: Vec<IssueStat>,
}

/// A scratch file per batch of lines, so the whole-file reader reads them unchanged.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn scratch_path(like: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let ext = like
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "txt".into());
    std::env::temp_dir().join(format!("vigil-watch-{}-{n}.{ext}", std::process::id()))
}

/// Reads `appended` with `mapping` (the followed log's, complete: roles, delimiter, header,
/// time format and encoding). Lines that are all rejected give an empty log, not an error:
/// the watch goes on and reports them.
pub fn read_appended(appended: &Appended, mapping: &Mapping) -> Result<AppendedEvents, LoadError> {
    let (file, loaded) = match appended {
        Appended::Whole { file } => (file.clone(), super::load(file, mapping, &NoProgress)),
        Appended::Lines {
            file,
            header,
            lines,
            first_row,
        } => {
            let scratch = Scratch(scratch_path(file));
            let io = |source| LoadError::Io {
                path: scratch.0.clone(),
                source,
            };
            let mut out = std::fs::File::create(&scratch.0).map_err(io)?;
            out.write_all(header.as_deref().unwrap_or_default())
                .and_then(|()| out.write_all(lines))
                .map_err(io)?;
            drop(out);
            let mapping = match ndjson_keys(lines) {
                Some(keys) => mapping.without_absent(|name| {
                    keys.contains(name) || keys.iter().any(|k| k.eq_ignore_ascii_case(name))
                }),
                None => mapping.clone(),
            };
            let loaded = super::load(&scratch.0, &mapping, &NoProgress)
                .map_err(|e| e.placed_in(file, *first_row));
            let result = loaded.map(|mut l| {
                // Rows and lines as in the followed file.
                for r in &mut l.log.columns.row {
                    *r += first_row;
                }
                for s in &mut l.report.rejects {
                    for ex in &mut s.examples {
                        ex.row += first_row;
                        ex.line = ex.line.map(|line| line + first_row);
                    }
                }
                l
            });
            (file.clone(), result)
        }
    };
    let first_row = match appended {
        Appended::Lines { first_row, .. } => *first_row,
        Appended::Whole { .. } => 0,
    };
    match loaded {
        Ok(l) => Ok(AppendedEvents {
            file,
            log: l.log,
            first_row,
            rejects: l.report.rejects,
        }),
        Err(LoadError::NothingLoaded { detail, .. }) => Ok(AppendedEvents {
            file,
            log: EventLog::default(),
            first_row,
            rejects: vec![IssueStat {
                issue: Issue::AppendedUnread { first_row, detail },
                count: 0,
                examples: Vec::new(),
            }],
        }),
        Err(e) => Err(e),
    }
}

/// The field names the lines use, when they are JSON objects (an NDJSON log): its lines may
/// each leave out any field. `None` for a delimited log, whose header names every column.
fn ndjson_keys(lines: &[u8]) -> Option<HashSet<String>> {
    let first = lines.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let mut keys = HashSet::new();
    for line in lines.split(|&b| b == b'\n') {
        if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(line) {
            keys.extend(fields.keys().cloned());
        }
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        Mapping {
            user: Some("user_id".into()),
            time: Some("ts".into()),
            event: Some("event".into()),
            amount: Some("amount".into()),
            entities: Some(vec!["device".into(), "ip".into()]),
            label: Some("is_fraud".into()),
            ..Mapping::default()
        }
    }

    fn lines(file: &Path, text: &str) -> Appended {
        Appended::Lines {
            file: file.to_path_buf(),
            header: None,
            lines: text.as_bytes().to_vec(),
            first_row: 100,
        }
    }

    #[test]
    fn ndjson_lines_may_leave_out_optional_fields() {
        let file = Path::new("/logs/shop.ndjson");
        let text = concat!(
            r#"{"user_id":"u1","ts":"2026-10-01T10:00:00Z","event":"order","ip":"1.2.3.4"}"#,
            "\n",
            r#"{"user_id":"u2","ts":"2026-10-01T10:01:00Z","event":"pay","ip":"1.2.3.5"}"#,
            "\n",
        );
        let read = read_appended(&lines(file, text), &mapping()).unwrap();
        let c = &read.log.columns;
        assert_eq!(read.log.len(), 2);
        assert_eq!(c.row, [100, 101]);
        let names: Vec<&str> = c.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["ip"]);
        assert!(c.amount.is_none() && c.label.is_none());
    }

    #[test]
    fn lines_without_a_user_are_an_error_naming_the_followed_file() {
        let file = Path::new("/logs/shop.ndjson");
        let text = concat!(r#"{"ts":"2026-10-01T10:00:00Z","event":"order"}"#, "\n");
        let error = read_appended(&lines(file, text), &mapping())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.starts_with("/logs/shop.ndjson: "), "{error}");
        assert!(error.contains("user_id"), "{error}");
    }
}
