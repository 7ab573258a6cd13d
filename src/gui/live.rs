//! The window's Live mode: the open log watched on a job thread (`workbench::watch::follow`,
//! with the window's own dataset and model), its alerts and counts handed to the UI over a
//! channel the frame drains without waiting.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, channel};

use crate::jobs::{JobSlot, Outcome, Waker};
use crate::workbench::watch::{Alert, OpenLog, WatchEvent, WatchRequest, WatchSummary, follow};

/// Warnings kept for the panel (the latest).
const WARNINGS_KEPT: usize = 5;

/// Whether Live mode can follow `path`: a plain text log (a compressed or Parquet file is not
/// appended to line by line).
pub fn can_follow(path: &Path) -> bool {
    let name = path.to_string_lossy().to_lowercase();
    !(name.ends_with(".gz") || name.ends_with(".parquet"))
}

enum Update {
    Started { model: String },
    Scored(usize),
    Alert(i64, Box<Alert>),
    Warning(String),
}

pub struct LiveState {
    pub source: PathBuf,
    /// The model scoring, once the watch is following the log.
    pub model: Option<String>,
    pub scored: u64,
    /// Oldest first.
    pub alerts: Vec<(i64, Alert)>,
    pub warnings: Vec<String>,
    /// Why the watch stopped, when it stopped by itself.
    pub ended: Option<String>,
    updates: Receiver<Update>,
    job: JobSlot<WatchSummary>,
}

impl LiveState {
    /// Starts watching `source`, the open log, with what the window already has of it.
    pub fn start(source: &Path, open: OpenLog, waker: Waker) -> std::io::Result<Self> {
        let (tx, updates) = channel();
        let mut job = JobSlot::new("live");
        let request = WatchRequest {
            source: source.to_path_buf(),
            history: None,
            mapping: open.mapping.clone(),
            workspace: Some(open.workspace.clone()),
            alerts: None,
            poll_ms: 200,
        };
        let wake = waker.clone();
        job.start(&rust_i18n::t!("job.live"), waker, move |progress| {
            let mut on = |event: WatchEvent| {
                let update = match event {
                    WatchEvent::Started { model, .. } => Update::Started { model },
                    WatchEvent::Scored { events, .. } => Update::Scored(events),
                    WatchEvent::Alert { id, alert } => Update::Alert(id, alert),
                    WatchEvent::Warning(w) => Update::Warning(w),
                };
                let _ = tx.send(update);
                wake();
            };
            // Stopped by cancelling the job (its progress says so), not by this flag.
            follow(
                &request,
                open,
                Arc::new(AtomicBool::new(false)),
                progress,
                &mut on,
            )
            .map_err(|e| e.to_string())
        })?;
        Ok(Self {
            source: source.to_path_buf(),
            model: None,
            scored: 0,
            alerts: Vec::new(),
            warnings: Vec::new(),
            ended: None,
            updates,
            job,
        })
    }

    /// Takes what arrived since the last frame (never blocks); returns the alerts that did.
    pub fn poll(&mut self) -> Vec<Alert> {
        let mut fresh = Vec::new();
        while let Ok(update) = self.updates.try_recv() {
            match update {
                Update::Started { model } => self.model = Some(model),
                Update::Scored(n) => self.scored += n as u64,
                Update::Alert(id, alert) => {
                    fresh.push((*alert).clone());
                    self.alerts.push((id, *alert));
                }
                Update::Warning(w) => {
                    self.warnings.push(w);
                    let extra = self.warnings.len().saturating_sub(WARNINGS_KEPT);
                    self.warnings.drain(..extra);
                }
            }
        }
        match self.job.poll() {
            Some(Outcome::Failed(e)) => self.ended = Some(e),
            Some(Outcome::Done(_) | Outcome::Cancelled) => {
                self.ended = Some(rust_i18n::t!("live.stopped").into_owned())
            }
            None => {}
        }
        fresh
    }

    pub fn is_running(&self) -> bool {
        self.job.is_running()
    }

    pub fn stop(&mut self) {
        self.job.cancel();
    }
}
