//! Background jobs for the window: each a named thread that reports progress over a channel,
//! checks a cancel flag at least every batch, and carries a generation number so that a result
//! from a job that was replaced is dropped, never shown. One `JobSlot` per kind of job.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::progress::{CancelFlag, Progress, Stage};

/// Wakes the UI after an event is sent (the GUI passes `ctx.request_repaint()`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Progress events are sent at most this often; a training loop reports every batch.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug)]
pub enum JobEvent<T> {
    Progress {
        stage: Stage,
        done: u64,
        total: Option<u64>,
    },
    Done(T),
    Failed(String),
    Cancelled,
}

/// How a job ended.
#[derive(Debug, PartialEq)]
pub enum Outcome<T> {
    Done(T),
    Failed(String),
    Cancelled,
}

/// The latest progress of the running job.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobProgress {
    pub name: String,
    /// What the job is doing, once it has said.
    pub stage: Option<Stage>,
    /// In [0, 1] when the total is known.
    pub fraction: Option<f32>,
}

struct ChannelProgress<T> {
    tx: Mutex<Sender<(u64, JobEvent<T>)>>,
    generation: u64,
    cancel: CancelFlag,
    waker: Waker,
    last_sent: Mutex<Instant>,
}

impl<T: Send> Progress for ChannelProgress<T> {
    fn report(&self, stage: Stage, done: u64, total: Option<u64>) {
        let Ok(mut last) = self.last_sent.lock() else {
            return;
        };
        let finished = total.is_some_and(|t| done >= t);
        if last.elapsed() < PROGRESS_EVERY && !finished {
            return;
        }
        *last = Instant::now();
        if let Ok(tx) = self.tx.lock() {
            let event = JobEvent::Progress { stage, done, total };
            let _ = tx.send((self.generation, event));
        }
        (self.waker)();
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_set()
    }
}

/// Background work yields the cores to the window: on Linux the job thread (and the worker
/// pools it starts, which inherit its niceness) runs at nice 10, so a retrain using every core
/// still leaves the UI thread and the GL driver's threads first in line.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; `who = 0` is the calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// At most one running job of a kind; starting another cancels the first.
pub struct JobSlot<T> {
    name: String,
    generation: u64,
    running: Option<CancelFlag>,
    rx: Option<Receiver<(u64, JobEvent<T>)>>,
    progress: Option<JobProgress>,
}

impl<T: Send + 'static> JobSlot<T> {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            generation: 0,
            running: None,
            rx: None,
            progress: None,
        }
    }

    /// Starts `work` on a named thread; a job already running in this slot is cancelled and its
    /// result will be dropped.
    pub fn start(
        &mut self,
        label: &str,
        waker: Waker,
        work: impl FnOnce(&dyn Progress) -> Result<T, String> + Send + 'static,
    ) -> std::io::Result<()> {
        self.cancel();
        self.generation += 1;
        let (tx, rx) = channel();
        let cancel = CancelFlag::new();
        let progress = ChannelProgress {
            tx: Mutex::new(tx.clone()),
            generation: self.generation,
            cancel: cancel.clone(),
            waker: waker.clone(),
            last_sent: Mutex::new(Instant::now() - PROGRESS_EVERY),
        };
        let generation = self.generation;
        std::thread::Builder::new()
            .name(format!("vigil-{}", self.name))
            .spawn(move || {
                lower_priority();
                let event = match work(&progress) {
                    _ if progress.is_cancelled() => JobEvent::Cancelled,
                    Ok(v) => JobEvent::Done(v),
                    Err(e) => JobEvent::Failed(e),
                };
                let _ = tx.send((generation, event));
                waker();
            })?;
        self.running = Some(cancel);
        self.rx = Some(rx);
        self.progress = Some(JobProgress {
            name: label.to_string(),
            stage: None,
            fraction: None,
        });
        Ok(())
    }

    /// Asks the running job to stop at its next batch.
    pub fn cancel(&mut self) {
        if let Some(c) = self.running.take() {
            c.cancel();
        }
    }

    pub fn is_running(&self) -> bool {
        self.progress.is_some()
    }

    pub fn progress(&self) -> Option<&JobProgress> {
        self.progress.as_ref()
    }

    /// Takes the events that arrived (never blocks); returns how the current job ended, once.
    pub fn poll(&mut self) -> Option<Outcome<T>> {
        let rx = self.rx.as_ref()?;
        loop {
            match rx.try_recv() {
                Ok((g, _)) if g != self.generation => continue,
                Ok((_, JobEvent::Progress { stage, done, total })) => {
                    if let Some(p) = &mut self.progress {
                        p.stage = Some(stage);
                        p.fraction = total
                            .filter(|t| *t > 0)
                            .map(|t| (done as f32 / t as f32).min(1.0));
                    }
                }
                Ok((_, end)) => {
                    self.running = None;
                    self.progress = None;
                    self.rx = None;
                    return Some(match end {
                        JobEvent::Done(v) => Outcome::Done(v),
                        JobEvent::Failed(e) => Outcome::Failed(e),
                        _ => Outcome::Cancelled,
                    });
                }
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    // The thread died without a word (a panic): say so rather than spin forever.
                    self.running = None;
                    self.progress = None;
                    self.rx = None;
                    return Some(Outcome::Failed(format!(
                        "the {} job stopped unexpectedly",
                        self.name
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_wake() -> Waker {
        Arc::new(|| {})
    }

    fn wait<T: Send + 'static>(slot: &mut JobSlot<T>) -> Outcome<T> {
        let start = Instant::now();
        loop {
            if let Some(o) = slot.poll() {
                return o;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "job never ended");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_job_reports_progress_and_its_result() {
        let mut slot = JobSlot::new("test");
        slot.start("adding", no_wake(), |p| {
            p.report(Stage::Reading, 1, Some(2));
            Ok(41 + 1)
        })
        .unwrap();
        assert!(slot.is_running());
        assert_eq!(wait(&mut slot), Outcome::Done(42));
        assert!(!slot.is_running());
        slot.start("failing", no_wake(), |_| Err::<i32, _>("bad file".into()))
            .unwrap();
        assert_eq!(wait(&mut slot), Outcome::Failed("bad file".into()));
    }

    #[test]
    fn cancel_stops_a_job_at_its_next_check() {
        let mut slot = JobSlot::new("test");
        slot.start("looping", no_wake(), |p| {
            while !p.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err::<(), _>("cancelled".into())
        })
        .unwrap();
        slot.cancel();
        assert_eq!(wait(&mut slot), Outcome::Cancelled);
    }

    #[test]
    fn a_replaced_jobs_result_is_dropped() {
        let mut slot = JobSlot::new("test");
        slot.start("slow", no_wake(), |_| {
            std::thread::sleep(Duration::from_millis(50));
            Ok("stale")
        })
        .unwrap();
        slot.start("fast", no_wake(), |_| Ok("fresh")).unwrap();
        assert_eq!(wait(&mut slot), Outcome::Done("fresh"));
    }

    #[test]
    fn a_panicking_job_is_a_failure_not_a_hang() {
        let mut slot = JobSlot::<()>::new("test");
        slot.start("panics", no_wake(), |_| panic!("boom")).unwrap();
        assert!(matches!(wait(&mut slot), Outcome::Failed(_)));
    }
}
