//! The app: `logic` drains the background jobs, reads the keyboard and applies commands
//! (each a call into the application layer); `ui` only draws (panels push commands).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use eframe::egui::{self, Key, Modifiers, ViewportCommand};

use super::background::{self, Jobs};
use super::command::Command;
use super::frame_stats::FrameStats;
use super::i18n::{Language, name_of, t};
use super::live::LiveState;
use super::panels::{self, MappingDialog, Panels};
use super::settings::{AppSettings, RightTab, SETTINGS_KEY};
use super::view::{JobKind, Message, RunningJob, View};
use crate::cases::{self, Verdict};
use crate::detect::DetectorKind;
use crate::eval::EvalRow;
use crate::jobs::{Outcome, Waker};
use crate::log::{Mapping, Preview};
use crate::workbench::watch::OpenLog;
use crate::workbench::{
    self, CompareRequest, OpenRequest, Opened, Retrained, Triage, defaults, mapping_from,
};

/// How the window was started.
#[derive(Clone, Debug, Default)]
pub struct LaunchOptions {
    pub log: PathBuf,
    pub map: Option<PathBuf>,
    /// The launch log's encoding, over detection's.
    pub encoding: Option<String>,
    pub workspace: Option<PathBuf>,
    pub detector: Option<DetectorKind>,
    /// Labels are signed with this name (default: the OS user).
    pub author: Option<String>,
    /// Measure frame times while a retrain runs, write them here as JSON, then quit.
    pub frame_report: Option<PathBuf>,
    /// Measure while Live mode follows the log for this many seconds instead.
    pub frame_live_secs: Option<u64>,
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
    pub panels: Panels,
    pub comparison: Vec<EvalRow>,
    pub cjk_font: Option<PathBuf>,
    jobs: Jobs,
    opening: Option<Opening>,
    commands: Vec<Command>,
    frames: FrameStats,
    /// Live mode: the open log followed as it grows.
    live: Option<LiveState>,
    /// Live mode and a retrain take turns: the retrain reads the log as Live grew it, and
    /// Live follows with the model it gives. Set while one waits for the other.
    live_after_retrain: bool,
    retrain_after_live: bool,
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
        settings.language.apply();
        let mut app = Self {
            author: launch.author.clone().unwrap_or_else(cases::os_user),
            frames: FrameStats::new(launch.frame_report.clone()),
            ctx,
            settings,
            triage: None,
            message: None,
            panels: Panels::default(),
            comparison: Vec::new(),
            cjk_font,
            jobs: Jobs::new(),
            opening: None,
            commands: Vec::new(),
            live: None,
            live_after_retrain: false,
            retrain_after_live: false,
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
    pub fn running_jobs(&self) -> Vec<RunningJob> {
        self.jobs.running()
    }

    pub fn is_busy(&self) -> bool {
        !self.jobs.running().is_empty()
    }

    fn error(&mut self, text: String) {
        self.message = Some(Message::Error(text));
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message::Info(text));
    }

    fn start_open(&mut self, path: &Path) {
        // The launch's mapping and workspace belong to the launch log only.
        let launch_log = path == self.launch.log;
        let map = self.launch.map.clone().filter(|_| launch_log);
        let encoding = self.launch.encoding.clone().filter(|_| launch_log);
        let mapping = match mapping_from(map.as_deref(), encoding.as_deref()) {
            Ok(m) => m,
            Err(e) => return self.error(e.to_string()),
        };
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            workspace: self.launch.workspace.clone().filter(|_| launch_log),
            mapping,
            mapping_given: map.is_some(),
        });
        self.run_open(None);
    }

    fn run_open(&mut self, confirmed: Option<Box<Preview>>) {
        let Some(o) = &self.opening else { return };
        let request = OpenRequest {
            path: o.path.clone(),
            mapping: o.mapping.clone(),
            mapping_given: o.mapping_given,
            confirmed,
            workspace: o.workspace.clone(),
            detector: self.settings.detector,
            // The queue appears on a quick first look; the chosen detector follows.
            train_now: false,
            model: None,
        };
        let label = t!("msg.opening", file = panels::file_name(&o.path)).into_owned();
        let waker = self.waker();
        let started = background::start(&mut self.jobs.open, &label, waker, move |p| {
            workbench::open(request, p)
        });
        if let Err(e) = started {
            self.error(t!("msg.no_job", e = e).into_owned());
        }
    }

    fn start_retrain(&mut self) {
        if let Some(live) = self.live.as_mut().filter(|l| l.is_running()) {
            // Live pauses (its checkpoint holds) and hands over what it added; the retrain
            // starts once it has, and Live resumes with the new model.
            live.stop();
            self.retrain_after_live = true;
            self.live_after_retrain = true;
            return self.info(t!("msg.live_pauses").into_owned());
        }
        let Some(t) = &mut self.triage else { return };
        let input = match t.begin_retrain(self.settings.detector) {
            Ok(input) => input,
            Err(e) => return self.error(e.to_string()),
        };
        let label = match t.session.pending {
            Some(kind) => t!("msg.training", kind = kind).into_owned(),
            None => t!("msg.retraining", kind = input.kind, n = input.verdicts()).into_owned(),
        };
        let waker = self.waker();
        let started =
            background::start(&mut self.jobs.retrain, &label, waker, move |p| input.run(p));
        if let Err(e) = started {
            self.error(t!("msg.no_job", e = e).into_owned());
        }
    }

    fn start_compare(&mut self) {
        let Some(t) = &self.triage else { return };
        let data = t.session.data.clone();
        let request = CompareRequest {
            split: defaults::compare_split(),
            detectors: DetectorKind::ALL.to_vec(),
            level: crate::detect::Level::User,
            seed: defaults::SEED,
            epochs: defaults::EPOCHS,
            horizon_ms: None,
            top_k: defaults::TOP_K,
        };
        let waker = self.waker();
        let started = background::start(
            &mut self.jobs.compare,
            &t!("job.comparing"),
            waker,
            move |p| workbench::compare(data, &request, p),
        );
        if let Err(e) = started {
            self.error(t!("msg.no_job", e = e).into_owned());
        }
    }

    fn start_segments(&mut self) {
        let Some(t) = &self.triage else { return };
        let data = t.session.data.clone();
        let labels = t.labels.clone();
        let waker = self.waker();
        let started = background::start(
            &mut self.jobs.segments,
            &t!("job.segmenting"),
            waker,
            move |p| workbench::segment_dataset(&data, &labels, None, defaults::SEED, p),
        );
        if let Err(e) = started {
            self.error(t!("msg.no_job", e = e).into_owned());
        }
    }

    fn start_outlook(&mut self) {
        let Some(t) = &self.triage else { return };
        let data = t.session.data.clone();
        let waker = self.waker();
        let started = background::start(
            &mut self.jobs.outlook,
            &t!("job.predicting"),
            waker,
            move |p| workbench::outlook(&data, defaults::SEED, p),
        );
        if let Err(e) = started {
            self.error(t!("msg.no_job", e = e).into_owned());
        }
    }

    fn start_live(&mut self) {
        self.run_live(true);
    }

    /// Starts Live mode; `show` brings its tab forward (not when it resumes by itself after a
    /// retrain, while the analyst may be reading the model's report).
    fn run_live(&mut self, show: bool) {
        let Some(t) = &self.triage else {
            return;
        };
        if self.jobs.is_running(JobKind::Retrain) {
            // Live scores with the model the training gives.
            self.live_after_retrain = true;
            return self.info(t!("msg.live_waits").into_owned());
        }
        let s = &t.session;
        let earlier = self.live.take();
        let started = LiveState::start(
            &s.log_path,
            OpenLog::of(t),
            s.model.scores.clone(),
            self.waker(),
        );
        match started {
            Ok(mut live) => {
                if let Some(earlier) = earlier {
                    live.continue_from(earlier);
                }
                self.live = Some(live);
                if show {
                    self.settings.right_tab = RightTab::Live;
                }
            }
            Err(e) => self.error(t!("msg.no_live", e = e).into_owned()),
        }
    }

    /// Starts Live mode again when it waited for a retrain.
    fn resume_live(&mut self) {
        if std::mem::take(&mut self.live_after_retrain) {
            self.run_live(false);
        }
    }

    /// Takes what Live mode added to the log into the queue, and says how many alerts arrived.
    fn poll_live(&mut self) {
        let Some(live) = &mut self.live else {
            return;
        };
        let arrived = live.poll();
        let stopped = !live.is_running();
        let newest = live.alerts.last().map(|(_, a)| (a.user.clone(), a.score));
        if let (Some(grown), Some(t)) = (arrived.grown, &mut self.triage)
            && let Err(e) = t.absorb(grown)
        {
            self.error(e.to_string());
        }
        if stopped && std::mem::take(&mut self.retrain_after_live) {
            self.start_retrain();
        }
        if let (n @ 1.., Some((user, score))) = (arrived.alerts, newest) {
            let text = match n {
                1 => t!("msg.alert", user = &user, score = format!("{score:.2}")),
                n => t!("msg.alerts", n = n, user = &user),
            };
            self.info(text.into_owned());
            // The desktop's own notice, where it has one (a taskbar flash, a dock bounce, the
            // X11 urgency hint); only while the window is not in front, and never required.
            self.ctx
                .send_viewport_cmd(ViewportCommand::RequestUserAttention(
                    egui::UserAttentionType::Informational,
                ));
        }
    }

    fn poll_jobs(&mut self) {
        let finished = self.jobs.poll();
        match finished.open {
            Some(Outcome::Done(Opened::NeedsMapping(preview))) => {
                self.panels.mapping = Some(MappingDialog::new(*preview));
            }
            Some(Outcome::Done(Opened::Ready(session, workspace))) => {
                self.opening = None;
                match Triage::new(*session, workspace) {
                    Ok(t) => self.install(t),
                    Err(e) => self.error(e.to_string()),
                }
            }
            Some(Outcome::Failed(e)) => {
                let keep = match &self.triage {
                    Some(t) => t!(
                        "msg.still_showing",
                        file = panels::file_name(&t.session.log_path)
                    )
                    .into_owned(),
                    None => String::new(),
                };
                self.opening = None;
                self.error(t!("msg.could_not_open", e = e, keep = keep).into_owned());
            }
            Some(Outcome::Cancelled) => {
                self.opening = None;
                self.info(t!("msg.opening_cancelled").into_owned());
            }
            None => {}
        }
        match finished.retrain {
            Some(Outcome::Done(r)) => {
                self.apply_retrain(r);
                self.resume_live();
            }
            Some(Outcome::Failed(e)) => {
                self.error(t!("msg.retrain_failed", e = e).into_owned());
                self.resume_live();
            }
            Some(Outcome::Cancelled) => {
                self.info(t!("msg.retrain_cancelled").into_owned());
                self.resume_live();
            }
            None => {}
        }
        match finished.compare {
            Some(Outcome::Done(rows)) => self.comparison = rows,
            Some(Outcome::Failed(e)) => self.error(t!("msg.comparison_failed", e = e).into_owned()),
            Some(Outcome::Cancelled) | None => {}
        }
        match finished.segments {
            Some(Outcome::Done(s)) => {
                if let Some(t) = &mut self.triage {
                    t.set_segments(s);
                }
            }
            Some(Outcome::Failed(e)) => self.error(t!("msg.segments_failed", e = e).into_owned()),
            Some(Outcome::Cancelled) | None => {}
        }
        match finished.outlook {
            Some(Outcome::Done(o)) => {
                if !o.notes.is_empty() {
                    self.info(o.notes.join("; "));
                }
                if let Some(t) = &mut self.triage {
                    t.set_outlook(o);
                }
            }
            Some(Outcome::Failed(e)) => self.error(t!("msg.prediction_failed", e = e).into_owned()),
            Some(Outcome::Cancelled) | None => {}
        }
    }

    fn install(&mut self, t: Triage) {
        if let Some(old) = &self.triage {
            let _ = old.save_settings();
        }
        self.jobs.retrain.cancel();
        self.jobs.compare.cancel();
        self.comparison.clear();
        self.jobs.segments.cancel();
        self.jobs.outlook.cancel();
        // Live mode follows one log: another log starts without it.
        if let Some(live) = &mut self.live {
            live.stop();
        }
        self.live = None;
        self.live_after_retrain = false;
        self.retrain_after_live = false;
        let name = panels::file_name(&t.session.log_path);
        self.ctx
            .send_viewport_cmd(ViewportCommand::Title(format!("Vigil — {name}")));
        let model = &t.session.model;
        let how = match (model.from_disk, t.session.pending) {
            (true, _) => t!("msg.how_loaded"),
            (false, None) => t!("msg.how_trained"),
            (false, Some(_)) => t!("msg.how_first_look"),
        };
        let lang = Language::current();
        let mut info = t!(
            "msg.opened",
            file = &name,
            events = lang.number(t.session.data.log.len() as u64),
            users = lang.number(t.users() as u64),
            model = model.kind,
            how = how
        )
        .into_owned();
        if let Some(e) = &model.save_error {
            info.push_str(&t!("msg.not_kept", e = e));
        }
        let r = &t.session.report;
        let warned: u64 = r.warnings.iter().map(|s| s.count).sum();
        if r.rows_rejected + warned > 0 {
            info.push_str(&t!(
                "msg.rejected",
                rejected = r.rows_rejected,
                warned = warned
            ));
        }
        self.info(info);
        let pending = t.session.pending.is_some();
        self.triage = Some(t);
        if self.frames.is_measuring() && self.launch.frame_live_secs.is_some() {
            self.start_live();
        } else if pending || self.frames.is_measuring() {
            self.start_retrain();
        }
    }

    fn apply_retrain(&mut self, r: Retrained) {
        let Some(t) = &mut self.triage else { return };
        let first = t.session.pending.is_some();
        t.finish_retrain(r);
        let text = t!(
            "msg.retrained",
            how = if first {
                t!("msg.how_trained")
            } else {
                t!("msg.how_retrained")
            },
            kind = t.session.model.kind,
            flagged = t.at_suspicious().flagged
        );
        self.info(text.into_owned());
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
                (Key::N, Command::StartNote),
            ] {
                if i.consume_key(Modifiers::NONE, key) {
                    out.push(command);
                }
            }
            if i.consume_key(Modifiers::NONE, Key::Slash) {
                self.panels.queue.focus_search();
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
                match rfd::FileDialog::new().pick_file() {
                    Some(p) => self.start_open(&p),
                    None => self.panels.top_bar.ask_for_path(),
                }
            }
            Command::Open(path) => self.start_open(&path),
            Command::LoadConfirmed(preview, save_to) => {
                if let Some(to) = save_to
                    && let Err(e) = std::fs::write(&to, preview.to_mapping().to_toml())
                {
                    self.error(
                        t!("msg.mapping_not_saved", file = to.display(), e = e).into_owned(),
                    );
                }
                self.run_open(Some(preview));
            }
            Command::MappingCancelled => {
                if let Some(o) = self.opening.take() {
                    let file = panels::file_name(&o.path);
                    self.info(t!("msg.not_opened", file = file).into_owned());
                }
            }
            Command::Quit => self.ctx.send_viewport_cmd(ViewportCommand::Close),
            Command::CancelJobs => self.jobs.cancel_all(),
            Command::StartLive => self.start_live(),
            Command::SetLanguage(language) => {
                self.settings.language = language;
                language.apply();
            }
            Command::StopLive => {
                self.live_after_retrain = false;
                if let Some(live) = &mut self.live {
                    live.stop();
                }
            }
            Command::SetDetector(kind) => {
                self.settings.detector = kind;
                self.start_retrain();
            }
            Command::SetRetrainEvery(n) => self.settings.retrain_every = n,
            Command::SetDailyCapacity(n) => self.settings.daily_capacity = n.max(1),
            Command::ShowTab(tab) => self.settings.right_tab = tab,
            Command::Retrain => self.start_retrain(),
            Command::Compare => self.start_compare(),
            Command::FindSegments => self.start_segments(),
            Command::PredictBehaviour => self.start_outlook(),
            Command::StartNote => {
                let current = self
                    .triage
                    .as_ref()
                    .and_then(|t| t.selected.and_then(|u| t.case(u)))
                    .map(|c| c.note.clone())
                    .unwrap_or_default();
                self.panels.account.start_note(current);
            }
            other => self.apply_to_triage(other),
        }
    }

    /// Says what was saved, and retrains when enough verdicts have come since the last time.
    fn verdicts_saved(&mut self, text: std::borrow::Cow<'_, str>, retrain_due: bool) {
        self.info(text.into_owned());
        if retrain_due && !self.jobs.is_running(JobKind::Retrain) {
            self.start_retrain();
        }
    }

    fn apply_to_triage(&mut self, c: Command) {
        let Some(t) = &mut self.triage else { return };
        match c {
            Command::Select(u) => t.select(u),
            Command::Step(step) => t.step(step),
            Command::ToggleMark(u) => t.toggle_mark(u),
            Command::MarkRangeTo(u) => t.mark_range_to(u),
            Command::MarkLinked => {
                if let Some(u) = t.selected {
                    t.mark_linked(u);
                }
            }
            Command::MarkSimilar(by) => {
                if let Some(u) = t.selected {
                    t.mark_similar(u, crate::workbench::SIMILAR_SHOWN, by);
                }
            }
            Command::MarkQueue => t.mark_queue(),
            Command::ClearMarks => t.clear_marks(),
            Command::LabelMarked(verdict) => match t.label_marked(verdict, &self.author) {
                Ok(n) => {
                    let due = t.retrain_due(self.settings.retrain_every);
                    let verdict = name_of("verdict", verdict.name());
                    self.verdicts_saved(t!("msg.saved_many", n = n, verdict = verdict), due);
                }
                Err(e) => self.error(t!("msg.labels_not_saved", e = e).into_owned()),
            },
            Command::Label(verdict) => match t.label(verdict, &self.author) {
                Ok(Some(user)) => {
                    let due = t.retrain_due(self.settings.retrain_every);
                    let verdict = name_of("verdict", verdict.name());
                    self.verdicts_saved(t!("msg.saved_one", user = user, verdict = verdict), due);
                }
                Ok(None) => {}
                Err(e) => self.error(t!("msg.label_not_saved", e = e).into_owned()),
            },
            Command::Note(text) => match t.note(&text, &self.author) {
                Ok(Some(user)) => self.info(t!("msg.saved_note", user = user).into_owned()),
                Ok(None) => {}
                Err(e) => self.error(t!("msg.note_not_saved", e = e).into_owned()),
            },
            Command::Undo => match t.undo(&self.author) {
                Ok(Some(user)) => self.info(t!("msg.undone", user = user).into_owned()),
                Ok(None) => self.info(t!("msg.nothing_to_undo").into_owned()),
                Err(e) => self.error(t!("msg.undo_failed", e = e).into_owned()),
            },
            Command::SaveRule(rule) => match t.save_rule(&rule, &self.author) {
                Ok(saved) => self.info(
                    t!(
                        "msg.saved_rule",
                        name = &saved.name,
                        version = saved.version
                    )
                    .into_owned(),
                ),
                Err(e) => self.error(t!("msg.rule_not_saved", e = e).into_owned()),
            },
            Command::AddToList(entry) => {
                match t.add_to_lists(std::slice::from_ref(&entry), &self.author) {
                    Ok(_) => self.info(t!("msg.saved_entry", what = entry.reason()).into_owned()),
                    Err(e) => self.error(t!("msg.list_not_changed", e = e).into_owned()),
                }
            }
            Command::RemoveFromList(entry) => match t.remove_from_lists(&entry) {
                Ok(_) => self.info(
                    t!(
                        "msg.off_list",
                        role = &entry.role,
                        value = &entry.value,
                        list = name_of("list", entry.kind.name())
                    )
                    .into_owned(),
                ),
                Err(e) => self.error(t!("msg.list_not_changed", e = e).into_owned()),
            },
            Command::SetRuleEnabled(name, on) => {
                if let Err(e) = t.set_rule_enabled(&name, on, &self.author) {
                    self.error(t!("msg.rule_not_switched", e = e).into_owned());
                }
            }
            Command::SetThresholds(th) => {
                t.set_thresholds(th);
                self.settings_dirty_since.get_or_insert_with(Instant::now);
            }
            Command::SetFilter(f) => {
                t.set_filter(f);
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
            self.error(t!("msg.settings_not_saved", e = e).into_owned());
        }
    }
}

impl eframe::App for VigilApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.frames.begin(frame.info().cpu_usage);
        self.poll_jobs();
        self.poll_live();
        self.keyboard(ctx);
        for c in std::mem::take(&mut self.commands) {
            self.apply(c);
        }
        self.flush_settings(false);
        if self.settings_dirty_since.is_some() {
            ctx.request_repaint_after(Duration::from_millis(1100));
        }
        if !self.jobs.running().is_empty() {
            // Jobs wake the window when their progress moves; this shows their stage's time.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        if self.frames.is_measuring() {
            // The job measured: the retrain, or Live mode for its set time.
            let busy = match (self.launch.frame_live_secs, &self.live) {
                (Some(secs), Some(live)) => {
                    live.is_running() && self.frames.measured_secs() < secs as f64
                }
                (Some(_), None) => false,
                (None, _) => self.jobs.is_running(JobKind::Retrain),
            };
            if let Some(t) = &self.triage {
                self.frames.note_events(t.session.data.log.len());
            }
            if let Some(step) = self.frames.drive(busy) {
                self.commands.push(Command::Step(step));
            }
            if self.frames.finished(busy) {
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let jobs = self.jobs.running();
        let view = View {
            triage: self.triage.as_ref(),
            settings: &self.settings,
            jobs: &jobs,
            message: self.message.as_ref(),
            comparison: &self.comparison,
            has_cjk_font: self.cjk_font.is_some(),
            live: self.live.as_ref(),
        };
        let mut out = Vec::new();
        panels::window_ui(ui, &view, &mut self.panels, &mut out);
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
        if let Some(live) = &mut self.live {
            live.stop();
        }
        if let Some(t) = &self.triage {
            let _ = t.save_settings();
        }
        self.frames.write_report();
    }
}
