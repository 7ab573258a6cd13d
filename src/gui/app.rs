//! The app: `logic` drains the background work (`Orchestrator`), reads the keyboard and
//! applies commands (`commands`: each a call into the application layer); `ui` only draws
//! (panels push commands).

mod commands;
mod team_settings;
mod verdicts;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use eframe::egui::{self, Key, Modifiers, ViewportCommand};

use super::command::Command;
use super::follower::{Followed, Follower};
use super::frame_bench::{FrameBench, MeasuredJob};
use super::i18n::{Language, count, t};
use super::orchestrator::{Orchestrator, Report};
use super::panels::{self, MappingDialog, Panels};
use super::settings::{AppSettings, RightTab, SETTINGS_KEY};
use super::view::{JobKind, Message, RunningJob, View};
use crate::cases::Verdict;
use crate::detect::DetectorKind;
use crate::eval::EvalRow;
use crate::workbench::{Link, Triage, WorkbenchError, mapping_from};

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

/// How long threshold drags and filter edits wait, settled, before they are written.
const SETTINGS_SETTLE: Duration = Duration::from_secs(1);

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
    work: Orchestrator,
    commands: Vec<Command>,
    bench: FrameBench,
    /// Thresholds or filters changed and are not yet in the workspace.
    settings_dirty_since: Option<Instant>,
    /// Reads what other windows on the workspace change, on a thread of its own.
    follower: Option<Follower>,
    /// The team workspace's connection, as the status bar tells it.
    link: Link,
    /// When the window last tried to write what the offline journal holds.
    last_replay: Instant,
}

/// Now, as the workspace's times are kept (ms since the epoch).
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// While the offline journal holds verdicts, how often the window tries to write them.
const REPLAY_EVERY: Duration = Duration::from_secs(5);

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
            author: launch.author.clone().unwrap_or_else(crate::cases::os_user),
            bench: FrameBench::new(launch.frame_report.clone(), launch.frame_live_secs),
            work: Orchestrator::new(&ctx),
            ctx,
            settings,
            triage: None,
            message: None,
            panels: Panels::default(),
            comparison: Vec::new(),
            cjk_font,
            commands: Vec::new(),
            settings_dirty_since: None,
            follower: None,
            link: Link::default(),
            last_replay: Instant::now(),
            launch,
        };
        let first = app.launch.log.clone();
        app.open(&first);
        app
    }

    pub fn push(&mut self, c: Command) {
        self.commands.push(c);
    }

    /// The jobs running now, for the status bar.
    pub fn running_jobs(&self) -> Vec<RunningJob> {
        self.work.running()
    }

    pub fn is_busy(&self) -> bool {
        !self.work.running().is_empty()
    }

    fn error(&mut self, text: String) {
        self.message = Some(Message::Error(text));
    }

    fn info(&mut self, text: String) {
        self.message = Some(Message::Info(text));
    }

    /// Says `text` of a failure: one the workspace's outage caused is told as part of the
    /// connection's story, and goes when the outage does.
    fn failed(&mut self, text: String, e: &WorkbenchError) {
        match e.is_offline() {
            true => {
                self.lost(&e.to_string());
                self.message = Some(Message::Unreachable(text));
            }
            false => self.error(text),
        }
    }

    /// The window's own write found the workspace away: the status bar says so, and the
    /// follower says when it is back.
    fn lost(&mut self, reason: &str) {
        self.link.lost(now_ms(), reason);
        if let Some(f) = &self.follower {
            f.doubt();
        }
    }

    /// The workspace answered: an outage this ends is told in the status bar, and the
    /// messages it caused are dropped.
    fn reached(&mut self) {
        if self.link.reached(now_ms()) && matches!(self.message, Some(Message::Unreachable(_))) {
            self.message = None;
        }
    }

    /// Opens `path` in the background; the launch's mapping, encoding and workspace belong to
    /// the launch log only.
    fn open(&mut self, path: &Path) {
        let launch_log = path == self.launch.log;
        let map = self.launch.map.clone().filter(|_| launch_log);
        let encoding = self.launch.encoding.clone().filter(|_| launch_log);
        let mapping = match mapping_from(map.as_deref(), encoding.as_deref()) {
            Ok(m) => m,
            Err(e) => return self.error(e.to_string()),
        };
        let workspace = self.launch.workspace.clone().filter(|_| launch_log);
        let report = self.work.open(
            path.to_path_buf(),
            mapping,
            map.is_some(),
            workspace,
            self.settings.detector,
        );
        self.take_reports(report);
    }

    /// Retrains the open log's model with the chosen detector.
    fn retrain(&mut self) {
        if let Some(t) = &mut self.triage {
            let report = self.work.retrain(t, self.settings.detector);
            self.take_reports(report);
        }
    }

    /// Does what the orchestrator asks of the window.
    fn take_reports(&mut self, reports: impl IntoIterator<Item = Report>) {
        for report in reports {
            match report {
                Report::Info(text) => self.info(text),
                Report::Error(text) => self.error(text),
                Report::AskMapping(preview) => {
                    self.panels.mapping = Some(MappingDialog::new(*preview));
                }
                Report::Opened(t) => self.install(*t),
                Report::Retrained { first } => self.retrained(first),
                Report::Compared(rows) => self.comparison = rows,
                Report::ShowLive => self.settings.right_tab = RightTab::Live,
                Report::Alerted => {
                    // The desktop's own notice, where it has one (a taskbar flash, a dock
                    // bounce, the X11 urgency hint); only while the window is not in front,
                    // and never required.
                    self.ctx
                        .send_viewport_cmd(ViewportCommand::RequestUserAttention(
                            egui::UserAttentionType::Informational,
                        ));
                }
            }
        }
    }

    /// Puts a newly opened log in the window, in place of the one shown.
    fn install(&mut self, t: Triage) {
        self.save_settings();
        self.work.reset_for_new_log();
        self.comparison.clear();
        let name = panels::file_name(t.log_path());
        self.ctx
            .send_viewport_cmd(ViewportCommand::Title(format!("Vigil — {name}")));
        self.info(opened_text(&t, &name));
        let pending = t.pending_detector().is_some();
        let mut t = t;
        // Verdicts are signed by --author when given, else by who the workspace says we are
        // (the database's user on a team's server).
        let author = self
            .launch
            .author
            .clone()
            .unwrap_or_else(|| t.me().to_string());
        if let Err(e) = t.act_as(&author) {
            self.error(e.to_string());
        }
        self.author = t.me().to_string();
        self.follower = Some(Follower::start(&t, self.ctx.clone()));
        self.triage = Some(t);
        match self.bench.job() {
            Some(MeasuredJob::Live { .. }) => self.start_live(true),
            Some(MeasuredJob::Retrain) => self.retrain(),
            None if pending => self.retrain(),
            None => {}
        }
    }

    fn start_live(&mut self, show: bool) {
        if let Some(t) = &self.triage {
            let report = self.work.start_live(t, show);
            self.take_reports(report);
        }
    }

    fn retrained(&mut self, first: bool) {
        let Some(t) = &self.triage else { return };
        let how = if first {
            t!("msg.how_trained")
        } else {
            t!("msg.how_retrained")
        };
        let text = t!(
            "msg.retrained",
            how = how,
            kind = t.model().kind,
            flagged = count(t.at_suspicious().flagged)
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

    /// Takes in what others (and this analyst elsewhere) changed: verdicts, claims, rules,
    /// lists and thresholds; follows the connection's story; writes what the offline journal
    /// holds once the workspace is back.
    fn sync(&mut self) {
        let heard = self
            .follower
            .as_ref()
            .map(Follower::take)
            .unwrap_or_default();
        for followed in heard {
            match followed {
                Followed::Delta(delta) => {
                    let Some(t) = &mut self.triage else { continue };
                    if t.apply_delta(*delta).model {
                        let report = self.work.take_team_model(t);
                        self.take_reports(report);
                    }
                }
                Followed::Away(e) => self.link.lost(now_ms(), &e),
                Followed::Back => {
                    self.reached();
                    self.replay_held();
                }
            }
        }
        if !self.link.is_away() && self.last_replay.elapsed() > REPLAY_EVERY {
            self.replay_held();
        }
    }

    /// Writes the verdicts the offline journal holds, if it holds any.
    fn replay_held(&mut self) {
        self.last_replay = Instant::now();
        let Some(t) = &mut self.triage else { return };
        if t.held() == 0 {
            return;
        }
        match t.replay_held() {
            Ok(Some(r)) => {
                self.reached();
                self.link.replayed(now_ms(), &r);
                if !r.conflicts.is_empty() {
                    let text = t!(
                        "msg.replay_conflicts",
                        n = count(r.written),
                        m = count(r.conflicts.len())
                    );
                    self.info(text.into_owned());
                } else if matches!(self.message, Some(Message::Unreachable(_))) {
                    self.message = None;
                }
            }
            Ok(None) => {}
            Err(e) => self.failed(t!("msg.replay_failed", e = e).into_owned(), &e),
        }
    }

    /// Threshold drags and filter edits reach the workspace once they settle.
    fn flush_settings(&mut self) {
        if self
            .settings_dirty_since
            .is_some_and(|t| t.elapsed() > SETTINGS_SETTLE)
        {
            self.save_settings();
        }
    }

    /// Writes the open log's thresholds, filter and selection to its workspace now.
    fn save_settings(&mut self) {
        self.settings_dirty_since = None;
        if let Some(t) = &mut self.triage
            && let Err(e) = t.save_settings()
        {
            self.failed(t!("msg.settings_not_saved", e = e).into_owned(), &e);
        }
    }

    /// The frame benchmark's part of a frame's logic, while it measures.
    fn drive_bench(&mut self, ctx: &egui::Context) {
        let retraining = self.work.is_running(JobKind::Retrain);
        let live_running = self.work.live().is_some_and(|l| l.is_running());
        let events = self.triage.as_ref().map(Triage::event_count);
        let Some(step) = self.bench.drive(retraining, live_running, events) else {
            return;
        };
        if let Some(step) = step.step {
            self.commands.push(Command::Step(step));
        }
        if step.close {
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
        ctx.request_repaint();
    }
}

/// "shop.csv: 24,306 events · 5,000 users, ordered by zscore (quick first look)", with what
/// was not kept or not read.
fn opened_text(t: &Triage, name: &str) -> String {
    let model = t.model();
    let how = match (model.from_disk, t.pending_detector()) {
        (true, _) => t!("msg.how_loaded"),
        (false, None) => t!("msg.how_trained"),
        (false, Some(_)) => t!("msg.how_first_look"),
    };
    let lang = Language::current();
    let mut text = t!(
        "msg.opened",
        file = name,
        events = lang.number(t.event_count() as u64),
        users = lang.number(t.users() as u64),
        model = model.kind,
        how = how
    )
    .into_owned();
    if let Some(e) = &model.save_error {
        text.push_str(&t!("msg.not_kept", e = e));
    }
    let r = t.load_report();
    let warned: u64 = r.warnings.iter().map(|s| s.count).sum();
    if r.rows_rejected + warned > 0 {
        text.push_str(&t!(
            "msg.rejected",
            rejected = count(r.rows_rejected),
            warned = count(warned)
        ));
    }
    text
}

impl eframe::App for VigilApp {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.bench.begin_frame(frame.info().cpu_usage);
        let reports = self.work.poll(&mut self.triage, self.settings.detector);
        self.take_reports(reports);
        self.keyboard(ctx);
        for c in std::mem::take(&mut self.commands) {
            self.apply(c);
        }
        self.flush_settings();
        self.sync();
        if self.settings_dirty_since.is_some() {
            ctx.request_repaint_after(SETTINGS_SETTLE + Duration::from_millis(100));
        }
        if self.is_busy() {
            // Jobs wake the window when their progress moves; this shows their stage's time.
            ctx.request_repaint_after(Duration::from_millis(500));
        }
        self.drive_bench(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let jobs = self.work.running();
        let view = View {
            triage: self.triage.as_ref(),
            settings: &self.settings,
            jobs: &jobs,
            message: self.message.as_ref(),
            comparison: &self.comparison,
            has_cjk_font: self.cjk_font.is_some(),
            live: self.work.live(),
            link: self.link.status(now_ms()),
        };
        let mut out = Vec::new();
        panels::window_ui(ui, &view, &mut self.panels, &mut out);
        self.commands.extend(out);
        self.bench.end_frame();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        self.save_settings();
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.work.shut_down();
        if let Some(t) = &mut self.triage {
            // The claims go whatever became of the settings: a teammate may take the account.
            if let Err(e) = t.save_settings() {
                eprintln!("vigil: {}", t!("msg.settings_not_saved", e = e));
            }
            if let Err(e) = t.release_claims() {
                eprintln!("vigil: {}", t!("msg.claims_not_released", e = e));
            }
        }
        self.bench.finish();
    }
}
