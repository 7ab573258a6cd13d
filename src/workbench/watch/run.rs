//! `watch`: follow a growing log (or a folder of new files) until stopped. Each look at the
//! source reads what was appended, scores it, stores the alerts with the new read position
//! in one workspace transaction, and only then hands them out (and appends them to the alerts
//! file). A watch killed at any moment resumes from the stored position; alerts stored but not
//! yet in the alerts file are written there first, so none is lost or written twice.
//!
//! The source is looked at when the file system says it changed (notify, through a tokio
//! channel) and at least every `poll_ms`, for file systems that do not say.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;

use super::super::error::{Result, WorkbenchError};
use super::super::triage::Triage;
use super::growth::ScoredBatch;
use super::scorer::{Alert, AlertEvent, Ingested, LiveScorer, ScorerSetup};
use crate::cases::{Case, SettingKey, Workspace};
use crate::detect::{Detector, Risk, Thresholds};
use crate::features::Dataset;
use crate::log::Mapping;
use crate::log::appended::{AppendedEvents, read_appended};
use crate::log::tail::{Tail, TailPosition};
use crate::log::timeparse::format_rfc3339;
use crate::progress::Progress;
use crate::rules::{ListEntry, Rule};

pub struct WatchRequest {
    /// A log file that grows, or a folder new files are dropped into.
    pub source: PathBuf,
    /// The log the accounts' past is read from (and the model was trained on): the source
    /// itself when it is a file; required for a folder.
    pub history: Option<PathBuf>,
    pub mapping: Mapping,
    pub workspace: Option<PathBuf>,
    /// The model directory to score with (`vigil train` wrote it); default: the workspace's
    /// kept model, or the default detector trained on the history.
    pub model: Option<PathBuf>,
    /// Alerts are appended here, one JSON line each.
    pub alerts: Option<PathBuf>,
    /// The longest wait between two looks at the source.
    pub poll_ms: u64,
}

/// What a watch reports as it goes.
pub enum WatchEvent {
    /// Ready: the history read, the model in place, following from here.
    Started {
        history_events: usize,
        model: String,
        /// How many of the first events scored the open log already holds (a resumed watch
        /// reads again what was appended after its checkpoint): what `Growth` skips.
        known: usize,
    },
    /// An alert, stored (its workspace id) and written to the alerts file.
    Alert { id: i64, alert: Box<Alert> },
    /// A look that found new events: how many, how long scoring them took, how many alerts
    /// they raised (they follow), and the batch as scored (what `Growth` adds).
    Scored {
        events: usize,
        millis: f64,
        alerts: usize,
        batch: Box<ScoredBatch>,
    },
    /// Rows turned away, or a file that could not be read; the watch goes on.
    Warning(String),
    /// A look that found nothing new: a face can finish what waits for a quiet moment.
    Quiet,
}

/// An alert as the alerts file and `vigil watch` print it: one JSON line, with its id, its
/// reasons in English and the moment it was raised in RFC 3339.
pub fn alert_line(id: i64, alert: &Alert) -> serde_json::Result<String> {
    #[derive(Serialize)]
    struct Line<'a> {
        id: i64,
        user: &'a str,
        score: f32,
        risk: Risk,
        reasons: Vec<String>,
        events: &'a [AlertEvent],
        raised_at: String,
        file: &'a str,
    }
    serde_json::to_string(&Line {
        id,
        user: &alert.user,
        score: alert.score,
        risk: alert.risk,
        reasons: alert.reasons.iter().map(ToString::to_string).collect(),
        events: &alert.events,
        raised_at: format_rfc3339(alert.raised_at_ms),
        file: &alert.file,
    })
}

/// How a watch ended.
pub struct WatchSummary {
    pub events: u64,
    pub alerts: u64,
}

fn source_key(source: &Path) -> String {
    std::fs::canonicalize(source)
        .unwrap_or_else(|_| source.to_path_buf())
        .display()
        .to_string()
}

/// Opens the history log as the window does, with the kept model (or trains the default one).
fn open_history(request: &WatchRequest, progress: &dyn Progress) -> Result<Triage> {
    let is_folder = request.source.is_dir();
    let history = match (&request.history, is_folder) {
        (Some(h), _) => h.clone(),
        (None, false) => request.source.clone(),
        (None, true) => {
            return Err(WorkbenchError::Request(format!(
                "{}: watching a folder needs --history LOG, the log its accounts' past is read from",
                request.source.display()
            )));
        }
    };
    Triage::open_headless(
        &history,
        &request.mapping,
        request.workspace.clone(),
        request.model.clone(),
        true,
        progress,
    )
}

/// The id of the last alert in the alerts file (0 when none).
fn last_written_id(path: &Path) -> u64 {
    let Ok(file) = File::open(path) else {
        return 0;
    };
    BufReader::new(file)
        .lines()
        .map_while(std::result::Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .filter_map(|v| v.get("id").and_then(serde_json::Value::as_u64))
        .max()
        .unwrap_or(0)
}

struct AlertsFile {
    path: PathBuf,
    file: File,
}

impl AlertsFile {
    fn open(path: &Path) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| output_error(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
        })
    }

    fn write(&mut self, line: &str) -> Result<()> {
        writeln!(self.file, "{line}")
            .and_then(|()| self.file.sync_data())
            .map_err(|e| output_error(&self.path, e))
    }

    /// Writes the alerts stored before a crash but not yet written out.
    fn catch_up(
        &mut self,
        workspace: &Workspace,
        key: &str,
        on: &mut dyn FnMut(WatchEvent),
    ) -> Result<()> {
        let written = last_written_id(&self.path) as i64;
        for stored in workspace.alerts_after(key, written)? {
            match serde_json::from_str::<Alert>(&stored.body)
                .and_then(|alert| alert_line(stored.id, &alert))
            {
                Ok(line) => self.write(&line)?,
                Err(e) => on(WatchEvent::Warning(format!(
                    "stored alert {}: {e}",
                    stored.id
                ))),
            }
        }
        Ok(())
    }
}

fn output_error(path: &Path, e: std::io::Error) -> WorkbenchError {
    WorkbenchError::Output {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn json_error(path: &Path, e: serde_json::Error) -> WorkbenchError {
    output_error(path, std::io::Error::other(e))
}

/// What a watch needs of the open history log: its dataset, model, thresholds, rules, lists,
/// mapping and workspace. The window passes its own (`of`), so Live mode does not read and
/// featurise the log a second time.
pub struct OpenLog {
    pub data: Arc<Dataset>,
    pub detector: Arc<dyn Detector>,
    /// The model's name, as reported.
    pub model: String,
    pub thresholds: Thresholds,
    pub rules: Vec<Rule>,
    pub lists: Vec<ListEntry>,
    pub mapping: Mapping,
    pub workspace: PathBuf,
    /// The accounts at high risk in the log as opened (rules and lists applied).
    pub high: Vec<String>,
    /// The workspace's cases (for a face that grows the open log: its label rule's targets).
    pub cases: Vec<Case>,
}

impl OpenLog {
    pub fn of(t: &Triage) -> Self {
        let session = t.session();
        Self {
            data: session.data.clone(),
            detector: session.model.detector.clone(),
            model: session.model.kind.name().to_string(),
            thresholds: t.thresholds(),
            rules: t.rules().rules.clone(),
            lists: t.rules().lists.clone(),
            mapping: session.mapping.clone(),
            workspace: t.workspace().path().to_path_buf(),
            high: t
                .user_codes()
                .filter(|&u| t.risk(u) == Risk::High)
                .map(|u| t.user_name(u).to_string())
                .collect(),
            cases: t.cases().map(|(_, c)| c.clone()).collect(),
        }
    }
}

/// Opens the history log (`request.history`, else the source) and follows `request.source`
/// until `stop` is set (or `progress` is cancelled), reporting through `on`.
pub fn watch(
    request: WatchRequest,
    stop: Arc<AtomicBool>,
    progress: &dyn Progress,
    on: &mut dyn FnMut(WatchEvent),
) -> Result<WatchSummary> {
    let open = OpenLog::of(&open_history(&request, progress)?);
    follow(&request, open, stop, progress, on)
}

/// Follows `request.source` with the history `open` already holds (its mapping and workspace
/// are used, not the request's).
pub fn follow(
    request: &WatchRequest,
    open: OpenLog,
    stop: Arc<AtomicBool>,
    progress: &dyn Progress,
    on: &mut dyn FnMut(WatchEvent),
) -> Result<WatchSummary> {
    let source = &request.source;
    let key = source_key(source);
    let mut workspace = Workspace::open(&open.workspace)?;
    let start: TailPosition = workspace
        .watch_position(&key)?
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default();
    // A delimited log's complete mapping says whether it has a header; an NDJSON log's says
    // nothing, and its first line is an event like the others.
    let has_header = open.mapping.has_header.unwrap_or(false);
    let mut tail = Tail::new(source, has_header, &start).map_err(|e| output_error(source, e))?;
    // Watching the history file itself: its rows past the stored position are new.
    let rows_before = (request.history.is_none() && !source.is_dir())
        .then(|| tail.position().files.get("").map(|p| p.rows))
        .flatten();
    let alerted = not_to_alert(&mut workspace, &key, open.high, source)?;
    let scorer = LiveScorer::new(
        ScorerSetup {
            data: &open.data,
            detector: open.detector,
            thresholds: open.thresholds,
            rules: open.rules,
            lists: open.lists,
            rows_before,
            alerted,
        },
        progress,
    )?;
    drop(open.data);
    let mut alerts_file = request
        .alerts
        .as_deref()
        .map(AlertsFile::open)
        .transpose()?;
    if let Some(out) = &mut alerts_file {
        out.catch_up(&workspace, &key, on)?;
    }
    on(WatchEvent::Started {
        history_events: scorer.events(),
        model: open.model,
        known: scorer.known_after_history(),
    });

    let mut follower = Follower {
        source,
        key,
        workspace,
        scorer,
        mapping: open.mapping,
        alerts_file,
        summary: WatchSummary {
            events: 0,
            alerts: 0,
        },
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| output_error(source, e))?;
    let (_watcher, mut changed) = changes_of(source)?;
    let poll = Duration::from_millis(request.poll_ms.max(10));
    while !stop.load(Ordering::Relaxed) && !progress.is_cancelled() {
        runtime.block_on(async {
            tokio::select! {
                _ = changed.recv() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        });
        while changed.try_recv().is_ok() {}
        follower.look(&mut tail, on)?;
    }
    Ok(follower.summary)
}

/// Accounts not to alert on, by name: those alerted on before, and those already at high risk
/// in the history (and so in the queue): an alert says an account has just become high risk.
/// Which accounts were high is settled when the source is first watched (`high`); a resumed
/// watch reads them back, since the log opened now also holds what arrived while it was down.
fn not_to_alert(
    workspace: &mut Workspace,
    key: &str,
    high: Vec<String>,
    source: &Path,
) -> Result<Vec<String>> {
    let mut alerted: Vec<String> = workspace
        .alerts_after(key, 0)?
        .into_iter()
        .map(|a| a.user)
        .collect();
    let setting = SettingKey::WatchHighAtStart(key);
    let me = workspace.identity().to_string();
    match workspace.setting(setting, &me)? {
        Some(saved) => {
            // Written by an earlier watch of this source: unreadable means a damaged workspace,
            // and alerting on every account at high risk again would be worse than stopping.
            let saved: Vec<String> =
                serde_json::from_str(&saved).map_err(|e| WorkbenchError::Output {
                    path: workspace.location().to_string().into(),
                    detail: format!(
                        "the accounts at high risk when {key} was first watched cannot be read: {e}"
                    ),
                })?;
            alerted.extend(saved);
        }
        None => {
            let text = serde_json::to_string(&high).map_err(|e| json_error(source, e))?;
            workspace.set_setting(setting, &text, &me)?;
            alerted.extend(high);
        }
    }
    Ok(alerted)
}

/// Notices that something changed in the folder the source is in (or is): a file is watched
/// through its folder, so a rotation (a new file under the name) is seen. The watcher sends
/// while it is kept.
fn changes_of(
    source: &Path,
) -> Result<(
    notify::RecommendedWatcher,
    tokio::sync::mpsc::UnboundedReceiver<()>,
)> {
    let (tx, changed) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |_: notify::Result<notify::Event>| {
        let _ = tx.send(());
    })
    .map_err(|e| output_error(source, std::io::Error::other(e)))?;
    let folder = if source.is_dir() {
        source.to_path_buf()
    } else {
        source
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    watcher
        .watch(&folder, RecursiveMode::NonRecursive)
        .map_err(|e| output_error(source, std::io::Error::other(e)))?;
    Ok((watcher, changed))
}

/// What a running watch holds between looks.
struct Follower<'a> {
    source: &'a Path,
    key: String,
    workspace: Workspace,
    scorer: LiveScorer,
    mapping: Mapping,
    alerts_file: Option<AlertsFile>,
    summary: WatchSummary,
}

impl Follower<'_> {
    /// Reads what was appended since the last look and scores it, batch by batch.
    fn look(&mut self, tail: &mut Tail, on: &mut dyn FnMut(WatchEvent)) -> Result<()> {
        let appended = match tail.poll() {
            Ok(a) => a,
            Err(e) => {
                on(WatchEvent::Warning(format!(
                    "{}: {e}",
                    self.source.display()
                )));
                return Ok(());
            }
        };
        if appended.is_empty() {
            on(WatchEvent::Quiet);
        }
        for chunk in appended {
            let started = Instant::now();
            match read_appended(&chunk, &self.mapping) {
                Ok(events) => self.score(&events, tail, started, on)?,
                Err(e) => on(WatchEvent::Warning(e.to_string())),
            }
        }
        Ok(())
    }

    /// Scores `events`; stores their alerts with the read position in one transaction, then
    /// hands them out and writes them to the alerts file.
    fn score(
        &mut self,
        events: &AppendedEvents,
        tail: &Tail,
        started: Instant,
        on: &mut dyn FnMut(WatchEvent),
    ) -> Result<()> {
        for r in &events.rejects {
            let example = r.examples.first().map_or_else(String::new, |ex| {
                format!(" ({}: '{}')", ex.place(), ex.value)
            });
            on(WatchEvent::Warning(format!(
                "{}: {} rows turned away: {}{example}",
                events.file.display(),
                r.count,
                r.issue
            )));
        }
        let Ingested { alerts, batch } = self.scorer.ingest(events)?;
        let bodies = alerts
            .iter()
            .map(|a| Ok((a.user.clone(), serde_json::to_string(a)?)))
            .collect::<std::result::Result<Vec<_>, serde_json::Error>>()
            .map_err(|e| json_error(self.source, e))?;
        let position =
            serde_json::to_string(&tail.position()).map_err(|e| json_error(self.source, e))?;
        let ids = self.workspace.record_watch(&self.key, &bodies, &position)?;
        self.summary.events += events.log.len() as u64;
        on(WatchEvent::Scored {
            events: events.log.len(),
            millis: started.elapsed().as_secs_f64() * 1000.0,
            alerts: alerts.len(),
            batch: Box::new(batch),
        });
        for (id, alert) in ids.into_iter().zip(alerts) {
            if let Some(out) = &mut self.alerts_file {
                let line = alert_line(id, &alert).map_err(|e| json_error(&out.path, e))?;
                out.write(&line)?;
            }
            self.summary.alerts += 1;
            on(WatchEvent::Alert {
                id,
                alert: Box::new(alert),
            });
        }
        Ok(())
    }
}
