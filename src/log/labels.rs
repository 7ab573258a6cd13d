//! Labels files: CSV `user,label[,ts]` from `--labels` or an analyst's export. Labels are ground
//! truth, so a bad line is an error naming the file and the line, not a row to skip.

use std::path::Path;

use super::convert::parse_label;
use super::error::LoadError;
use super::label::Label;
use super::mapping::{LABEL_NAMES, TIME_NAMES, USER_NAMES};
use super::timeparse::{self, TimeFormat};
use super::user_csv::{field, read_user_csv};

/// One user's label, and when it became known when the file says so.
#[derive(Clone, Debug, PartialEq)]
pub struct UserLabel {
    pub user: String,
    /// Fraud or legit (a labels file has no unknown labels).
    pub label: Label,
    pub known_at_ms: Option<i64>,
}

pub fn read_labels(path: &Path) -> Result<Vec<UserLabel>, LoadError> {
    let csv = read_user_csv(path)?;
    let expected = "user,label[,ts]";
    let user_col = csv.require("user", USER_NAMES, expected)?;
    let label_col = csv.require("label", LABEL_NAMES, expected)?;
    let ts_col = csv.column(TIME_NAMES);
    let format_err = |detail: String| csv.error(detail);

    let mut rows = Vec::new();
    for (line, record) in csv.records() {
        let user = field(record, Some(user_col));
        if user.is_empty() {
            return Err(format_err(format!("line {line}: the user is empty")));
        }
        let raw = field(record, Some(label_col));
        let label = match parse_label(raw) {
            Some(l @ (Label::Fraud | Label::Legit)) => l,
            _ => {
                return Err(format_err(format!(
                    "line {line}: label '{raw}' is not 1/0, true/false or fraud/legit"
                )));
            }
        };
        rows.push((
            line,
            user.to_string(),
            label,
            field(record, ts_col).to_string(),
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
        assert_eq!(l[0].label, Label::Fraud);
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
