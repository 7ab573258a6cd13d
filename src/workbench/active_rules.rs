//! The saved rules and allow/block lists bound to the open log: which accounts each hits, and
//! the risk they give. Also what backtesting one expression on a dataset means.

use crate::detect::{Reason, Risk, Says};
use crate::features::Dataset;
use crate::log::{Label, UserCode};
use crate::rules::{
    Backtest, ListEntry, ListKind, ParseError, Rule, RuleAction, apply_rules, backtest, bind,
    list_hits, parse,
};

/// Which accounts `expression` hits in `data`, with `lists` for its `in` tests.
pub fn rule_hits(
    data: &Dataset,
    expression: &str,
    lists: &[ListEntry],
) -> std::result::Result<Vec<bool>, ParseError> {
    Ok(bind(&parse(expression)?, data, lists)?.hits(data))
}

/// Backtests `expression` on every account of `data` against `labels` and the model's
/// `flagged` accounts.
pub fn test_rule(
    data: &Dataset,
    expression: &str,
    lists: &[ListEntry],
    labels: &[Label],
    flagged: &[bool],
) -> std::result::Result<Backtest, ParseError> {
    Ok(backtest(
        &rule_hits(data, expression, lists)?,
        labels,
        flagged,
    ))
}

/// The saved rules and lists with the accounts each hits in the open log.
#[derive(Default)]
pub struct ActiveRules {
    /// The latest version of every rule, by name.
    pub rules: Vec<Rule>,
    /// Per rule (same order): per account, whether it hits; empty for a rule that is off or
    /// does not fit this log.
    hits: Vec<Vec<bool>>,
    /// Rules that do not fit this log (a feature it lacks), with why.
    pub unusable: Vec<(String, String)>,
    /// Every allow and block list entry of the workspace.
    pub lists: Vec<ListEntry>,
    /// Per account: the entries (indices into `lists`) its events carry.
    listed: Vec<Vec<usize>>,
}

impl ActiveRules {
    pub fn new(rules: Vec<Rule>, lists: Vec<ListEntry>, data: &Dataset) -> Self {
        let mut unusable = Vec::new();
        let hits = rules
            .iter()
            .map(|r| {
                if !r.enabled {
                    return Vec::new();
                }
                rule_hits(data, &r.expression, &lists).unwrap_or_else(|e| {
                    unusable.push((r.name.clone(), e.to_string()));
                    Vec::new()
                })
            })
            .collect();
        let listed = list_hits(&lists, &data.log);
        Self {
            rules,
            hits,
            unusable,
            lists,
            listed,
        }
    }

    /// The list entries account `u`'s events carry.
    pub fn listed(&self, u: UserCode) -> impl Iterator<Item = &ListEntry> {
        self.listed
            .get(u.index())
            .into_iter()
            .flatten()
            .map(|&i| &self.lists[i])
    }

    /// The enabled rules hitting account `u`.
    pub fn hitting(&self, u: UserCode) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .zip(&self.hits)
            .filter(move |(_, h)| h.get(u.index()).copied().unwrap_or(false))
            .map(|(r, _)| r)
    }

    /// How many accounts the rule `i` hits now (0 when off).
    pub fn hit_count(&self, i: usize) -> usize {
        self.hits
            .get(i)
            .map_or(0, |h| h.iter().filter(|&&x| x).count())
    }

    /// The model's risk for `u` with the rules hitting it applied, and its listed values: a
    /// blocked value makes the account high risk, an allowed one clears it.
    pub fn risk(&self, u: UserCode, model_risk: Risk) -> Risk {
        let from_lists = self.listed(u).map(|e| match e.kind {
            ListKind::Block => RuleAction::FlagHigh,
            ListKind::Allow => RuleAction::Allow,
        });
        apply_rules(
            model_risk,
            self.hitting(u).map(|r| r.action).chain(from_lists),
        )
    }

    /// The reasons the lists and rules hitting `u` give, first among its reasons.
    pub fn reasons(&self, u: UserCode) -> Vec<Reason> {
        let listed = self.listed(u).map(|e| Reason {
            feature: format!("list:{}", e.role),
            says: Says::Listed {
                kind: e.kind,
                role: e.role.clone(),
                value: e.value.clone(),
            },
            deviation: match e.kind {
                ListKind::Allow => f32::NEG_INFINITY,
                ListKind::Block => f32::INFINITY,
            },
        });
        let ruled = self.hitting(u).map(|r| Reason {
            feature: format!("rule:{}", r.name),
            says: Says::Rule {
                name: r.name.clone(),
                action: r.action,
                expression: r.expression.clone(),
            },
            deviation: match r.action {
                RuleAction::Allow => f32::NEG_INFINITY,
                _ => f32::INFINITY,
            },
        });
        listed.chain(ruled).collect()
    }
}
