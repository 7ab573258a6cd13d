//! Labels files: CSV `user,label[,ts]` from `--labels` or an analyst's export. Labels are ground
//! truth, so a bad line is an error naming the file and the line, not a row to skip.

use std::path::Path;

use super::convert::parse_label;
use super::error::LoadError;
use super::mapping::{LABEL_NAMES, TIME_NAMES, USER_NAMES, normalise_name};
use super::source::io_error;
use super::table::LabelValue;
use super::timeparse::{self, TimeFormat};

/// One user's label, and when it became known when the file says so.
#[derive(Clone, Debug, PartialEq)]
pub struct UserLabel {
    pub user: String,
    /// 1 fraud, 0 legit.
    pub label: LabelValue,
    pub known_at_ms: Option<i64>,
}

fn column(header: &csv::StringRecord, synonyms: &[&str]) -> Option<usize> {
    let names: Vec<String> = header.iter().map(normalise_name).collect();
    synonyms
        .iter()
        .find_map(|syn| names.iter().position(|n| n == syn))
}

pub fn read_labels(path: &Path) -> Result<Vec<UserLabel>, LoadError> {
    let format_err = |detail: String| LoadError::Format {
        path: path.to_path_buf(),
        detail,
    };
    let text = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let text = super::source::strip_bom(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    let header = reader
        .headers()
        .map_err(|e| format_err(format!("line 1: {e}")))?
        .clone();
    let missing = |role: &str| {
        format_err(format!(
            "line 1: no {role} column among [{}]; expected a header such as user,label[,ts]",
            header.iter().collect::<Vec<_>>().join(", ")
        ))
    };
    let user_col = column(&header, USER_NAMES).ok_or_else(|| missing("user"))?;
    let label_col = column(&header, LABEL_NAMES).ok_or_else(|| missing("label"))?;
    let ts_col = column(&header, TIME_NAMES);

    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format_err(format!("line {line}: {e}")))?;
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        let user = field(user_col);
        if user.is_empty() {
            return Err(format_err(format!("line {line}: the user is empty")));
        }
        let label = match parse_label(field(label_col)) {
            Some(l @ (0 | 1)) => l,
            _ => {
                return Err(format_err(format!(
                    "line {line}: label '{}' is not 1/0, true/false or fraud/legit",
                    field(label_col)
                )));
            }
        };
        rows.push((
            line,
            user.to_string(),
            label,
            ts_col.map(field).unwrap_or("").to_string(),
        ));
    }
    if rows.is_empty() {
        return Err(format_err("has a header but no labels".into()));
    }
    // One format for the whole time column, as for a log.
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r.3.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let format: Option<TimeFormat> = match times.is_empty() {
        true => None,
        false => Some(timeparse::detect(&times, true).ok_or_else(|| {
            format_err(format!(
                "the ts column's values match no time format (e.g. '{}')",
                times[0]
            ))
        })?),
    };
    rows.into_iter()
        .map(|(line, user, label, ts)| {
            let known_at_ms = match (&format, ts.is_empty()) {
                (Some(f), false) => Some(f.parse(&ts).ok_or_else(|| {
                    format_err(format!(
                        "line {line}: time '{ts}' does not match {}",
                        f.name()
                    ))
                })?),
                _ => None,
            };
            Ok(UserLabel {
                user,
                label,
                known_at_ms,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<UserLabel>, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("labels.csv");
        std::fs::write(&p, text).unwrap();
        read_labels(&p).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_labels_with_and_without_times() {
        let l = read("user,label,ts\nu1,fraud,2026-10-02\nu2,0,\n").unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].label, 1);
        assert_eq!(l[0].known_at_ms, Some(1_790_899_200_000));
        assert_eq!(l[1].known_at_ms, None);
        let l = read("\u{feff}用户ID,标签\n张三,1\n").unwrap();
        assert_eq!(l[0].user, "张三");
    }

    #[test]
    fn bad_lines_name_the_line() {
        let e = read("user,label\nu1,1\nu2,maybe\n").unwrap_err();
        assert!(
            e.contains("labels.csv") && e.contains("line 3") && e.contains("'maybe'"),
            "{e}"
        );
        let e = read("account_name,verdict\nu1,1\n").unwrap_err();
        assert!(e.contains("line 1: no user column"), "{e}");
        let e = read("user,label\n").unwrap_err();
        assert!(e.contains("no labels"), "{e}");
        let e = read("user,label,ts\nu1,1,2026-10-02\nu2,1,garbage\n").unwrap_err();
        assert!(e.contains("line 3: time 'garbage'"), "{e}");
    }
}
