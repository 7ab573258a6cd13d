//! The app: `logic` drains the background jobs, reads the keyboard and applies commands;
//! `ui` only draws (panels push commands). Heavy work never runs here.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui::{self, Key, Modifiers, ViewportCommand};
use serde::{Deserialize, Serialize};

use crate::cases::{self, Source, Verdict};
use crate::detect::DetectorKind;
use crate::eval::EvalRow;
use crate::jobs::{JobProgress, JobSlot, Outcome, Waker};
use crate::log::Mapping;

use super::command::Command;
use super::frame_stats::FrameStats;
use super::panels::{self, PanelStates};
use super::pipeline::{self, OpenRequest, Opened, Retrained};
use super::state::{LabelFilter, ModelReport, Triage};

/// How the window was started.
#[derive(Clone, Debug, Default)]
pub struct LaunchOptions {
    pub log: PathBuf,
    pub map: Option<PathBuf>,
    pub workspace: Option<PathBuf>,
    pub detector: Option<DetectorKind>,
    /// Labels are signed with this name (default: the OS user).
    pub author: Option<String>,
    /// Measure frame times while a retrain runs, write them here as JSON, then quit.
    pub frame_report: Option<PathBuf>,
}

/// What the window remembers between runs (per machine, not per log).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    /// Retrain after this many new labels (0: only on command).
    pub retrain_every: usize,
    /// Accounts the team can review per day, against which the flagged count is shown.
    pub daily_capacity: usize,
    pub detector: DetectorKind,
    pub right_tab: panels::RightTab,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            retrain_every: 20,
            daily_capacity: 200,
            detector: DetectorKind::Ensemble,
            right_tab: panels::RightTab::Distribution,
        }
    }
}

const SETTINGS_KEY: &str = "vigil-settings";

#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Info(String),
    Error(String),
}

/// The open job's context: where its workspace goes, which log it reads.
struct Opening {
    path: PathBuf,
    workspace: Option<PathBuf>,
    mapping: Mapping,
    mapping_given: bool,
}

pub struct VigilApp {
    ctx: egui::Context,
    launch: LaunchOptions,
    pub settings: AppSettings,
    pub triage: Option<Triage>,
    pub author: String,
    pub message: Option<Message>,
    pub panels: PanelStates,
    pub comparison: Vec<EvalRow>,
    pub cjk_font: Option<PathBuf>,
    open_job: JobSlot<Opened>,
    opening: Option<Opening>,
    retrain_job: JobSlot<Retrained>,
    retrain_before: Option<ModelReport>,
    /// Labels given since training when the running retrain started (it learns from those).
    retrain_started_after: usize,
    compare_job: JobSlot<Vec<EvalRow>>,
    commands: Vec<Command>,
    frames: FrameStats,
    /// Thresholds or filters changed and are not yet in the workspace.
    settings_dirty_since: Option<Instant>,
}

impl VigilApp {
    /// Builds the app and starts opening the launch log in the background.
    pub fn new(
        ctx: egui::Context,
        launch: LaunchOptions,
        storage: Option<&dyn eframe::Storage>,
    ) -> Self {
        let cjk_font = super::fonts::install_cjk_fallback(&ctx);
        let mut settings: AppSettings = storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        if let Some(d) = launch.detector {
            settings.detector = d;
        }
        let mut app = Self {
            author: launch.author.clone().unwrap_or_else(cases::os_user),
            frames: FrameStats::new(launch.frame_report.clone()),
            ctx,
            settings,
            triage: None,
            message: None,
            panels: PanelStates::default(),
            comparison: Vec::new(),
            cjk_font,
            open_job: JobSlot::new("open"),
            opening: None,
            retrain_job: JobSlot::new("retrain"),
            retrain_before: None,
            retrain_started_after: 0,
            compare_job: JobSlot::new("compare"),
            commands: Vec::new(),
            settings_dirty_since: None,
            launch,
        };
        let first = app.launch.log.clone();
        app.start_open(&first);
        app
    }

    fn waker(&self) -> Waker {
        let ctx = self.ctx.clone();
        Arc::new(move || ctx.request_repaint())
    }

    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    /// The jobs running now, for the status bar.
    pub fn running_jobs(&self) -> Vec<JobProgress> {
        [
            self.open_job.progress(),
            self.retrain_job.progress(),
            self.compare_job.progress(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }

    pub fn is_busy(&self) -> bool {
        !self.running_jobs().is_empty()
    }

    fn start_open(&mut self, path: &Path) {
        // The launch's mapping and workspace belong to the launch log only.
        let launch_log = path == self.launch.log;
        let map = self.launch.map.clone().filter(|_| launch_log);
        let mapping = match &map {
            Some(m) => match Mapping::from_file(m) {
                Ok(mapping) => mapping,
                Err(e) => {
                    self.message = Some(Message::Error(e.to_string()));
                    return;
                }
            },
            None => Mapping::default(),
        };
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            workspace: self.launch.workspace.clone().filter(|_| launch_log),
            mapping,
            mapping_given: map.is_some(),
        });
        self.run_open(None);
    }

    fn run_open(&mut self, confirmed: Option<Box<crate::log::Preview>>) {
        let Some(o) = &self.opening else { return };
        let request = OpenRequest {
            path: o.path.clone(),
            mapping: o.mapping.clone(),
            mapping_given: o.mapping_given,
            confirmed,
            workspace: o.workspace.clone(),
            detector: self.settings.detector,
        };
        let label = format!("opening {}", file_name(&o.path));
        let waker = self.waker();
        if let Err(e) = self
            .open_job
            .start(&label, waker, move |p| pipeline::open(request, p))
        {
            self.message = Some(Message::Error(format!("could not start a job: {e}")));
        }
    }

    fn start_retrain(&mut self) {
        let Some(t) = &self.triage else { return };
        let verdicts = match t.workspace.training_labels() {
            Ok(v) => v,
            Err(e) => {
                self.message = Some(Message::Error(e.to_string()));
                return;
            }
        };
        self.retrain_before = Some(t.report());
        self.retrain_started_after = t.labels_since_training;
        let log = t.session.data.log.clone();
        let kind = self.settings.detector;
        let dir = t.session.model.dir.clone();
        let waker = self.waker();
        let label = format!("retraining {kind} on {} labels", verdicts.len());
        if let Err(e) = self.retrain_job.start(&label, waker, move |p| {
            pipeline::retrain(log, &verdicts, kind, dir, p)
        }) {
            self.message = Some(Message::Error(format!("could not start a job: {e}")));
        }
    }

    fn start_compare(&mut self) {
        let Some(t) = &self.triage else { return };
        let data = t.session.data.clone();
        let waker = self.waker();
        let kinds = DetectorKind::ALL.to_vec();
        if let Err(e) = self
            .compare_job
            .start("comparing detectors", waker, move |p| {
                pipeline::compare(data, &kinds, p)
            })
        {
            self.message = Some(Message::Error(format!("could not start a job: {e}")));
        }
    }

    fn poll_jobs(&mut self) {
        match self.open_job.poll() {
            Some(Outcome::Done(Opened::NeedsMapping(preview))) => {
                self.panels.mapping = Some(panels::MappingDialog::new(*preview));
            }
            Some(Outcome::Done(Opened::Ready(session, workspace))) => {
                self.opening = None;
                match Triage::new(*session, workspace) {
                    Ok(t) => self.install(t),
                    Err(e) => self.message = Some(Message::Error(e)),
                }
            }
            Some(Outcome::Failed(e)) => {
                let keep = match &self.triage {
                    Some(t) => format!("; still showing {}", file_name(&t.session.log_path)),
                    None => String::new(),
                };
                self.opening = None;
                self.message = Some(Message::Error(format!("could not open: {e}{keep}")));
            }
            Some(Outcome::Cancelled) => {
                self.opening = None;
                self.message = Some(Message::Info("opening cancelled".into()));
            }
            None => {}
        }
        match self.retrain_job.poll() {
            Some(Outcome::Done(r)) => self.apply_retrain(r),
            Some(Outcome::Failed(e)) => {
                self.message = Some(Message::Error(format!("retrain failed: {e}")))
            }
            Some(Outcome::Cancelled) => {
                self.message = Some(Message::Info("retrain cancelled".into()))
            }
            None => {}
        }
        match self.compare_job.poll() {
            Some(Outcome::Done(rows)) => self.comparison = rows,
            Some(Outcome::Failed(e)) => {
                self.message = Some(Message::Error(format!("comparison failed: {e}")))
            }
            Some(Outcome::Cancelled) | None => {}
        }
    }

    fn install(&mut self, t: Triage) {
        if let Some(old) = &self.triage {
            let _ = old.save_settings();
        }
        self.retrain_job.cancel();
        self.compare_job.cancel();
        self.comparison.clear();
        let name = file_name(&t.session.log_path);
        self.ctx
            .send_viewport_cmd(ViewportCommand::Title(format!("Vigil — {name}")));
        let model = &t.session.model;
        let how = if model.from_disk { "loaded" } else { "trained" };
        let mut info = format!(
            "{name}: {} events, {} users; {} model {how}",
            t.session.data.log.len(),
            t.users(),
            model.kind
        );
        if let Some(e) = &model.save_error {
            info.push_str(&format!(" (not kept: {e})"));
        }
        self.message = Some(Message::Info(info));
        self.triage = Some(t);
        if self.frames.is_measuring() {
            self.start_retrain();
        }
    }

    fn apply_retrain(&mut self, r: Retrained) {
        let Some(t) = &mut self.triage else { return };
        let given = t.labels_since_training;
        t.replace_model(r.data, r.model);
        // Labels given while it trained are not in the new model yet.
        t.labels_since_training = given.saturating_sub(self.retrain_started_after);
        let after = t.report();
        if let Some(before) = self.retrain_before.take() {
            t.retrain_report = Some((before, after));
        }
        self.message = Some(Message::Info(format!(
            "retrained {}: {} flagged",
            t.session.model.kind,
            t.at_suspicious().flagged
        )));
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        let mut out = Vec::new();
        ctx.input_mut(|i| {
            if i.consume_key(Modifiers::COMMAND, Key::Q) {
                out.push(Command::Quit);
            }
            if i.consume_key(Modifiers::COMMAND, Key::O) {
                out.push(Command::OpenDialog);
            }
            if typing {
                return;
            }
            if i.consume_key(Modifiers::COMMAND, Key::Z) {
                out.push(Command::Undo);
            }
            for (key, command) in [
                (Key::J, Command::Step(1)),
                (Key::K, Command::Step(-1)),
                (Key::F, Command::Label(Verdict::Fraud)),
                (Key::L, Command::Label(Verdict::Legit)),
                (Key::U, Command::Label(Verdict::Unsure)),
            ] {
                if i.consume_key(Modifiers::NONE, key) {
                    out.push(command);
                }
            }
            if i.consume_key(Modifiers::NONE, Key::N) {
                self.panels.start_note = true;
            }
            if i.consume_key(Modifiers::NONE, Key::Slash) {
                self.panels.focus_search = true;
            }
        });
        // Files dropped on the window open like File → Open.
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        out.extend(dropped.into_iter().take(1).map(Command::Open));
        self.commands.extend(out);
    }

    fn apply(&mut self, c: Command) {
        match c {
            Command::OpenDialog => {
                // The native dialog must run on the main thread; it blocks only this frame.
                if let Some(p) = rfd::FileDialog::new().pick_file() {
                    self.start_open(&p);
                } else {
                    self.panels.open_path = Some(String::new());
                }
            }
            Command::Open(path) => self.start_open(&path),
            Command::LoadConfirmed(preview, save_to) => {
                if let Some(to) = save_to {
                    let text = preview.to_mapping().to_toml();
                    if let Err(e) = std::fs::write(&to, text) {
                        self.message = Some(Message::Error(format!(
                            "could not save the mapping to {}: {e}",
                            to.display()
                        )));
                    }
                }
                self.run_open(Some(preview));
            }
            Command::MappingCancelled => {
                if let Some(o) = self.opening.take() {
                    self.message = Some(Message::Info(format!(
                        "not opened: {} (no mapping confirmed)",
                        file_name(&o.path)
                    )));
                }
            }
            Command::Quit => self.ctx.send_viewport_cmd(ViewportCommand::Close),
            Command::CancelJobs => {
                self.open_job.cancel();
                self.retrain_job.cancel();
                self.compare_job.cancel();
            }
            Command::SetDetector(kind) => {
                self.settings.detector = kind;
                self.start_retrain();
            }
            Command::Retrain => self.start_retrain(),
            Command::Compare => self.start_compare(),
            other => self.apply_to_triage(other),
        }
    }

    fn apply_to_triage(&mut self, c: Command) {
        let Some(t) = &mut self.triage else { return };
        match c {
            Command::Select(u) => t.selected = Some(u),
            Command::Step(step) => {
                if let Some(u) = t.neighbour(step) {
                    t.selected = Some(u);
                }
            }
            Command::Label(verdict) => {
                let Some(u) = t.selected else { return };
                let user = t.user_name(u).to_string();
                match t
                    .workspace
                    .set_verdict(&user, verdict, &self.author, Source::Analyst)
                {
                    Ok(case) => {
                        let next = t.neighbour(1);
                        t.cases.insert(u as u32, case);
                        t.labels_since_training += 1;
                        t.relabel();
                        if t.filter.label != LabelFilter::All {
                            t.rebuild_queue();
                        }
                        t.selected = next.or(t.selected);
                        self.message =
                            Some(Message::Info(format!("saved: {user} {}", verdict.name())));
                        let due = self.settings.retrain_every > 0
                            && t.labels_since_training >= self.settings.retrain_every;
                        if due && !self.retrain_job.is_running() {
                            self.start_retrain();
                        }
                    }
                    Err(e) => self.message = Some(Message::Error(format!("label NOT saved: {e}"))),
                }
            }
            Command::Note(text) => {
                let Some(u) = t.selected else { return };
                let user = t.user_name(u).to_string();
                match t.workspace.set_note(&user, &text, &self.author) {
                    Ok(case) => {
                        t.cases.insert(u as u32, case);
                        self.message = Some(Message::Info(format!("saved: note on {user}")));
                    }
                    Err(e) => self.message = Some(Message::Error(format!("note NOT saved: {e}"))),
                }
            }
            Command::Undo => match t.workspace.undo(&self.author) {
                Ok(Some(undone)) => {
                    if let Some(u) = t.session.data.log.columns.user.dict.lookup(&undone.user) {
                        match undone.now {
                            Some(case) => t.cases.insert(u, case),
                            None => t.cases.remove(&u),
                        };
                        t.labels_since_training = t.labels_since_training.saturating_sub(1);
                        t.relabel();
                        t.rebuild_queue();
                        t.selected = Some(u as usize);
                    }
                    self.message = Some(Message::Info(format!("undone: {}", undone.user)));
                }
                Ok(None) => self.message = Some(Message::Info("nothing to undo".into())),
                Err(e) => self.message = Some(Message::Error(format!("undo failed: {e}"))),
            },
            Command::SetThresholds(th) => {
                t.thresholds = th;
                if t.filter.risk != Default::default() || t.filter.order != Default::default() {
                    t.rebuild_queue();
                }
                self.settings_dirty_since.get_or_insert_with(Instant::now);
            }
            Command::SetFilter(f) => {
                t.filter = f;
                t.rebuild_queue();
                if t.queue_position().is_none() {
                    t.selected = t.queue.first().copied().or(t.selected);
                }
                self.settings_dirty_since.get_or_insert_with(Instant::now);
            }
            _ => {}
        }
    }

    /// Threshold drags and filter edits reach the workspace once they settle.
    fn flush_settings(&mut self, force: bool) {
        let due = self
            .settings_dirty_since
            .is_some_and(|t| force || t.elapsed() > Duration::from_secs(1));
        if !due {
            return;
        }
        self.settings_dirty_since = None;
        if let Some(t) = &self.triage
            && let Err(e) = t.save_settings()
        {
            self.message = Some(Message::Error(format!("settings not saved: {e}")));
        }
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl eframe::App for VigilApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.frames.begin(frame.info().cpu_usage);
        self.poll_jobs();
        self.keyboard(ctx);
        for c in std::mem::take(&mut self.commands) {
            self.apply(c);
        }
        self.flush_settings(false);
        if self.settings_dirty_since.is_some() {
            ctx.request_repaint_after(Duration::from_millis(1100));
        }
        if self.frames.is_measuring() {
            let retraining = self.retrain_job.is_running();
            if let Some(step) = self.frames.drive(retraining) {
                self.commands.push(Command::Step(step));
            }
            if self.frames.finished(retraining) {
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut out = Vec::new();
        panels::window_ui(ui, self, &mut out);
        self.commands.extend(out);
        self.frames.end();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        self.flush_settings(true);
        if let Some(t) = &self.triage {
            let _ = t.save_settings();
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(t) = &self.triage {
            let _ = t.save_settings();
        }
        self.frames.write_report();
    }
}
