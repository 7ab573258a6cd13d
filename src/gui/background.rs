//! The window's background jobs: one slot per kind (opening a log, retraining, comparing
//! detectors, finding segments, predicting behaviour), each a call into the application layer on its own thread.

use crate::eval::EvalRow;
use crate::jobs::{JobSlot, Outcome, Waker};
use crate::progress::Progress;
use crate::segments::Segmentation;
use crate::workbench::{Opened, Outlook, Retrained};

use super::view::{JobKind, RunningJob};

pub struct Jobs {
    pub open: JobSlot<Opened>,
    pub retrain: JobSlot<Retrained>,
    pub compare: JobSlot<Vec<EvalRow>>,
    pub segments: JobSlot<Segmentation>,
    pub outlook: JobSlot<Outlook>,
}

/// How a job of each kind ended, when one did this frame.
pub struct Finished {
    pub open: Option<Outcome<Opened>>,
    pub retrain: Option<Outcome<Retrained>>,
    pub compare: Option<Outcome<Vec<EvalRow>>>,
    pub segments: Option<Outcome<Segmentation>>,
    pub outlook: Option<Outcome<Outlook>>,
}

impl Jobs {
    pub fn new() -> Self {
        Self {
            open: JobSlot::new("open"),
            retrain: JobSlot::new("retrain"),
            compare: JobSlot::new("compare"),
            segments: JobSlot::new("segments"),
            outlook: JobSlot::new("outlook"),
        }
    }

    /// The jobs running now, for the bars.
    pub fn running(&self) -> Vec<RunningJob> {
        [
            (JobKind::Open, self.open.progress()),
            (JobKind::Retrain, self.retrain.progress()),
            (JobKind::Compare, self.compare.progress()),
            (JobKind::Segments, self.segments.progress()),
            (JobKind::Outlook, self.outlook.progress()),
        ]
        .into_iter()
        .filter_map(|(kind, p)| {
            p.map(|p| RunningJob {
                kind,
                progress: p.clone(),
            })
        })
        .collect()
    }

    pub fn is_running(&self, kind: JobKind) -> bool {
        match kind {
            JobKind::Open => self.open.is_running(),
            JobKind::Retrain => self.retrain.is_running(),
            JobKind::Compare => self.compare.is_running(),
            JobKind::Segments => self.segments.is_running(),
            JobKind::Outlook => self.outlook.is_running(),
        }
    }

    pub fn poll(&mut self) -> Finished {
        Finished {
            open: self.open.poll(),
            retrain: self.retrain.poll(),
            compare: self.compare.poll(),
            segments: self.segments.poll(),
            outlook: self.outlook.poll(),
        }
    }

    pub fn cancel_all(&mut self) {
        self.open.cancel();
        self.retrain.cancel();
        self.compare.cancel();
        self.segments.cancel();
        self.outlook.cancel();
    }
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

/// Starts `work` in `slot`; the application layer's error becomes the job's message.
pub fn start<T: Send + 'static>(
    slot: &mut JobSlot<T>,
    label: &str,
    waker: Waker,
    work: impl FnOnce(&dyn Progress) -> crate::workbench::Result<T> + Send + 'static,
) -> std::io::Result<()> {
    slot.start(label, waker, move |p| work(p).map_err(|e| e.to_string()))
}
