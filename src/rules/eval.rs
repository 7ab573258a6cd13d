//! A parsed rule bound to a dataset's features, and which accounts it hits. A rule over
//! account features only is read once per account; one that reads an event feature is read
//! once per event (account features taking the event's account's values) and hits an account
//! when any of its events matches.

use super::expr::{Cmp, Expr, ParseError};
use crate::features::Dataset;
use crate::log::NULL_CODE;

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
    And(Box<Bound>, Box<Bound>),
    Or(Box<Bound>, Box<Bound>),
    Not(Box<Bound>),
}

impl Bound {
    fn holds(&self, account: &[f32], event: &[f32]) -> bool {
        match self {
            Bound::Compare { column, cmp, value } => {
                let v = match *column {
                    Column::Account(j) => account[j],
                    Column::Event(j) => event[j],
                };
                cmp.holds(v, *value)
            }
            Bound::And(a, b) => a.holds(account, event) && b.holds(account, event),
            Bound::Or(a, b) => a.holds(account, event) || b.holds(account, event),
            Bound::Not(a) => !a.holds(account, event),
        }
    }

    fn reads_events(&self) -> bool {
        match self {
            Bound::Compare { column, .. } => matches!(column, Column::Event(_)),
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

/// Binds `expr` to the features of `data`; a name that is neither an account nor an event
/// feature is an error at its position.
pub fn bind(expr: &Expr, data: &Dataset) -> Result<BoundRule, ParseError> {
    Ok(BoundRule {
        bound: bind_expr(expr, data)?,
    })
}

fn bind_expr(expr: &Expr, data: &Dataset) -> Result<Bound, ParseError> {
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
        Expr::And(a, b) => Bound::And(Box::new(bind_expr(a, data)?), Box::new(bind_expr(b, data)?)),
        Expr::Or(a, b) => Bound::Or(Box::new(bind_expr(a, data)?), Box::new(bind_expr(b, data)?)),
        Expr::Not(a) => Bound::Not(Box::new(bind_expr(a, data)?)),
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
                *h = self.bound.holds(data.account.values.row(u), &[]);
            }
            return hit;
        }
        let event_users = data.event_users();
        for (r, e) in data.featured_events().into_iter().enumerate() {
            let u = event_users[e];
            if u == NULL_CODE || hit[u as usize] {
                continue;
            }
            let account = data.account.values.row(u as usize);
            if self.bound.holds(account, data.events.values.row(r)) {
                hit[u as usize] = true;
            }
        }
        hit
    }
}
