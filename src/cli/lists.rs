//! `vigil lists import`, `vigil lists export` and `vigil lists add`.

use anyhow::Result;

use super::args::ListsCommand;
use super::labels::open_workspace;
use crate::cases::{Workspace, export_lists, read_lists};
use crate::rules::ListEntry;

pub fn run(command: ListsCommand) -> Result<()> {
    match command {
        ListsCommand::Import {
            workspace,
            file,
            author,
        } => {
            let entries = read_lists(&file)?;
            let mut ws = Workspace::open(&workspace)?;
            let added = ws.add_list_entries(
                &entries,
                &author.unwrap_or_else(|| ws.identity().to_string()),
            )?;
            println!(
                "imported {} entries ({added} new) into {}",
                entries.len(),
                ws.location()
            );
        }
        ListsCommand::Export { workspace, out } => {
            let n = export_lists(&open_workspace(&workspace)?, &out)?;
            println!("wrote {n} entries to {}", out.display());
        }
        ListsCommand::Add {
            workspace,
            list,
            role,
            values,
            author,
        } => {
            let entries: Vec<ListEntry> = values
                .into_iter()
                .map(|value| ListEntry {
                    kind: list,
                    role: role.to_lowercase(),
                    value,
                })
                .collect();
            let mut ws = Workspace::open(&workspace)?;
            let added = ws.add_list_entries(
                &entries,
                &author.unwrap_or_else(|| ws.identity().to_string()),
            )?;
            println!("added {added} {role} values to the {} list", list.name());
        }
    }
    Ok(())
}
