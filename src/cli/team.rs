//! `vigil workspace grant|members|copy` and `vigil assign`: a team's workspace from the shell.

use std::path::Path;

use anyhow::{Context, Result};

use super::args::{AssignArgs, WorkspaceCommand};
use super::labels::open_workspace;
use super::progress::TerminalProgress;
use crate::cases::{Merge, SettingKey, Workspace, copy_workspace};
use crate::workbench::{AssignRequest, QueueFilter, assign_queue, mapping_from};

pub fn run(command: WorkspaceCommand) -> Result<()> {
    match command {
        WorkspaceCommand::Grant {
            workspace,
            role,
            member,
            author,
        } => {
            let ws = Workspace::open(&workspace)?;
            let by = author.unwrap_or_else(|| ws.identity().to_string());
            ws.join(&by)?;
            ws.grant(&by, &member, role)?;
            println!("{member} is now {} in {}", role.name(), ws.location());
        }
        WorkspaceCommand::Members { workspace } => {
            let ws = open_workspace(&workspace)?;
            for (name, role) in ws.members()? {
                println!("{name:<24} {}", role.name());
            }
        }
        WorkspaceCommand::Copy { from, to, merge } => {
            let source = open_workspace(&from)?;
            let target = Workspace::open(&to)?;
            let by = target.identity().to_string();
            target.join(&by)?;
            let copied = copy_workspace(&source, &target, merge.unwrap_or(Merge::Refuse), &by)?;
            println!(
                "copied {} audit lines ({} cases), {} rule versions, {} list entries, {} settings and {} model files from {} to {}",
                copied.audit_lines,
                copied.cases,
                copied.rules,
                copied.list_entries,
                copied.settings,
                copied.model_files,
                source.location(),
                target.location()
            );
        }
        WorkspaceCommand::Set {
            workspace,
            recent_decision_minutes,
            author,
        } => {
            let ws = open_workspace(&workspace)?;
            let by = author.unwrap_or_else(|| ws.identity().to_string());
            let minutes = recent_decision_minutes.to_string();
            ws.set_setting(SettingKey::RecentDecisionMinutes, &minutes, &by)?;
            println!(
                "a decision now counts as recent for {minutes} minutes in {}",
                ws.location()
            );
        }
    }
    Ok(())
}

/// `vigil assign`: the accounts listed in a file, or a log's filtered queue, to an analyst.
pub fn assign(args: AssignArgs) -> Result<()> {
    match (&args.users, &args.log) {
        (Some(users), _) => assign_listed(&args.workspace, &args.to, users, args.author),
        (None, Some(log)) => {
            let progress = TerminalProgress::new(false);
            let request = AssignRequest {
                log: log.clone(),
                mapping: mapping_from(args.map.as_deref(), None)?,
                workspace: args.workspace.clone(),
                filter: QueueFilter {
                    risk: args.risk,
                    label: args.label,
                    search: args.search.unwrap_or_default(),
                    ..QueueFilter::default()
                },
                top: args.top,
                to: args.to.clone(),
                by: args.author,
            };
            let assigned = assign_queue(request, &progress)?;
            progress.finish();
            println!(
                "assigned {} accounts to {} (queue ordered by {})",
                assigned.accounts, args.to, assigned.scored_by
            );
            Ok(())
        }
        (None, None) => anyhow::bail!("name the accounts with --users FILE, or a log with --log"),
    }
}

/// The accounts listed in `users` (one per line) to `to`.
fn assign_listed(workspace: &Path, to: &str, users: &Path, author: Option<String>) -> Result<()> {
    let text = std::fs::read_to_string(users)
        .with_context(|| format!("{}: cannot read", users.display()))?;
    let accounts: Vec<String> = text
        .lines()
        .map(|l| l.split(',').next().unwrap_or_default().trim().to_string())
        .filter(|l| !l.is_empty())
        .enumerate()
        .filter(|(i, l)| !(*i == 0 && l.eq_ignore_ascii_case("user")))
        .map(|(_, l)| l)
        .collect();
    anyhow::ensure!(
        !accounts.is_empty(),
        "{}: no accounts listed (one per line)",
        users.display()
    );
    let ws = open_workspace(workspace)?;
    let by = author.unwrap_or_else(|| ws.identity().to_string());
    let n = ws.assign(&accounts, to, &by)?;
    println!("assigned {n} accounts to {to} in {}", ws.location());
    Ok(())
}
