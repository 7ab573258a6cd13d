//! `vigil rules test`: open a log with its workspace as the window does (verdicts, saved
//! rules, the kept model or the quick first look) and backtest a rule, or every saved rule.

use std::path::PathBuf;

use serde::Serialize;

use super::assign::scored_by;
use super::error::Result;
use super::triage::Triage;
use crate::log::{Label, Mapping, UserCode};
use crate::progress::Progress;
use crate::rules::{Backtest, RuleAction};

pub struct RuleTestRequest {
    pub log: PathBuf,
    pub mapping: Mapping,
    pub workspace: Option<PathBuf>,
    /// The rule to test; `None` tests every saved rule.
    pub rule: Option<String>,
    /// Hits listed per rule, riskiest first.
    pub show: usize,
}

#[derive(Serialize)]
pub struct HitRow {
    pub user: String,
    pub score: f32,
    pub label: Label,
}

#[derive(Serialize)]
pub struct RuleTest {
    pub name: String,
    pub expression: String,
    pub action: Option<RuleAction>,
    pub enabled: bool,
    /// The backtest, or why the rule does not run on this log.
    pub backtest: std::result::Result<Backtest, String>,
    /// The riskiest hits, at most `show`.
    pub top_hits: Vec<HitRow>,
    /// How long the backtest took (parse, bind, every account and event, grading): what a
    /// rule edit in the window waits for.
    pub backtest_ms: f64,
}

#[derive(Serialize)]
pub struct RuleTestReport {
    /// The model whose flags the hits are compared with, e.g. "ensemble (kept)".
    pub model: String,
    pub suspicious_threshold: f32,
    pub labelled_accounts: usize,
    pub tests: Vec<RuleTest>,
}

pub fn test_rules(request: RuleTestRequest, progress: &dyn Progress) -> Result<RuleTestReport> {
    let triage = Triage::open_headless(
        &request.log,
        &request.mapping,
        request.workspace.clone(),
        None,
        false,
        progress,
    )?;
    let model_name = scored_by(&triage);
    let to_test: Vec<(String, String, Option<RuleAction>, bool)> = match &request.rule {
        Some(expr) => vec![("(given)".into(), expr.clone(), None, true)],
        None => triage
            .rules()
            .rules
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    r.expression.clone(),
                    Some(r.action),
                    r.enabled,
                )
            })
            .collect(),
    };
    let tests = to_test
        .into_iter()
        .map(|(name, expression, action, enabled)| {
            let started = std::time::Instant::now();
            let backtest = triage.backtest_rule(&expression).map_err(|e| e.to_string());
            let backtest_ms = started.elapsed().as_secs_f64() * 1000.0;
            let mut top: Vec<UserCode> = backtest
                .as_ref()
                .map(|b| b.hits.clone())
                .unwrap_or_default();
            top.sort_by(|&a, &b| triage.score(b).total_cmp(&triage.score(a)).then(a.cmp(&b)));
            let top_hits = top
                .into_iter()
                .take(request.show)
                .map(|u| HitRow {
                    user: triage.user_name(u).to_string(),
                    score: triage.score(u),
                    label: triage.label_of(u),
                })
                .collect();
            RuleTest {
                name,
                expression,
                action,
                enabled,
                backtest,
                top_hits,
                backtest_ms,
            }
        })
        .collect();
    Ok(RuleTestReport {
        model: model_name,
        suspicious_threshold: triage.thresholds().suspicious,
        labelled_accounts: triage.labels().iter().filter(|l| l.is_known()).count(),
        tests,
    })
}
