//! Assigning work from the command line: the queue a filter gives (as the window would show
//! it, scored by the workspace's kept model), or its riskiest `top`, to one analyst.

use std::path::PathBuf;

use super::error::Result;
use super::queue_filter::QueueFilter;
use super::triage::Triage;
use crate::log::Mapping;
use crate::progress::Progress;

pub struct AssignRequest {
    pub log: PathBuf,
    pub mapping: Mapping,
    pub workspace: PathBuf,
    pub filter: QueueFilter,
    /// Only the first this many of the filtered queue.
    pub top: Option<usize>,
    pub to: String,
    /// Who assigns (a lead); default: the workspace's identity.
    pub by: Option<String>,
}

/// What `assign_queue` did.
pub struct Assigned {
    pub accounts: usize,
    /// The model that ordered the queue, in words (`gbdt (kept)`).
    pub scored_by: String,
}

pub fn assign_queue(request: AssignRequest, progress: &dyn Progress) -> Result<Assigned> {
    let AssignRequest {
        log,
        mapping,
        workspace,
        filter,
        top,
        to,
        by,
    } = request;
    let mut t = Triage::open_headless(&log, &mapping, Some(workspace), None, false, progress)?;
    let by = by.unwrap_or_else(|| t.me().to_string());
    t.act_as(&by)?;
    t.set_filter(filter);
    let accounts = t.assign_first(&to, top.unwrap_or(usize::MAX))?;
    Ok(Assigned {
        accounts,
        scored_by: scored_by(&t),
    })
}

/// The model that scores `t`, in words: its kind, and whether it was kept or a first look.
pub fn scored_by(t: &Triage) -> String {
    let model = t.model();
    let how = if model.from_disk {
        " (kept)"
    } else if t.pending_detector().is_some() {
        " (quick first look: no kept model)"
    } else {
        ""
    };
    format!("{}{how}", model.kind.name())
}
