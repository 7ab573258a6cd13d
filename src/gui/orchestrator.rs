//! The window's background work in one place: a job slot per kind (opening a log,
//! retraining, comparing detectors, finding segments, predicting behaviour), Live mode, and
//! the turns Live mode and a retrain take. Every job starts through one helper; what a job or
//! the watch brings back is applied to the triage here, and what the window itself must do
//! (say something, ask for a mapping, put a new log in place) comes back as `Report`s.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use super::background::{self, Jobs};
use super::i18n::{count, t};
use super::live::LiveState;
use super::panels;
use super::view::{JobKind, RunningJob};
use crate::detect::DetectorKind;
use crate::eval::EvalRow;
use crate::jobs::{JobSlot, Outcome, Waker};
use crate::log::{Mapping, Preview};
use crate::workbench::{self, Job, OpenRequest, Opened, Retrained, Triage};

/// What the window must do after the orchestrator moved.
pub enum Report {
    Info(String),
    Error(String),
    /// Column detection was unsure: the analyst confirms the plan in the mapping dialog.
    AskMapping(Box<Preview>),
    /// A log is open: its triage takes the place of the one shown.
    Opened(Box<Triage>),
    /// A retrain ended with this model in place (the first training of a pending detector,
    /// or a retrain).
    Retrained {
        first: bool,
    },
    Compared(Vec<EvalRow>),
    /// Live mode started and wants its tab in front.
    ShowLive,
    /// Alerts arrived: the desktop's attention is asked for.
    Alerted,
}

/// Who waits for whom between Live mode and a retrain: the retrain reads the log as Live mode
/// grew it, and Live mode follows with the model the retrain gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Turn {
    /// Neither waits for the other.
    Free,
    /// Live mode is stopping so that a retrain can start; Live resumes with the new model
    /// after it, unless the analyst stopped it meanwhile.
    RetrainWhenLiveStops { then_live: bool },
    /// A retrain runs; Live mode starts with its model when it ends.
    LiveWhenRetrainEnds,
}

/// The log being opened: where its workspace goes, which mapping reads it.
struct Opening {
    path: PathBuf,
    workspace: Option<PathBuf>,
    mapping: Mapping,
    mapping_given: bool,
}

pub struct Orchestrator {
    jobs: Jobs,
    waker: Waker,
    opening: Option<Opening>,
    /// Live mode: the open log followed as it grows.
    live: Option<LiveState>,
    turn: Turn,
}

impl Orchestrator {
    pub fn new(ctx: &egui::Context) -> Self {
        let ctx = ctx.clone();
        Self {
            jobs: Jobs::new(),
            waker: Arc::new(move || ctx.request_repaint()),
            opening: None,
            live: None,
            turn: Turn::Free,
        }
    }

    /// The jobs running now, for the status bar.
    pub fn running(&self) -> Vec<RunningJob> {
        self.jobs.running()
    }

    pub fn is_running(&self, kind: JobKind) -> bool {
        self.jobs.is_running(kind)
    }

    pub fn live(&self) -> Option<&LiveState> {
        self.live.as_ref()
    }

    pub fn cancel_all(&mut self) {
        self.jobs.cancel_all();
    }

    /// Starts `work` in the slot `slot` picks, under `label`; a thread that cannot start is
    /// said as an error.
    fn start<T: Send + 'static>(
        &mut self,
        slot: fn(&mut Jobs) -> &mut JobSlot<T>,
        label: &str,
        work: impl Job<T>,
    ) -> Option<Report> {
        let waker = self.waker.clone();
        background::start(slot(&mut self.jobs), label, waker, work)
            .err()
            .map(|e| Report::Error(t!("msg.no_job", e = e).into_owned()))
    }

    // ----- Opening a log -----

    /// Opens `path` with `mapping` (given by a file when `mapping_given`), its workspace at
    /// `workspace` or beside it, scored first by the quick first look and then by `detector`.
    pub fn open(
        &mut self,
        path: PathBuf,
        mapping: Mapping,
        mapping_given: bool,
        workspace: Option<PathBuf>,
        detector: DetectorKind,
    ) -> Option<Report> {
        self.opening = Some(Opening {
            path,
            workspace,
            mapping,
            mapping_given,
        });
        self.continue_open(None, detector)
    }

    /// Opens the log being opened with the plan the analyst `confirmed`, if any.
    pub fn continue_open(
        &mut self,
        confirmed: Option<Box<Preview>>,
        detector: DetectorKind,
    ) -> Option<Report> {
        let o = self.opening.as_ref()?;
        let request = OpenRequest {
            path: o.path.clone(),
            mapping: o.mapping.clone(),
            mapping_given: o.mapping_given,
            confirmed,
            workspace: o.workspace.clone(),
            detector,
            // The queue appears on a quick first look; the chosen detector follows.
            train_now: false,
            model: None,
        };
        let label = t!("msg.opening", file = panels::file_name(&o.path)).into_owned();
        self.start(
            |j| &mut j.open,
            &label,
            move |p| workbench::open(request, p),
        )
    }

    /// The analyst closed the mapping dialog: the log is not opened.
    pub fn abandon_open(&mut self) -> Option<Report> {
        let o = self.opening.take()?;
        let file = panels::file_name(&o.path);
        Some(Report::Info(t!("msg.not_opened", file = file).into_owned()))
    }

    /// Another log takes the window: what ran for the one before stops.
    pub fn reset_for_new_log(&mut self) {
        self.jobs.retrain.cancel();
        self.jobs.compare.cancel();
        self.jobs.segments.cancel();
        self.jobs.outlook.cancel();
        // Live mode follows one log: another log starts without it.
        if let Some(live) = &mut self.live {
            live.stop();
        }
        self.live = None;
        self.turn = Turn::Free;
    }

    // ----- Retraining, and its turns with Live mode -----

    /// Retrains `t` with `kind` in the background. While Live mode runs, it pauses first (its
    /// checkpoint holds) and hands over what it added; the retrain starts once it has, and
    /// Live resumes with the new model.
    pub fn retrain(&mut self, t: &mut Triage, kind: DetectorKind) -> Option<Report> {
        if let Some(live) = self.live.as_mut().filter(|l| l.is_running()) {
            live.stop();
            self.turn = Turn::RetrainWhenLiveStops { then_live: true };
            return Some(Report::Info(t!("msg.live_pauses").into_owned()));
        }
        let input = match t.begin_retrain(kind) {
            Ok(input) => input,
            Err(e) => return Some(Report::Error(e.to_string())),
        };
        let label = match t.pending_detector() {
            Some(kind) => t!("msg.training", kind = kind).into_owned(),
            None => t!(
                "msg.retraining",
                kind = input.kind,
                n = count(input.verdicts())
            )
            .into_owned(),
        };
        self.start(|j| &mut j.retrain, &label, move |p| input.run(p))
    }

    /// Takes the model a teammate kept (in the retrain's slot: one model job at a time; while
    /// a retrain runs, its own model comes first and is shared in turn).
    pub fn take_team_model(&mut self, t: &Triage) -> Option<Report> {
        if self.jobs.is_running(JobKind::Retrain) {
            return None;
        }
        let label = t!("msg.taking_team_model").into_owned();
        self.start(|j| &mut j.retrain, &label, t.team_model_job())
    }

    /// Puts a finished retrain's model in place.
    fn retrained(t: &mut Triage, r: Retrained) -> Report {
        let first = t.pending_detector().is_some();
        t.finish_retrain(r);
        Report::Retrained { first }
    }

    /// The retrain ended (however): Live mode starts again when it waited for it.
    fn after_retrain(&mut self, t: &Triage) -> Option<Report> {
        match self.turn {
            Turn::LiveWhenRetrainEnds => {
                self.turn = Turn::Free;
                self.start_live(t, false)
            }
            Turn::Free | Turn::RetrainWhenLiveStops { .. } => None,
        }
    }

    // ----- Live mode -----

    /// Starts following `t`'s log; `show` brings its tab forward (not when it resumes by
    /// itself after a retrain, while the analyst may be reading the model's report). During a
    /// retrain it waits for the retrain's model.
    pub fn start_live(&mut self, t: &Triage, show: bool) -> Option<Report> {
        if self.jobs.is_running(JobKind::Retrain) {
            self.turn = Turn::LiveWhenRetrainEnds;
            return Some(Report::Info(t!("msg.live_waits").into_owned()));
        }
        let earlier = self.live.take();
        match LiveState::start(t, self.waker.clone()) {
            Ok(mut live) => {
                if let Some(earlier) = earlier {
                    live.continue_from(earlier);
                }
                self.live = Some(live);
                show.then_some(Report::ShowLive)
            }
            Err(e) => Some(Report::Error(t!("msg.no_live", e = e).into_owned())),
        }
    }

    /// Stops Live mode; a retrain that paused it will not resume it.
    pub fn stop_live(&mut self) {
        self.turn = match self.turn {
            Turn::RetrainWhenLiveStops { .. } => Turn::RetrainWhenLiveStops { then_live: false },
            Turn::Free | Turn::LiveWhenRetrainEnds => Turn::Free,
        };
        if let Some(live) = &mut self.live {
            live.stop();
        }
    }

    /// Takes what Live mode added to the log into the triage, says how many alerts arrived,
    /// and starts the retrain that waited for Live mode to stop.
    fn poll_live(&mut self, triage: &mut Option<Triage>, detector: DetectorKind) -> Vec<Report> {
        let mut reports = Vec::new();
        let Some(live) = &mut self.live else {
            return reports;
        };
        let arrived = live.poll();
        let stopped = !live.is_running();
        let newest = live.alerts.last().map(|(_, a)| (a.user.clone(), a.score));
        if let (Some(grown), Some(t)) = (arrived.grown, triage.as_mut())
            && let Err(e) = t.absorb(grown)
        {
            reports.push(Report::Error(e.to_string()));
        }
        if let (true, Turn::RetrainWhenLiveStops { then_live }, Some(t)) =
            (stopped, self.turn, triage.as_mut())
        {
            self.turn = if then_live {
                Turn::LiveWhenRetrainEnds
            } else {
                Turn::Free
            };
            reports.extend(self.retrain(t, detector));
        }
        if let (n @ 1.., Some((user, score))) = (arrived.alerts, newest) {
            let text = match n {
                1 => t!("msg.alert", user = &user, score = format!("{score:.2}")),
                n => t!("msg.alerts", n = n, user = &user),
            };
            reports.push(Report::Info(text.into_owned()));
            reports.push(Report::Alerted);
        }
        reports
    }

    /// Stops Live mode for good (the window closes).
    pub fn shut_down(&mut self) {
        if let Some(live) = &mut self.live {
            live.stop();
        }
    }

    // ----- Segments, behaviour and the comparison -----

    pub fn compare(&mut self, t: &Triage) -> Option<Report> {
        self.start(|j| &mut j.compare, &t!("job.comparing"), t.compare_job())
    }

    pub fn find_segments(
        &mut self,
        t: &Triage,
        k: Option<usize>,
        by_reading: bool,
    ) -> Option<Report> {
        self.start(
            |j| &mut j.segments,
            &t!("job.segmenting"),
            t.segments_job(k, by_reading),
        )
    }

    pub fn predict_behaviour(&mut self, t: &Triage) -> Option<Report> {
        self.start(|j| &mut j.outlook, &t!("job.predicting"), t.outlook_job())
    }

    // ----- What came back -----

    /// Drains every job and Live mode (never blocks) and applies what they brought to
    /// `triage`; `detector` is what a retrain that waited for Live mode trains.
    pub fn poll(&mut self, triage: &mut Option<Triage>, detector: DetectorKind) -> Vec<Report> {
        let mut reports = self.poll_jobs(triage);
        reports.extend(self.poll_live(triage, detector));
        reports
    }

    fn poll_jobs(&mut self, triage: &mut Option<Triage>) -> Vec<Report> {
        let finished = self.jobs.poll();
        let mut reports = Vec::new();
        match finished.open {
            Some(Outcome::Done(Opened::NeedsMapping(preview))) => {
                reports.push(Report::AskMapping(preview));
            }
            Some(Outcome::Done(Opened::Ready(session, workspace))) => {
                self.opening = None;
                reports.push(match Triage::new(*session, *workspace) {
                    Ok(t) => Report::Opened(Box::new(t)),
                    Err(e) => Report::Error(e.to_string()),
                });
            }
            Some(Outcome::Failed(e)) => {
                let keep = match triage {
                    Some(t) => {
                        t!("msg.still_showing", file = panels::file_name(t.log_path())).into_owned()
                    }
                    None => String::new(),
                };
                self.opening = None;
                reports.push(Report::Error(
                    t!("msg.could_not_open", e = e, keep = keep).into_owned(),
                ));
            }
            Some(Outcome::Cancelled) => {
                self.opening = None;
                reports.push(Report::Info(t!("msg.opening_cancelled").into_owned()));
            }
            None => {}
        }
        if let Some(outcome) = finished.retrain {
            reports.extend(match (outcome, triage.as_mut()) {
                (Outcome::Done(r), Some(t)) => Some(Self::retrained(t, r)),
                (Outcome::Done(_), None) => None,
                (Outcome::Failed(e), _) => {
                    Some(Report::Error(t!("msg.retrain_failed", e = e).into_owned()))
                }
                (Outcome::Cancelled, _) => {
                    Some(Report::Info(t!("msg.retrain_cancelled").into_owned()))
                }
            });
            if let Some(t) = triage.as_ref() {
                reports.extend(self.after_retrain(t));
            }
        }
        match finished.compare {
            Some(Outcome::Done(rows)) => reports.push(Report::Compared(rows)),
            Some(Outcome::Failed(e)) => reports.push(Report::Error(
                t!("msg.comparison_failed", e = e).into_owned(),
            )),
            Some(Outcome::Cancelled) | None => {}
        }
        match (finished.segments, triage.as_mut()) {
            (Some(Outcome::Done(s)), Some(t)) => t.set_segments(s),
            (Some(Outcome::Failed(e)), _) => {
                reports.push(Report::Error(t!("msg.segments_failed", e = e).into_owned()))
            }
            (Some(Outcome::Done(_) | Outcome::Cancelled), _) | (None, _) => {}
        }
        match (finished.outlook, triage.as_mut()) {
            (Some(Outcome::Done(o)), Some(t)) => {
                if !o.notes.is_empty() {
                    reports.push(Report::Info(o.notes.join("; ")));
                }
                t.set_outlook(o);
            }
            (Some(Outcome::Failed(e)), _) => reports.push(Report::Error(
                t!("msg.prediction_failed", e = e).into_owned(),
            )),
            (Some(Outcome::Done(_) | Outcome::Cancelled), _) | (None, _) => {}
        }
        reports
    }
}
