//! `vigil rules test`, `vigil rules save` and `vigil rules list`.

use std::path::Path;

use anyhow::Result;

use super::args::RulesCommand;
use super::labels::open_workspace;
use super::progress::TerminalProgress;
use crate::cases::Workspace;
use crate::eval::metric_text;
use crate::log::Label;
use crate::rules::Rule;
use crate::workbench::{RuleTestReport, RuleTestRequest, mapping_from, test_rules};

pub fn run(command: RulesCommand) -> Result<()> {
    match command {
        RulesCommand::Test {
            log,
            map,
            workspace,
            rule,
            show,
            json,
        } => {
            let progress = TerminalProgress::new(json);
            let request = RuleTestRequest {
                log,
                mapping: mapping_from(map.as_deref(), None)?,
                workspace,
                rule,
                show,
            };
            let report = test_rules(request, &progress)?;
            progress.finish();
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report);
            }
            let failed: Vec<&str> = report
                .tests
                .iter()
                .filter_map(|t| t.backtest.as_ref().err().map(String::as_str))
                .collect();
            anyhow::ensure!(failed.is_empty(), "{}", failed.join("; "));
            Ok(())
        }
        RulesCommand::Save {
            workspace,
            name,
            action,
            off,
            author,
            expression,
        } => {
            let mut ws = Workspace::open(&workspace)?;
            let rule = Rule {
                name,
                expression,
                action,
                enabled: !off,
                version: 0,
                author: String::new(),
                ts_ms: 0,
            };
            let saved =
                ws.save_rule(&rule, &author.unwrap_or_else(|| ws.identity().to_string()))?;
            println!(
                "saved rule “{}” version {} ({}, {})",
                saved.name,
                saved.version,
                saved.action.name(),
                if saved.enabled { "on" } else { "off" }
            );
            Ok(())
        }
        RulesCommand::List { workspace } => list(&workspace),
    }
}

fn list(workspace: &Path) -> Result<()> {
    let ws = open_workspace(workspace)?;
    for r in ws.rules()? {
        println!(
            "{:<24} v{:<3} {:<16} {:<4} {}",
            r.name,
            r.version,
            r.action.name(),
            if r.enabled { "on" } else { "off" },
            r.expression
        );
    }
    Ok(())
}

fn print_report(report: &RuleTestReport) {
    println!(
        "model flags from {} at {:.3}; {} accounts labelled",
        report.model, report.suspicious_threshold, report.labelled_accounts
    );
    for t in &report.tests {
        println!();
        let action = t.action.map_or("", |a| a.name());
        println!("rule {} {action}: {}", t.name, t.expression);
        let b = match &t.backtest {
            Ok(b) => b,
            Err(e) => {
                println!("  does not run: {e}");
                continue;
            }
        };
        println!(
            "  hits {} accounts ({} labelled: {} fraud)",
            b.hits.len(),
            b.labelled_hits,
            b.fraud_hits
        );
        println!(
            "  precision {}  recall {} (of {} fraud accounts)",
            metric_text(b.precision, 3),
            metric_text(b.recall, 3),
            b.fraud_total
        );
        println!(
            "  the model flags {} of the hits ({} flagged in all); {} hits are new to it",
            b.also_flagged,
            b.flagged,
            b.hits.len() - b.also_flagged
        );
        println!("  backtested in {:.1} ms", t.backtest_ms);
        for h in &t.top_hits {
            let label = match h.label {
                Label::Unknown => "",
                known => known.name(),
            };
            println!("    {:<24} {:.3} {label}", h.user, h.score);
        }
    }
}
