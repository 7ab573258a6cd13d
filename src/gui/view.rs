//! What the panels draw from: a borrowed, read-only view of the app for one frame, and the
//! kinds of message and job the app shows.

use super::settings::AppSettings;
use crate::eval::EvalRow;
use crate::jobs::JobProgress;
use crate::workbench::{LinkStatus, Triage};

#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Info(String),
    Error(String),
    /// An error the workspace's outage caused: dropped once the workspace is back.
    Unreachable(String),
}

/// The window's background jobs, one slot each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Open,
    Retrain,
    Compare,
    Segments,
    Outlook,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunningJob {
    pub kind: JobKind,
    pub progress: JobProgress,
}

/// One frame's read-only view of the app.
pub struct View<'a> {
    pub triage: Option<&'a Triage>,
    pub settings: &'a AppSettings,
    pub jobs: &'a [RunningJob],
    pub message: Option<&'a Message>,
    pub comparison: &'a [EvalRow],
    pub has_cjk_font: bool,
    /// Live mode's state while it is on (or after it stopped, with its alerts).
    pub live: Option<&'a crate::gui::live::LiveState>,
    /// The team workspace's connection, as the status bar tells it.
    pub link: LinkStatus<'a>,
}

impl View<'_> {
    pub fn is_running(&self, kind: JobKind) -> bool {
        self.jobs.iter().any(|j| j.kind == kind)
    }
}
