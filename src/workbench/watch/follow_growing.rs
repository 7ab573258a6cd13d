//! Following a log for a face that shows it (the window's Live mode): `follow`, with each
//! scored batch added to the open log (`Growth`) and the grown log handed over as it is built.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::super::error::Result;
use super::growth::{Grown, Growth, ScoredBatch, WorkspaceState};
use super::run::{OpenLog, WatchEvent, WatchRequest, WatchSummary, follow};
use crate::detect::Scores;
use crate::progress::Progress;

/// `follow`, growing the open log as it goes. `grown` gets the grown dataset:
/// - after a batch, when the last build is at least half a second old;
/// - before the alerts of a batch that raised any, so an alerted account is in the grown log
///   when its alert arrives (unless building would take more than its share of the time);
/// - at a quiet look, when something waits and is due (the last batch before a pause);
/// - when the watch stops, with whatever still waits.
///
/// `scores` are the model's scores of `open.data`.
pub fn follow_growing(
    request: &WatchRequest,
    mut open: OpenLog,
    scores: Scores,
    stop: Arc<AtomicBool>,
    progress: &dyn Progress,
    on: &mut dyn FnMut(WatchEvent),
    grown: &mut dyn FnMut(Grown),
) -> Result<WatchSummary> {
    let base = open.data.clone();
    let mut workspace = Some(WorkspaceState {
        cases: std::mem::take(&mut open.cases),
        rules: open.rules.clone(),
        lists: open.lists.clone(),
    });
    let mut scores = Some(scores);
    let mut growth: Option<Growth> = None;
    let summary = follow(request, open, stop, progress, &mut |event| match event {
        WatchEvent::Started {
            history_events,
            model,
            known,
        } => {
            let scores = scores.take().unwrap_or_else(|| Scores {
                user: Vec::new(),
                event: Vec::new(),
            });
            if let Some(workspace) = workspace.take() {
                growth = Some(Growth::new(base.clone(), scores, workspace, known));
            }
            on(WatchEvent::Started {
                history_events,
                model,
                known,
            });
        }
        WatchEvent::Scored {
            events,
            millis,
            alerts,
            batch,
        } => {
            if let Some(g) = &mut growth {
                g.add(*batch);
                if g.due(alerts > 0)
                    && let Some(built) = g.build()
                {
                    grown(built);
                }
            }
            // The batch went to the growth; the face hears of the look without it.
            on(WatchEvent::Scored {
                events,
                millis,
                alerts,
                batch: Box::new(ScoredBatch::empty()),
            });
        }
        WatchEvent::Quiet => {
            // What waited for its interval is shown once the log is quiet, not at the next
            // batch (which may be long in coming).
            if let Some(built) = growth
                .as_mut()
                .filter(|g| g.due(false))
                .and_then(Growth::build)
            {
                grown(built);
            }
            on(WatchEvent::Quiet);
        }
        other => on(other),
    });
    if let Some(built) = growth.as_mut().and_then(Growth::build) {
        grown(built);
    }
    summary
}
