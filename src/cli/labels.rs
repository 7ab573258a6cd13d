//! `vigil labels export` and `vigil labels import`.

use std::path::Path;

use anyhow::Result;

use crate::cases::{self, Workspace, WorkspaceAt};

/// Opens an existing workspace: exporting from or importing into a file that is not there is
/// a typo more often than a wish for a new workspace.
pub(super) fn open_workspace(path: &Path) -> Result<Workspace> {
    let at = WorkspaceAt::of(path);
    anyhow::ensure!(
        at.is_team() || path.is_file(),
        "{}: no such workspace file",
        path.display()
    );
    Ok(Workspace::open(path)?)
}

pub fn export(workspace: &Path, out: &Path) -> Result<()> {
    let ws = open_workspace(workspace)?;
    let n = cases::export_labels(&ws, out)?;
    println!("wrote {n} labels to {}", out.display());
    Ok(())
}

pub fn import(
    workspace: &Path,
    labels: &Path,
    author: Option<String>,
    overwrite: bool,
) -> Result<()> {
    let mut ws = open_workspace(workspace)?;
    let author = author.unwrap_or_else(|| ws.identity().to_string());
    let imported = cases::import_labels(&mut ws, labels, &author, overwrite)?;
    println!(
        "imported {} labels into {}",
        imported.written,
        ws.location()
    );
    if !imported.skipped.is_empty() {
        println!(
            "skipped {} that another analyst decided recently or holds now (--overwrite writes over them):",
            imported.skipped.len()
        );
        for conflict in &imported.skipped {
            println!("  {conflict}");
        }
    }
    Ok(())
}
