//! Builds a `Plan` from a file's columns and a sample of its rows: the mapping file's choices
//! first, then column names (English and Chinese synonyms), then content.

use std::collections::HashSet;
use std::path::Path;

use super::error::LoadError;
use super::mapping::{
    AMOUNT_NAMES, CATEGORY_NAMES, ENTITY_NAMES, EVENT_NAMES, ITEM_NAMES, LABEL_NAMES, LabelLevel,
    Mapping, TIME_NAMES, USER_NAMES, entity_name, normalise_name,
};
use super::plan::{DEFAULT_EVENT_NAME, EventRole, Plan, Role, TimeRole};
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
    fn sample(&self, c: usize) -> Vec<&str> {
        self.samples[c].iter().map(String::as_str).collect()
    }

    fn mapping_error(&self, detail: String) -> LoadError {
        LoadError::Mapping {
            path: self.path.to_path_buf(),
            detail,
        }
    }

    /// The index of a column named in a mapping: exact, then case-insensitive; a headerless
    /// file's columns are `column_1`, `column_2`, ... or plain 0-based indices.
    fn resolve(&self, role: &str, name: &str) -> Result<usize, LoadError> {
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
struct Claims(HashSet<usize>);

impl Claims {
    fn free(&self, c: usize) -> bool {
        !self.0.contains(&c)
    }
    fn take(&mut self, c: usize) -> usize {
        self.0.insert(c);
        c
    }
}

/// The free column whose normalised name comes earliest in `synonyms`.
fn by_name(head: &Head, claims: &Claims, synonyms: &[&str]) -> Option<usize> {
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

fn non_empty<'a>(values: &[&'a str]) -> Vec<&'a str> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect()
}

fn is_number(v: &str) -> bool {
    v.parse::<f64>().is_ok()
}

fn time_format_for(head: &Head, c: usize, spec: Option<&str>) -> Result<TimeFormat, LoadError> {
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

fn detect_time(
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
fn looks_like_event_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    if values.len() < 2 || values.iter().any(|v| is_number(v)) {
        return false;
    }
    let distinct: HashSet<&str> = values.iter().copied().collect();
    distinct.len() <= 50 && distinct.len() * 2 <= values.len()
}

/// Ids repeat (a user has several events) and are not fractional numbers.
fn looks_like_id_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    if values.is_empty() || values.iter().any(|v| v.contains('.') && is_number(v)) {
        return false;
    }
    let distinct: HashSet<&str> = values.iter().copied().collect();
    distinct.len() < values.len() || values.len() == 1
}

fn looks_like_label_column(values: &[&str]) -> bool {
    let values = non_empty(values);
    !values.is_empty()
        && values
            .iter()
            .filter(|v| super::convert::parse_label(v).is_some())
            .count()
            * 10
            >= values.len() * 9
}

pub fn build_plan(head: &Head, mapping: &Mapping) -> Result<Plan, LoadError> {
    let mut claims = Claims(HashSet::new());
    let mut unsure = Vec::new();

    // Columns the mapping names are claimed first so detection never takes them.
    let extra_columns = mapping
        .extra_events
        .iter()
        .map(|e| Ok(claims.take(head.resolve("extra_events.time", &e.time)?)))
        .collect::<Result<Vec<_>, LoadError>>()?;
    let mapped = |role: &str, name: &Option<String>, claims: &mut Claims| {
        name.as_deref()
            .map(|n| head.resolve(role, n).map(|c| claims.take(c)))
            .transpose()
    };
    let user = mapped("user", &mapping.user, &mut claims)?;
    let time_col = mapped("time", &mapping.time, &mut claims)?;
    let event_col = mapped("event", &mapping.event, &mut claims)?;
    let amount = mapped("amount", &mapping.amount, &mut claims)?;
    let item = mapped("item", &mapping.item, &mut claims)?;
    let category = mapped("category", &mapping.category, &mut claims)?;
    let label_col = mapped("label", &mapping.label, &mut claims)?;
    let entities = match &mapping.entities {
        Some(list) => list
            .iter()
            .map(|n| Ok((entity_name(n), claims.take(head.resolve("entities", n)?))))
            .collect::<Result<Vec<_>, LoadError>>()?,
        None => Vec::new(),
    };

    let time = match time_col {
        Some(c) => TimeRole {
            column: c,
            format: time_format_for(head, c, mapping.time_format.as_deref())?,
            event_name: None,
        },
        None => {
            let mut role = detect_time(head, &mut claims, &mut unsure)?;
            if let Some(spec) = &mapping.time_format {
                role.format = TimeFormat::from_spec(spec).map_err(|e| head.mapping_error(e))?;
            }
            role
        }
    };

    let extra = mapping
        .extra_events
        .iter()
        .zip(extra_columns)
        .map(|(e, c)| {
            // A rare event (a download after a click) may have no value in the head: it is
            // most likely written like the main time.
            let unseen = non_empty(&head.sample(c)).is_empty();
            let format = match (&e.time_format, unseen) {
                (None, true) => time.format.clone(),
                (spec, _) => time_format_for(head, c, spec.as_deref())?,
            };
            Ok(TimeRole {
                column: c,
                format,
                event_name: Some(e.event_name.clone()),
            })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;

    let event = match (event_col, &mapping.event_name) {
        (Some(c), _) => EventRole::Column(c),
        (None, Some(name)) => EventRole::Constant(name.clone()),
        (None, None) => match by_name(head, &claims, EVENT_NAMES) {
            Some(c) => EventRole::Column(claims.take(c)),
            None if !head.has_header => (0..head.columns.len())
                .find(|&c| claims.free(c) && looks_like_event_column(&head.sample(c)))
                .map(|c| {
                    unsure.push(Role::Event);
                    EventRole::Column(claims.take(c))
                })
                .unwrap_or_else(|| EventRole::Constant(DEFAULT_EVENT_NAME.into())),
            None => EventRole::Constant(DEFAULT_EVENT_NAME.into()),
        },
    };

    let user = match user.or_else(|| by_name(head, &claims, USER_NAMES)) {
        Some(c) => claims.take(c),
        None if !head.has_header => {
            // A headerless file's user is most often its leftmost id column.
            let c = (0..head.columns.len())
                .find(|&c| claims.free(c) && looks_like_id_column(&head.sample(c)))
                .ok_or_else(|| LoadError::RoleNotFound {
                    path: head.path.to_path_buf(),
                    role: "user",
                    columns: head.columns.join(", "),
                })?;
            unsure.push(Role::User);
            claims.take(c)
        }
        None => {
            return Err(LoadError::RoleNotFound {
                path: head.path.to_path_buf(),
                role: "user",
                columns: head.columns.join(", "),
            });
        }
    };

    let optional = |given: Option<usize>, synonyms: &[&str], claims: &mut Claims| {
        given.or_else(|| by_name(head, claims, synonyms).map(|c| claims.take(c)))
    };
    let amount = optional(amount, AMOUNT_NAMES, &mut claims);
    let item = optional(item, ITEM_NAMES, &mut claims);
    let category = optional(category, CATEGORY_NAMES, &mut claims);
    let label_col = label_col.or_else(|| {
        by_name(head, &claims, LABEL_NAMES)
            .filter(|&c| looks_like_label_column(&head.sample(c)))
            .map(|c| claims.take(c))
    });
    let label = label_col.map(|c| (c, mapping.label_level.unwrap_or(LabelLevel::Event)));

    let entities = if mapping.entities.is_some() {
        entities
    } else {
        let synonyms: Vec<&str> = ENTITY_NAMES.iter().map(|(s, _)| *s).collect();
        let found: Vec<usize> = (0..head.columns.len())
            .filter(|&c| {
                head.has_header
                    && claims.free(c)
                    && synonyms.contains(&normalise_name(&head.columns[c]).as_str())
            })
            .collect();
        found
            .into_iter()
            .map(|c| (entity_name(&head.columns[c]), claims.take(c)))
            .collect()
    };

    let attributes = (0..head.columns.len())
        .filter(|&c| claims.free(c))
        .collect();
    Ok(Plan {
        columns: head.columns.clone(),
        user,
        time,
        extra,
        event,
        amount,
        item,
        category,
        entities,
        label,
        attributes,
        unsure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head<'a>(path: &'a Path, columns: &[&str], rows: &[&[&str]], has_header: bool) -> Head<'a> {
        Head {
            path,
            columns: columns.iter().map(|s| s.to_string()).collect(),
            samples: (0..columns.len())
                .map(|c| rows.iter().map(|r| r[c].to_string()).collect())
                .collect(),
            has_header,
        }
    }

    #[test]
    fn chinese_names_map_to_roles() {
        let p = Path::new("x.csv");
        let h = head(
            p,
            &["用户ID", "时间", "行为", "金额", "设备"],
            &[
                &["u1", "2024-01-01 10:00:00", "浏览", "", "d1"],
                &["u1", "2024-01-01 10:01:00", "下单", "9.9", "d1"],
            ],
            true,
        );
        let plan = build_plan(&h, &Mapping::default()).unwrap();
        assert_eq!((plan.user, plan.time.column), (0, 1));
        assert_eq!(plan.event, EventRole::Column(2));
        assert_eq!(plan.amount, Some(3));
        assert_eq!(plan.entities, vec![("device".to_string(), 4)]);
        assert!(plan.unsure.is_empty());
    }

    #[test]
    fn headerless_taobao_is_read_from_content() {
        let p = Path::new("t.csv");
        let h = head(
            p,
            &["column_1", "column_2", "column_3", "column_4", "column_5"],
            &[
                &["1", "2268318", "2520377", "pv", "1511544070"],
                &["1", "2333346", "2520771", "pv", "1511561733"],
                &["2", "2576651", "149192", "buy", "1511572885"],
                &["2", "2576651", "149192", "pv", "1511572890"],
            ],
            false,
        );
        let plan = build_plan(&h, &Mapping::default()).unwrap();
        assert_eq!(plan.time.column, 4);
        assert_eq!(plan.time.format, TimeFormat::EpochSeconds);
        assert_eq!(plan.event, EventRole::Column(3));
        assert_eq!(plan.user, 0);
        assert!(plan.unsure.contains(&Role::User));
    }

    #[test]
    fn missing_user_column_is_a_clear_error() {
        let p = Path::new("clicks.csv");
        let h = head(
            p,
            &["ip", "click_time"],
            &[&["1", "2017-11-07 09:30:38"]],
            true,
        );
        let err = build_plan(&h, &Mapping::default()).unwrap_err().to_string();
        assert!(
            err.contains("clicks.csv") && err.contains("no user column"),
            "{err}"
        );
    }

    #[test]
    fn mapping_naming_a_missing_column_is_an_error() {
        let p = Path::new("a.csv");
        let h = head(p, &["user", "ts"], &[&["u", "2017-11-07 09:30:38"]], true);
        let m = Mapping {
            amount: Some("price".into()),
            ..Default::default()
        };
        let err = build_plan(&h, &m).unwrap_err().to_string();
        assert!(err.contains("amount = \"price\""), "{err}");
    }
}
