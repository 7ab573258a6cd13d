//! Rules kept in the workspace, versioned: every save (an edit, switching on or off) adds a
//! version, so what a rule said on any day can be read back. Only a lead saves rules.

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::sql::{DbError, Row, args};
use super::workspace::Workspace;
use crate::rules::{Rule, RuleAction};

fn rule_from_row(r: &Row) -> Result<Rule, DbError> {
    let v = r.int("version")?;
    let version = u32::try_from(v)
        .map_err(|_| DbError::new(format!("version: {v} is not a rule version")))?;
    Ok(Rule {
        name: r.text("name")?,
        version,
        expression: r.text("expression")?,
        action: RuleAction::parse(&r.text("action")?).unwrap_or(RuleAction::FlagSuspicious),
        enabled: r.int("enabled")? != 0,
        author: r.text("author")?,
        ts_ms: r.int("ts_ms")?,
    })
}

const COLUMNS: &str = "name, version, expression, action, enabled, author, ts_ms";

impl Workspace {
    /// Saves `rule` as the next version of its name (its `version`, `author` and time are
    /// set here); returns it as saved. The expression must parse, and `author` must lead.
    pub fn save_rule(&mut self, rule: &Rule, author: &str) -> Result<Rule, CaseError> {
        rule.check()?;
        self.require_lead(author, "save or switch rules")?;
        self.write(|s| {
            let latest = s
                .row(
                    "SELECT MAX(version) AS latest FROM rules WHERE name = ?1",
                    args![rule.name.as_str()],
                )?
                .map(|r| r.opt_int("latest"))
                .transpose()?
                .flatten()
                .unwrap_or(0);
            let saved = Rule {
                version: u32::try_from(latest + 1).unwrap_or(u32::MAX),
                author: author.to_string(),
                ts_ms: now_ms(),
                ..rule.clone()
            };
            s.exec(
                &format!("INSERT INTO rules ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                args![
                    saved.name.as_str(),
                    i64::from(saved.version),
                    saved.expression.as_str(),
                    saved.action.name(),
                    i64::from(saved.enabled),
                    saved.author.as_str(),
                    saved.ts_ms
                ],
            )?;
            note_change(s, ChangeKind::Rule, None, author, self.origin())?;
            Ok(saved)
        })
    }

    /// The latest version of every rule, by name.
    pub fn rules(&self) -> Result<Vec<Rule>, CaseError> {
        self.read(|s| {
            s.rows(&format!(
                "SELECT {COLUMNS} FROM rules r WHERE version = (SELECT MAX(version) FROM rules WHERE name = r.name) ORDER BY name"
            ), &[])?
            .iter()
            .map(rule_from_row)
            .collect()
        })
    }

    /// Every version of the rule `name`, oldest first.
    pub fn rule_history(&self, name: &str) -> Result<Vec<Rule>, CaseError> {
        self.read(|s| {
            s.rows(
                &format!("SELECT {COLUMNS} FROM rules WHERE name = ?1 ORDER BY version"),
                args![name],
            )?
            .iter()
            .map(rule_from_row)
            .collect()
        })
    }
}
