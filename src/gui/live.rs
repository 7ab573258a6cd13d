//! The window's Live mode: the open log watched on a job thread (`workbench::watch::follow`,
//! with the window's own dataset and model), its alerts, counts and the grown dataset (built
//! on that thread by `watch::Growth`) handed to the UI over a channel the frame drains
//! without waiting.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, channel};

use crate::jobs::{JobSlot, Outcome, Waker};
use crate::workbench::watch::{
    Alert, Grown, OpenLog, WatchEvent, WatchRequest, WatchSummary, follow_growing,
};
use crate::workbench::{Triage, defaults};

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
    Grown(Box<Grown>),
    Alert(i64, Box<Alert>),
    Warning(String),
}

/// What arrived since the last frame.
#[derive(Default)]
pub struct Arrived {
    /// How many alerts arrived (the newest last in `LiveState::alerts`).
    pub alerts: usize,
    /// The open log grown by the new events (the latest build).
    pub grown: Option<Grown>,
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
    /// Starts watching the triage's log with what the window already has of it (its dataset,
    /// model, scores, rules and workspace; the new events are added to them).
    pub fn start(t: &Triage, waker: Waker) -> std::io::Result<Self> {
        let source = t.log_path();
        let open = OpenLog::of(t);
        let scores = t.model().scores.clone();
        let (tx, updates) = channel();
        let mut job = JobSlot::new("live");
        let request = WatchRequest {
            source: source.to_path_buf(),
            history: None,
            mapping: open.mapping.clone(),
            workspace: Some(open.workspace.clone()),
            model: None,
            alerts: None,
            poll_ms: defaults::WATCH_POLL_MS,
        };
        let wake = waker.clone();
        job.start(&rust_i18n::t!("job.live"), waker, move |progress| {
            let send = |update: Update| {
                let _ = tx.send(update);
                wake();
            };
            // Stopped by cancelling the job (its progress says so), not by this flag.
            follow_growing(
                &request,
                open,
                scores,
                Arc::new(AtomicBool::new(false)),
                progress,
                &mut |event| match event {
                    WatchEvent::Started { model, .. } => send(Update::Started { model }),
                    WatchEvent::Scored { events, .. } => send(Update::Scored(events)),
                    WatchEvent::Alert { id, alert } => send(Update::Alert(id, alert)),
                    WatchEvent::Warning(w) => send(Update::Warning(w)),
                    WatchEvent::Quiet => {}
                },
                &mut |grown| send(Update::Grown(Box::new(grown))),
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

    /// Takes what arrived since the last frame (never blocks).
    pub fn poll(&mut self) -> Arrived {
        // The job's end is taken first: what it sent before ending is then all in the channel.
        let ended = self.job.poll();
        let mut arrived = Arrived::default();
        while let Ok(update) = self.updates.try_recv() {
            match update {
                Update::Started { model } => self.model = Some(model),
                Update::Scored(n) => self.scored += n as u64,
                Update::Grown(grown) => arrived.grown = Some(*grown),
                Update::Alert(id, alert) => {
                    arrived.alerts += 1;
                    self.alerts.push((id, *alert));
                }
                Update::Warning(w) => {
                    self.warnings.push(w);
                    let extra = self.warnings.len().saturating_sub(WARNINGS_KEPT);
                    self.warnings.drain(..extra);
                }
            }
        }
        match ended {
            Some(Outcome::Failed(e)) => self.ended = Some(e),
            Some(Outcome::Done(_) | Outcome::Cancelled) => {
                self.ended = Some(rust_i18n::t!("live.stopped").into_owned())
            }
            None => {}
        }
        arrived
    }

    /// Keeps what an earlier run of Live mode on this log showed (its alerts and counts),
    /// when it starts again after a retrain.
    pub fn continue_from(&mut self, earlier: LiveState) {
        if earlier.source == self.source {
            self.scored += earlier.scored;
            self.alerts.splice(0..0, earlier.alerts);
            self.warnings.splice(0..0, earlier.warnings);
        }
    }

    pub fn is_running(&self) -> bool {
        self.job.is_running()
    }

    pub fn stop(&mut self) {
        self.job.cancel();
    }
}
