//! Labels in and out of a workspace as CSV: export writes `user,label,author,ts,note` (the
//! latest verdict per account); import reads `user,label[,author][,ts][,note]`.

use std::path::Path;

use super::case::{ImportedLabel, Verdict};
use super::clock::now_ms;
use super::error::{CaseError, file_error};
use super::workspace::{Guard, Imported, Workspace};
use crate::log::timeparse::{self, format_rfc3339};
use crate::log::{LABEL_NAMES, USER_NAMES, field, read_user_csv};

/// Writes every account with a verdict; returns how many.
pub fn export_labels(ws: &Workspace, out: &Path) -> Result<usize, CaseError> {
    let mut w =
        csv::Writer::from_path(out).map_err(|e| file_error(out, format!("cannot write: {e}")))?;
    let write_err = |e: csv::Error| file_error(out, format!("cannot write: {e}"));
    w.write_record(["user", "label", "author", "ts", "note"])
        .map_err(write_err)?;
    let mut n = 0;
    for c in ws.cases()? {
        let Some(v) = c.verdict else { continue };
        w.write_record([
            c.user.as_str(),
            v.name(),
            &c.author,
            &format_rfc3339(c.ts_ms),
            &c.note,
        ])
        .map_err(write_err)?;
        n += 1;
    }
    w.flush()
        .map_err(|e| file_error(out, format!("cannot write: {e}")))?;
    Ok(n)
}

/// Reads a labels file and adds its labels to the workspace as imported; a bad line stops the
/// import before anything is written, naming the line. Unless `overwrite`, an account another
/// analyst decided within the workspace's recent-decision minutes, or holds now, keeps their
/// decision and is named among the skipped.
pub fn import_labels(
    ws: &mut Workspace,
    path: &Path,
    default_author: &str,
    overwrite: bool,
) -> Result<Imported, CaseError> {
    let csv = read_user_csv(path)?;
    let (Some(user_col), Some(label_col)) = (csv.column(USER_NAMES), csv.column(LABEL_NAMES))
    else {
        return Err(file_error(
            path,
            format!(
                "line 1: expected a header with user and label columns, found [{}]",
                csv.header().join(", ")
            ),
        ));
    };
    let (author_col, ts_col, note_col) = (
        csv.column(&["author"]),
        csv.column(&["ts"]),
        csv.column(&["note"]),
    );
    let mut items = Vec::new();
    for (line, r) in csv.records() {
        let user = field(r, Some(user_col));
        if user.is_empty() {
            return Err(file_error(path, format!("line {line}: the user is empty")));
        }
        let raw = field(r, Some(label_col));
        let verdict = Verdict::parse(raw).ok_or_else(|| {
            file_error(
                path,
                format!("line {line}: label '{raw}' is not fraud/legit/unsure or 1/0"),
            )
        })?;
        let ts = field(r, ts_col);
        let ts_ms = match ts.is_empty() {
            true => None,
            false => Some(
                timeparse::parse_instant(ts)
                    .map_err(|e| file_error(path, format!("line {line}: {e}")))?,
            ),
        };
        let author = field(r, author_col);
        items.push(ImportedLabel {
            user: user.to_string(),
            verdict,
            author: if author.is_empty() {
                default_author.to_string()
            } else {
                author.to_string()
            },
            note: field(r, note_col).to_string(),
            ts_ms,
        });
    }
    let guard = match overwrite {
        true => Guard::Overwrite,
        false => Guard::AskFirst {
            decided_after_ms: now_ms() - ws.recent_decision_ms(default_author)?,
            holder: default_author,
        },
    };
    ws.import_verdicts(&items, guard)
}
