//! A parsed rule bound to a dataset's features, and which accounts it hits. A rule over
//! account features only is read once per account; one that reads an event feature is read
//! once per event (account features taking the event's account's values) and hits an account
//! when any of its events matches.

use super::expr::{Cmp, Expr, ParseError};
use super::lists::{ListEntry, list_hits, list_roles, role_column};
use crate::features::Dataset;
use crate::log::UserCode;

/// Where a comparison's value comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Column {
    Account(usize),
    Event(usize),
}

#[derive(Clone, Debug, PartialEq)]
enum Bound {
    Compare {
        column: Column,
        cmp: Cmp,
        value: f32,
    },
    /// Per account: whether one of its events carries a listed value of the role.
    Listed(Vec<bool>),
    And(Box<Bound>, Box<Bound>),
    Or(Box<Bound>, Box<Bound>),
    Not(Box<Bound>),
}

/// One row being judged: the account (its code and features) and, for a rule that reads
/// events, the event's features.
struct Row<'a> {
    user: usize,
    account: &'a [f32],
    event: &'a [f32],
}

impl Bound {
    fn holds(&self, row: &Row) -> bool {
        let (account, event) = (row.account, row.event);
        match self {
            Bound::Compare { column, cmp, value } => {
                let v = match *column {
                    Column::Account(j) => account[j],
                    Column::Event(j) => event[j],
                };
                cmp.holds(v, *value)
            }
            Bound::Listed(hit) => hit[row.user],
            Bound::And(a, b) => a.holds(row) && b.holds(row),
            Bound::Or(a, b) => a.holds(row) || b.holds(row),
            Bound::Not(a) => !a.holds(row),
        }
    }

    fn reads_events(&self) -> bool {
        match self {
            Bound::Compare { column, .. } => matches!(column, Column::Event(_)),
            Bound::Listed(_) => false,
            Bound::And(a, b) | Bound::Or(a, b) => a.reads_events() || b.reads_events(),
            Bound::Not(a) => a.reads_events(),
        }
    }
}

/// A rule ready to run on one dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundRule {
    bound: Bound,
}

/// Binds `expr` to the features of `data` and the analyst's `lists`; a name that is neither
/// an account nor an event feature (or, before `in`, an entity role of the log) is an error at
/// its position.
pub fn bind(expr: &Expr, data: &Dataset, lists: &[ListEntry]) -> Result<BoundRule, ParseError> {
    Ok(BoundRule {
        bound: bind_expr(expr, data, lists)?,
    })
}

fn bind_expr(expr: &Expr, data: &Dataset, lists: &[ListEntry]) -> Result<Bound, ParseError> {
    let bind = |e: &Expr| bind_expr(e, data, lists).map(Box::new);
    Ok(match expr {
        Expr::Compare {
            feature,
            at,
            cmp,
            value,
        } => {
            let find = |specs: &[crate::features::FeatureSpec]| {
                specs
                    .iter()
                    .position(|s| s.name.eq_ignore_ascii_case(feature))
            };
            let column = match (find(&data.account.specs), find(&data.events.specs)) {
                (Some(j), _) => Column::Account(j),
                (None, Some(j)) => Column::Event(j),
                (None, None) => {
                    return Err(ParseError {
                        position: *at,
                        message: format!(
                            "`{feature}` is not a feature of this log{}",
                            suggestion(feature, data)
                        ),
                    });
                }
            };
            Bound::Compare {
                column,
                cmp: *cmp,
                value: *value,
            }
        }
        Expr::InList { role, at, list } => {
            if role_column(&data.log, role).is_none() {
                return Err(ParseError {
                    position: *at,
                    message: format!(
                        "`{role}` is not an entity of this log (it has {})",
                        list_roles(&data.log).join(", ")
                    ),
                });
            }
            let entries: Vec<ListEntry> = lists
                .iter()
                .filter(|e| e.kind == *list && e.role.eq_ignore_ascii_case(role))
                .cloned()
                .collect();
            let hits = list_hits(&entries, &data.log);
            Bound::Listed(hits.into_iter().map(|h| !h.is_empty()).collect())
        }
        Expr::And(a, b) => Bound::And(bind(a)?, bind(b)?),
        Expr::Or(a, b) => Bound::Or(bind(a)?, bind(b)?),
        Expr::Not(a) => Bound::Not(bind(a)?),
    })
}

/// " (did you mean `n:pay_fail`?)": the feature sharing the longest run of characters with
/// the typed name (at least 4), the shorter name on a tie.
fn suggestion(typed: &str, data: &Dataset) -> String {
    let typed: Vec<char> = typed.to_lowercase().chars().collect();
    data.account
        .specs
        .iter()
        .chain(&data.events.specs)
        .map(|s| {
            let name: Vec<char> = s.name.to_lowercase().chars().collect();
            (
                longest_common_run(&typed, &name),
                std::cmp::Reverse(name.len()),
                &s.name,
            )
        })
        .filter(|(run, _, _)| *run >= 4)
        .max()
        .map(|(_, _, name)| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

/// The length of the longest run of characters `a` and `b` share.
fn longest_common_run(a: &[char], b: &[char]) -> usize {
    let mut best = 0;
    let mut previous = vec![0usize; b.len() + 1];
    for &x in a {
        let mut row = vec![0usize; b.len() + 1];
        for (j, &y) in b.iter().enumerate() {
            if x == y {
                row[j + 1] = previous[j] + 1;
                best = best.max(row[j + 1]);
            }
        }
        previous = row;
    }
    best
}

impl BoundRule {
    /// Per account: whether the rule hits it.
    pub fn hits(&self, data: &Dataset) -> Vec<bool> {
        let users = data.users();
        let mut hit = vec![false; users];
        if !self.bound.reads_events() {
            for (u, h) in hit.iter_mut().enumerate() {
                let row = Row {
                    user: u,
                    account: data.account.values.row(u),
                    event: &[],
                };
                *h = self.bound.holds(&row);
            }
            return hit;
        }
        for (r, e) in data.featured_events().into_iter().enumerate() {
            let Some(u) = data.log.user_of(e).map(UserCode::index) else {
                continue;
            };
            if hit[u] {
                continue;
            }
            let row = Row {
                user: u,
                account: data.account.values.row(u),
                event: data.events.values.row(r),
            };
            if self.bound.holds(&row) {
                hit[u] = true;
            }
        }
        hit
    }
}
