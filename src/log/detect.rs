//! What a file's head says about its columns: a column's name against the role synonyms, and
//! its sample values read as times, ids, event types or labels. `planner` builds the plan
//! from these.

use std::collections::HashSet;
use std::path::Path;

use super::error::LoadError;
use super::mapping::{TIME_NAMES, normalise_name};
use super::plan::{Role, TimeRole};
use super::timeparse::{self, TimeFormat};

/// Column names and sample values (column-major) from the head of a file.
pub struct Head<'a> {
    pub path: &'a Path,
    pub columns: Vec<String>,
    /// `samples[c]` holds column `c`'s values in the first rows.
    pub samples: Vec<Vec<String>>,
    pub has_header: bool,
}

impl Head<'_> {
    pub(super) fn sample(&self, c: usize) -> Vec<&str> {
        self.samples[c].iter().map(String::as_str).collect()
    }

    pub(super) fn mapping_error(&self, detail: String) -> LoadError {
        LoadError::Mapping {
            path: self.path.to_path_buf(),
            detail,
        }
    }

    /// The index of a column named in a mapping: exact, then case-insensitive; a headerless
    /// file's columns are `column_1`, `column_2`, ... or plain 0-based indices.
    pub(super) fn resolve(&self, role: &str, name: &str) -> Result<usize, LoadError> {
        let found = self
            .columns
            .iter()
            .position(|c| c == name)
            .or_else(|| {
                self.columns
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(name))
            })
            .or_else(|| {
                name.parse::<usize>()
                    .ok()
                    .filter(|&i| !self.has_header && i < self.columns.len())
            });
        found.ok_or_else(|| {
            self.mapping_error(format!(
                "{role} = \"{name}\" names no column of the log (columns: {})",
                self.columns.join(", ")
            ))
        })
    }
}

/// Which columns are already taken by a role.
#[derive(Default)]
pub(super) struct Claims(HashSet<usize>);

impl Claims {
    pub(super) fn free(&self, c: usize) -> bool {
        !self.0.contains(&c)
    }
    pub(super) fn take(&mut self, c: usize) -> usize {
        self.0.insert(c);
        c
    }
}

/// The free column whose normalised name comes earliest in `synonyms`.
pub(super) fn by_name(head: &Head, claims: &Claims, synonyms: &[&str]) -> Option<usize> {
    if !head.has_header {
        return None;
    }
    let names: Vec<String> = head.columns.iter().map(|c| normalise_name(c)).collect();
    synonyms.iter().find_map(|syn| {
        names
            .iter()
            .enumerate()
            .find(|(c, n)| claims.free(*c) && n == syn)
            .map(|(c, _)| c)
    })
}

pub(super) fn non_empty<'a>(values: &[&'a str]) -> Vec<&'a str> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect()
}

fn is_number(v: &str) -> bool {
    v.parse::<f64>().is_ok()
}

pub(super) fn time_format_for(
    head: &Head,
    c: usize,
    spec: Option<&str>,
) -> Result<TimeFormat, LoadError> {
    if let Some(spec) = spec {
        return TimeFormat::from_spec(spec).map_err(|e| head.mapping_error(e));
    }
    timeparse::detect(&head.sample(c), true).ok_or_else(|| LoadError::TimeFormat {
        path: head.path.to_path_buf(),
        column: head.columns[c].clone(),
        example: non_empty(&head.sample(c))
            .first()
            .copied()
            .unwrap_or("")
            .to_string(),
    })
}

/// A name that says "time" without being a listed synonym (`signup_time`, `updated_at`, `日期`).
fn looks_like_time_name(name: &str) -> bool {
    let n = normalise_name(name);
    TIME_NAMES.contains(&n.as_str())
        || ["time", "date", "时间", "日期"]
            .iter()
            .any(|k| n.contains(k))
        || name.to_lowercase().ends_with("_at")
}

pub(super) fn detect_time(
    head: &Head,
    claims: &mut Claims,
    unsure: &mut Vec<Role>,
) -> Result<TimeRole, LoadError> {
    let role = |column, format| TimeRole {
        column,
        format,
        event_name: None,
    };
    // Listed synonyms in their order of preference, then any other time-like name.
    let mut candidates: Vec<usize> = Vec::new();
    if head.has_header {
        let names: Vec<String> = head.columns.iter().map(|c| normalise_name(c)).collect();
        for syn in TIME_NAMES {
            candidates.extend((0..names.len()).filter(|&c| names[c] == *syn && claims.free(c)));
        }
        let loose: Vec<usize> = (0..names.len())
            .filter(|&c| claims.free(c) && looks_like_time_name(&head.columns[c]))
            .filter(|c| !candidates.contains(c))
            .collect();
        candidates.extend(loose);
    }
    if candidates.len() > 1 {
        unsure.push(Role::Time);
    }
    let mut name_error = None;
    for &c in &candidates {
        match time_format_for(head, c, None) {
            Ok(f) => return Ok(role(claims.take(c), f)),
            Err(e) => {
                name_error.get_or_insert(e);
            }
        }
    }
    // By content: a column of datetime strings anywhere, or epoch numbers in a headerless file.
    for c in (0..head.columns.len()).filter(|&c| claims.free(c)) {
        if let Some(f) = timeparse::detect(&head.sample(c), !head.has_header) {
            unsure.push(Role::Time);
            return Ok(role(claims.take(c), f));
        }
    }
    // A column named like a time whose values are not: say so, rather than "no time column".
    if let Some(e) = name_error {
        return Err(e);
    }
    Err(LoadError::RoleNotFound {
        path: head.path.to_path_buf(),
        role: "time",
        columns: head.columns.join(", "),
    })
}

/// A short list of words repeated over and over: pv/buy/cart/fav, login/view/order, ...
pub(super) fn looks_like_event_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    if values.len() < 2 || values.iter().any(|v| is_number(v)) {
        return false;
    }
    let distinct: HashSet<&str> = values.iter().copied().collect();
    distinct.len() <= 50 && distinct.len() * 2 <= values.len()
}

/// Ids repeat (a user has several events) and are not fractional numbers.
pub(super) fn looks_like_id_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    if values.is_empty() || values.iter().any(|v| v.contains('.') && is_number(v)) {
        return false;
    }
    let distinct: HashSet<&str> = values.iter().copied().collect();
    distinct.len() < values.len() || values.len() == 1
}

pub(super) fn looks_like_label_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    !values.is_empty()
        && values
            .iter()
            .filter(|v| super::convert::parse_label(v).is_some())
            .count()
            * 10
            >= values.len() * 9
}
