//! Rules in a session: a rule's backtest while it is edited, saving and switching rules, and
//! applying them to the open log.

use super::super::active_rules::{ActiveRules, test_rule};
use super::super::error::Result;
use super::Triage;
use crate::rules::{Backtest, ListEntry, ParseError, Rule};

impl Triage {
    /// Backtests `expression` on the whole log against the labels shown now and the
    /// accounts the model flags at the suspicious threshold.
    pub fn backtest_rule(&self, expression: &str) -> std::result::Result<Backtest, ParseError> {
        let scores = &self.session.model.scores.user;
        let flagged: Vec<bool> = scores
            .iter()
            .map(|&s| s >= self.thresholds.suspicious)
            .collect();
        test_rule(
            &self.session.data,
            expression,
            &self.rules.lists,
            self.labels(),
            &flagged,
        )
    }

    /// Saves `rule` as a new version in the workspace and applies the saved rules to the queue.
    pub fn save_rule(&mut self, rule: &Rule, author: &str) -> Result<Rule> {
        let saved = self.workspace.save_rule(rule, author)?;
        self.reload_rules()?;
        Ok(saved)
    }

    /// Switches the rule `name` on or off (a new version).
    pub fn set_rule_enabled(&mut self, name: &str, enabled: bool, author: &str) -> Result<()> {
        let Some(rule) = self.rules.rules.iter().find(|r| r.name == name).cloned() else {
            return Ok(());
        };
        self.save_rule(&Rule { enabled, ..rule }, author)?;
        Ok(())
    }

    /// Reads the saved rules again and binds them to the session's log.
    pub fn reload_rules(&mut self) -> Result<()> {
        let (rules, lists) = (self.workspace.rules()?, self.workspace.list_entries()?);
        self.set_rules(rules, lists);
        Ok(())
    }

    /// Binds `rules` and `lists` to the log and applies them to the queue.
    pub(super) fn set_rules(&mut self, rules: Vec<Rule>, lists: Vec<ListEntry>) {
        self.rules = ActiveRules::new(rules, lists, &self.session.data);
        self.reasons.borrow_mut().clear();
        self.rebuild_queue();
    }

    /// Takes `entry` off its list and applies the lists to the queue; whether it was listed.
    pub fn remove_from_lists(&mut self, entry: &ListEntry, author: &str) -> Result<bool> {
        let removed = self.workspace.remove_list_entry(entry, author)?;
        self.reload_rules()?;
        Ok(removed)
    }

    /// Adds `entries` to the workspace's lists and applies them to the queue; returns how many
    /// were new.
    pub fn add_to_lists(&mut self, entries: &[ListEntry], author: &str) -> Result<usize> {
        let added = self.workspace.add_list_entries(entries, author)?;
        self.reload_rules()?;
        Ok(added)
    }
}
