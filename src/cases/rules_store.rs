//! Rules kept in the workspace, versioned: every save (an edit, switching on or off) adds a
//! version, so what a rule said on any day can be read back.

use rusqlite::{OptionalExtension, params};

use super::error::CaseError;
use super::workspace::{Workspace, now_ms};
use crate::rules::{Rule, RuleAction};

fn rule_from_row(r: &rusqlite::Row) -> rusqlite::Result<Rule> {
    let action: String = r.get(3)?;
    Ok(Rule {
        name: r.get(0)?,
        version: r.get(1)?,
        expression: r.get(2)?,
        action: RuleAction::parse(&action).unwrap_or(RuleAction::FlagSuspicious),
        enabled: r.get(4)?,
        author: r.get(5)?,
        ts_ms: r.get(6)?,
    })
}

const COLUMNS: &str = "name, version, expression, action, enabled, author, ts_ms";

impl Workspace {
    /// Saves `rule` as the next version of its name (its `version`, `author` and time are
    /// set here); returns it as saved. The expression must parse.
    pub fn save_rule(&mut self, rule: &Rule, author: &str) -> Result<Rule, CaseError> {
        rule.check()?;
        let latest: Option<u32> = self
            .conn()
            .query_row(
                "SELECT MAX(version) FROM rules WHERE name = ?1",
                params![rule.name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .flatten();
        let saved = Rule {
            version: latest.unwrap_or(0) + 1,
            author: author.to_string(),
            ts_ms: now_ms(),
            ..rule.clone()
        };
        self.conn()
            .execute(
                &format!("INSERT INTO rules ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![
                    saved.name,
                    saved.version,
                    saved.expression,
                    saved.action.name(),
                    saved.enabled,
                    saved.author,
                    saved.ts_ms
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(saved)
    }

    /// The latest version of every rule, by name.
    pub fn rules(&self) -> Result<Vec<Rule>, CaseError> {
        self.query_rules(&format!(
            "SELECT {COLUMNS} FROM rules r WHERE version = (SELECT MAX(version) FROM rules WHERE name = r.name) ORDER BY name"
        ), None)
    }

    /// Every version of the rule `name`, oldest first.
    pub fn rule_history(&self, name: &str) -> Result<Vec<Rule>, CaseError> {
        self.query_rules(
            &format!("SELECT {COLUMNS} FROM rules WHERE name = ?1 ORDER BY version"),
            Some(name),
        )
    }

    fn query_rules(&self, query: &str, name: Option<&str>) -> Result<Vec<Rule>, CaseError> {
        let mut stmt = self.conn().prepare(query).map_err(|e| self.sql(e))?;
        let rows = match name {
            Some(n) => stmt.query_map(params![n], rule_from_row),
            None => stmt.query_map([], rule_from_row),
        }
        .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
