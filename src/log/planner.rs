//! Building a `Plan` from the head of a file, one role at a time: the mapping file's choices
//! are claimed first, then the time, event, user, optional and entity columns are found by
//! name (English and Chinese synonyms) or content (`detect`), and what is left is kept as
//! attributes. A role found with doubt is noted, and the window asks about it.

use super::detect::{
    Claims, Head, by_name, detect_time, looks_like_event_column, looks_like_id_column,
    looks_like_label_column, non_empty, time_format_for,
};
use super::error::LoadError;
use super::mapping::{
    AMOUNT_NAMES, CATEGORY_NAMES, ENTITY_NAMES, EVENT_NAMES, ITEM_NAMES, LABEL_NAMES, LabelLevel,
    Mapping, USER_NAMES, entity_name, normalise_name,
};
use super::plan::{DEFAULT_EVENT_NAME, EventRole, Plan, Role, TimeRole};
use super::timeparse::TimeFormat;

/// The columns the mapping names, claimed before anything is detected.
struct Given {
    extra: Vec<usize>,
    user: Option<usize>,
    time: Option<usize>,
    event: Option<usize>,
    amount: Option<usize>,
    item: Option<usize>,
    category: Option<usize>,
    label: Option<usize>,
    entities: Option<Vec<(String, usize)>>,
}

/// A plan being built: the head, the mapping, the columns taken so far, the roles in doubt.
struct Planner<'a> {
    head: &'a Head<'a>,
    mapping: &'a Mapping,
    claims: Claims,
    unsure: Vec<Role>,
}

pub fn build_plan(head: &Head, mapping: &Mapping) -> Result<Plan, LoadError> {
    let mut p = Planner {
        head,
        mapping,
        claims: Claims::default(),
        unsure: Vec::new(),
    };
    let given = p.claim_mapped()?;
    let time = p.time(given.time)?;
    let extra = p.extra_times(&given.extra, &time)?;
    let event = p.event(given.event);
    let user = p.user(given.user)?;
    let amount = p.optional(given.amount, AMOUNT_NAMES);
    let item = p.optional(given.item, ITEM_NAMES);
    let category = p.optional(given.category, CATEGORY_NAMES);
    let label = p.label(given.label);
    let entities = p.entities(given.entities);
    let attributes = (0..head.columns.len())
        .filter(|&c| p.claims.free(c))
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
        unsure: p.unsure,
    })
}

impl Planner<'_> {
    /// Claims the columns the mapping names, so detection never takes them.
    fn claim_mapped(&mut self) -> Result<Given, LoadError> {
        let (head, mapping) = (self.head, self.mapping);
        let claims = &mut self.claims;
        let extra = mapping
            .extra_events
            .iter()
            .map(|e| Ok(claims.take(head.resolve("extra_events.time", &e.time)?)))
            .collect::<Result<Vec<_>, LoadError>>()?;
        let mut mapped = |role: &str, name: &Option<String>| {
            name.as_deref()
                .map(|n| head.resolve(role, n).map(|c| claims.take(c)))
                .transpose()
        };
        let user = mapped("user", &mapping.user)?;
        let time = mapped("time", &mapping.time)?;
        let event = mapped("event", &mapping.event)?;
        let amount = mapped("amount", &mapping.amount)?;
        let item = mapped("item", &mapping.item)?;
        let category = mapped("category", &mapping.category)?;
        let label = mapped("label", &mapping.label)?;
        let entities = match &mapping.entities {
            Some(list) => Some(
                list.iter()
                    .map(|n| Ok((entity_name(n), claims.take(head.resolve("entities", n)?))))
                    .collect::<Result<Vec<_>, LoadError>>()?,
            ),
            None => None,
        };
        Ok(Given {
            extra,
            user,
            time,
            event,
            amount,
            item,
            category,
            label,
            entities,
        })
    }

    /// The main time: the mapped column in its given or detected format, else detected.
    fn time(&mut self, given: Option<usize>) -> Result<TimeRole, LoadError> {
        let (head, mapping) = (self.head, self.mapping);
        match given {
            Some(c) => Ok(TimeRole {
                column: c,
                format: time_format_for(head, c, mapping.time_format.as_deref())?,
                event_name: None,
            }),
            None => {
                let mut role = detect_time(head, &mut self.claims, &mut self.unsure)?;
                if let Some(spec) = &mapping.time_format {
                    role.format = TimeFormat::from_spec(spec).map_err(|e| head.mapping_error(e))?;
                }
                Ok(role)
            }
        }
    }

    /// The further events of a row (`[[extra_events]]`), at their claimed `columns`.
    fn extra_times(&self, columns: &[usize], main: &TimeRole) -> Result<Vec<TimeRole>, LoadError> {
        let head = self.head;
        self.mapping
            .extra_events
            .iter()
            .zip(columns)
            .map(|(e, &c)| {
                // A rare event (a download after a click) may have no value in the head: it is
                // most likely written like the main time.
                let unseen = non_empty(&head.sample(c)).is_empty();
                let format = match (&e.time_format, unseen) {
                    (None, true) => main.format.clone(),
                    (spec, _) => time_format_for(head, c, spec.as_deref())?,
                };
                Ok(TimeRole {
                    column: c,
                    format,
                    event_name: Some(e.event_name.clone()),
                })
            })
            .collect()
    }

    /// The event type: the mapped column or name, a column named like one, in a headerless
    /// file a column that reads like one (in doubt), else one name for every row.
    fn event(&mut self, given: Option<usize>) -> EventRole {
        let head = self.head;
        match (given, &self.mapping.event_name) {
            (Some(c), _) => EventRole::Column(c),
            (None, Some(name)) => EventRole::Constant(name.clone()),
            (None, None) => match by_name(head, &self.claims, EVENT_NAMES) {
                Some(c) => EventRole::Column(self.claims.take(c)),
                None if !head.has_header => {
                    let found = (0..head.columns.len())
                        .find(|&c| self.claims.free(c) && looks_like_event_column(&head.sample(c)));
                    match found {
                        Some(c) => {
                            self.unsure.push(Role::Event);
                            EventRole::Column(self.claims.take(c))
                        }
                        None => EventRole::Constant(DEFAULT_EVENT_NAME.into()),
                    }
                }
                None => EventRole::Constant(DEFAULT_EVENT_NAME.into()),
            },
        }
    }

    /// The user: the mapped column, one named like it, or in a headerless file its leftmost id
    /// column (in doubt); without one the log cannot be read.
    fn user(&mut self, given: Option<usize>) -> Result<usize, LoadError> {
        let head = self.head;
        let not_found = || LoadError::RoleNotFound {
            path: head.path.to_path_buf(),
            role: "user",
            columns: head.columns.join(", "),
        };
        match given.or_else(|| by_name(head, &self.claims, USER_NAMES)) {
            Some(c) => Ok(self.claims.take(c)),
            None if !head.has_header => {
                let c = (0..head.columns.len())
                    .find(|&c| self.claims.free(c) && looks_like_id_column(&head.sample(c)))
                    .ok_or_else(not_found)?;
                self.unsure.push(Role::User);
                Ok(self.claims.take(c))
            }
            None => Err(not_found()),
        }
    }

    /// An optional role: the mapped column, else one named like it.
    fn optional(&mut self, given: Option<usize>, synonyms: &[&str]) -> Option<usize> {
        given.or_else(|| by_name(self.head, &self.claims, synonyms).map(|c| self.claims.take(c)))
    }

    /// The label: the mapped column, else one named like it whose values read as labels.
    fn label(&mut self, given: Option<usize>) -> Option<(usize, LabelLevel)> {
        let head = self.head;
        let column = given.or_else(|| {
            by_name(head, &self.claims, LABEL_NAMES)
                .filter(|&c| looks_like_label_column(&head.sample(c)))
                .map(|c| self.claims.take(c))
        });
        column.map(|c| (c, self.mapping.label_level.unwrap_or(LabelLevel::Event)))
    }

    /// The entity columns: the mapping's list, else every free column named like an entity.
    fn entities(&mut self, given: Option<Vec<(String, usize)>>) -> Vec<(String, usize)> {
        if let Some(given) = given {
            return given;
        }
        let head = self.head;
        let synonyms: Vec<&str> = ENTITY_NAMES.iter().map(|(s, _)| *s).collect();
        let found: Vec<usize> = (0..head.columns.len())
            .filter(|&c| {
                head.has_header
                    && self.claims.free(c)
                    && synonyms.contains(&normalise_name(&head.columns[c]).as_str())
            })
            .collect();
        found
            .into_iter()
            .map(|c| (entity_name(&head.columns[c]), self.claims.take(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

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
