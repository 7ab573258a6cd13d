//! The live watch end to end on a slice of the bundled sample: an injected card-testing burst
//! raises an alert naming the account, and a watch killed mid-way resumes with no alert lost
//! or written twice, and a folder of dropped files is watched with its history. (Rotation and
//! half-written lines: `log::tail`'s unit tests.)

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Backend, workspace_at};
use vigil::log::UserCode;
use vigil::sample::card_testing_burst;
use vigil::workbench::{self, watch};

/// The bundled sample's first `lines` lines, as a plain CSV a watch can follow; with the time
/// of its last event.
fn sample_head(dir: &Path, lines: usize) -> (PathBuf, i64) {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(workbench::bundled_sample()).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let head: Vec<&str> = text.lines().take(lines).collect();
    let last = head.last().unwrap().split(',').nth(1).unwrap();
    let last_ms = chrono::DateTime::parse_from_rfc3339(last)
        .unwrap()
        .timestamp_millis();
    let path = dir.join("log.csv");
    std::fs::write(&path, head.join("\n") + "\n").unwrap();
    (path, last_ms)
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// A watch of `source` with its workspace `ws`, as the tests start it (a look every 50 ms).
fn following(source: &Path, ws: &Path) -> watch::WatchRequest {
    watch::WatchRequest {
        source: source.to_path_buf(),
        history: None,
        mapping: vigil::log::Mapping::default(),
        workspace: Some(ws.to_path_buf()),
        model: None,
        alerts: None,
        poll_ms: 50,
    }
}

/// `log` opened as the window opens it, with its workspace `ws` (the default detector trained).
fn open_as_window(log: &Path, ws: &Path) -> workbench::Triage {
    workbench::Triage::open_headless(
        log,
        &vigil::log::Mapping::default(),
        Some(ws.to_path_buf()),
        None,
        true,
        &vigil::progress::NoProgress,
    )
    .unwrap()
}

/// Lines of the alerts file as JSON.
fn alerts_in(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn users_alerted(path: &Path) -> Vec<String> {
    alerts_in(path)
        .iter()
        .map(|a| a["user"].as_str().unwrap().to_string())
        .collect()
}

fn wait_until(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The first alert on `user`, within a minute.
fn alert_for(alerts: &mpsc::Receiver<watch::Alert>, user: &str) -> watch::Alert {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match alerts.recv_timeout(left) {
            Ok(alert) if alert.user == user => return alert,
            Ok(_) => continue,
            Err(e) => panic!("no alert on {user}: {e}"),
        }
    }
}

#[test]
fn a_card_testing_burst_raises_an_alert_naming_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let alerts = dir.path().join("alerts.ndjson");
    let request = watch::WatchRequest {
        alerts: Some(alerts.clone()),
        ..following(&log, &dir.path().join("ws.db"))
    };
    let watching = watch_in_background(request);
    // The burst, its last line written in two parts.
    let burst = card_testing_burst("u_cardtester", "dburst001", last_ms + 60_000, 25);
    let (head, tail) = burst.split_at(burst.len() - 20);
    append(&log, head);
    std::thread::sleep(Duration::from_millis(200));
    append(&log, tail);
    let reasons = alert_for(&watching.alerts, "u_cardtester").reasons;
    let summary = watching.finish();
    assert!(!reasons.is_empty(), "the alert says why");
    assert_eq!(summary.events, 51, "the burst's 51 events, each read once");
    let written = alerts_in(&alerts);
    let line = written
        .iter()
        .find(|a| a["user"] == "u_cardtester")
        .unwrap();
    assert!(line["events"].as_array().unwrap().len() >= 10);
    assert!(line["id"].as_i64().unwrap() > 0);
}

/// A running `vigil watch`, killed when dropped (a failed assertion leaves no process behind).
struct Watching(Child);

impl Watching {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_watch(log: &Path, ws: &Path, alerts: &Path) -> (Watching, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["watch", log.to_str().unwrap(), "--poll-ms", "50"])
        .args(["--workspace", ws.to_str().unwrap()])
        .args(["--alerts", alerts.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (Watching(child), rx)
}

fn wait_started(rx: &mpsc::Receiver<String>) {
    loop {
        let line = rx.recv_timeout(Duration::from_secs(300)).unwrap();
        if line.starts_with("watching") {
            return;
        }
    }
}

on_both_backends!(
    a_killed_watch_resumes_without_losing_or_doubling_an_alert,
    a_block_listed_device_raises_an_alert_through_the_watch,
);

fn a_killed_watch_resumes_without_losing_or_doubling_an_alert(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let Some(ws) = workspace_at(backend, dir.path(), "ws") else {
        return;
    };
    let alerts = dir.path().join("alerts.ndjson");

    let (mut first, rx) = spawn_watch(&log, &ws, &alerts);
    wait_started(&rx);
    append(
        &log,
        &card_testing_burst("u_first", "dfirst001", last_ms + 60_000, 25),
    );
    wait_until("the first alert", Duration::from_secs(60), || {
        users_alerted(&alerts).contains(&"u_first".to_string())
    });
    first.kill();

    // While it is down: a second attack, and the first account again.
    append(
        &log,
        &card_testing_burst("u_second", "dsecond01", last_ms + 600_000, 25),
    );
    append(
        &log,
        &card_testing_burst("u_first", "dfirst001", last_ms + 900_000, 10),
    );
    let (mut again, rx) = spawn_watch(&log, &ws, &alerts);
    wait_started(&rx);
    wait_until("the second alert", Duration::from_secs(60), || {
        users_alerted(&alerts).contains(&"u_second".to_string())
    });
    // A look or two more, for any alert that should not come.
    std::thread::sleep(Duration::from_millis(500));
    again.kill();

    let users = users_alerted(&alerts);
    for u in ["u_first", "u_second"] {
        assert_eq!(
            users.iter().filter(|x| *x == u).count(),
            1,
            "{u} in {users:?}"
        );
    }
    let ids: Vec<i64> = alerts_in(&alerts)
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(ids, unique, "ids are written once each, in order");

    // Stored but not yet written when killed: the next start writes it (and only it).
    let text = std::fs::read_to_string(&alerts).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    std::fs::write(&alerts, kept[..kept.len() - 1].join("\n") + "\n").unwrap();
    let (mut third, rx) = spawn_watch(&log, &ws, &alerts);
    wait_started(&rx);
    third.kill();
    assert_eq!(std::fs::read_to_string(&alerts).unwrap(), text);
}

/// A watch running on a thread of this test.
struct InProcess {
    stop: Arc<AtomicBool>,
    alerts: mpsc::Receiver<watch::Alert>,
    /// The model it scores with, as it said when it started.
    model: String,
    thread: std::thread::JoinHandle<vigil::workbench::Result<watch::WatchSummary>>,
}

impl InProcess {
    /// Starts `run` (a watch reporting through the given callback) on a thread and waits
    /// until it follows its source.
    fn start(
        run: impl FnOnce(
            Arc<AtomicBool>,
            &mut dyn FnMut(watch::WatchEvent),
        ) -> vigil::workbench::Result<watch::WatchSummary>
        + Send
        + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (alert_tx, alerts) = mpsc::channel();
        let (started_tx, started) = mpsc::channel();
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                run(stop, &mut |e| match e {
                    watch::WatchEvent::Started { model, .. } => started_tx.send(model).unwrap(),
                    watch::WatchEvent::Alert { alert, .. } => alert_tx.send(*alert).unwrap(),
                    _ => {}
                })
            })
        };
        let model = started.recv_timeout(Duration::from_secs(300)).unwrap();
        Self {
            stop,
            alerts,
            model,
            thread,
        }
    }

    /// Stops it after its current look; what it did.
    fn finish(self) -> watch::WatchSummary {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap().unwrap()
    }
}

/// `request` watched as `vigil watch` does, on a thread.
fn watch_in_background(request: watch::WatchRequest) -> InProcess {
    InProcess::start(move |stop, on| watch::watch(request, stop, &vigil::progress::NoProgress, on))
}

/// `request` followed with the open log `t` holds, growing it, as the window's Live mode
/// does, on a thread; with the growths as they come.
fn grow_in_background(
    request: watch::WatchRequest,
    t: &workbench::Triage,
) -> (InProcess, mpsc::Receiver<watch::Grown>) {
    let open = watch::OpenLog::of(t);
    let scores = t.session().model.scores.clone();
    let (grown_tx, grown) = mpsc::channel();
    let watch = InProcess::start(move |stop, on| {
        watch::follow_growing(
            &request,
            open,
            scores,
            stop,
            &vigil::progress::NoProgress,
            on,
            &mut |g| grown_tx.send(g).unwrap(),
        )
    });
    (watch, grown)
}

#[test]
fn a_folder_of_dropped_files_is_watched_with_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let (history, last_ms) = sample_head(dir.path(), 60_000);
    let incoming = dir.path().join("incoming");
    std::fs::create_dir(&incoming).unwrap();
    let request = |history: Option<PathBuf>| watch::WatchRequest {
        history,
        ..following(&incoming, &dir.path().join("ws.db"))
    };
    let stop = Arc::new(AtomicBool::new(true));
    let without = watch::watch(
        request(None),
        stop,
        &vigil::progress::NoProgress,
        &mut |_| {},
    );
    let error = without.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("--history"), "{error}");

    let watching = watch_in_background(request(Some(history)));
    // Written under a temporary name, then renamed: only the whole file is read.
    let header = "user_id,ts,event,item,category,seller,amount,device,ip,city,promo,is_fraud\n";
    let burst = card_testing_burst("u_dropped", "ddrop0001", last_ms + 60_000, 25);
    let part = incoming.join("batch-001.csv.part");
    std::fs::write(&part, format!("{header}{burst}")).unwrap();
    std::fs::rename(&part, incoming.join("batch-001.csv")).unwrap();
    alert_for(&watching.alerts, "u_dropped");
    assert_eq!(watching.finish().events, 51);
}

/// Lines of `user` in the sample's columns: `events` of (event, amount), a minute apart from
/// `start_ms`, on `device`.
fn ordinary_events(user: &str, device: &str, start_ms: i64, events: &[(&str, &str)]) -> String {
    events
        .iter()
        .enumerate()
        .map(|(i, (event, amount))| {
            let ts = vigil::log::timeparse::format_rfc3339(start_ms + 60_000 * i as i64);
            format!(
                "{user},{ts},{event},i00042,grocery,s054,{amount},{device},198.51.100.9,上海,,\n"
            )
        })
        .collect()
}

#[test]
fn new_events_join_the_open_logs_queue_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let ws = dir.path().join("ws.db");
    let mut t = open_as_window(&log, &ws);
    let (users, events) = (t.users(), t.session().data.log.len());
    // An account that comes back, and one that does not.
    let code = UserCode::from_index;
    let regular = t.user_name(code(0)).to_string();
    let regular_events = t.session().data.index.events(code(0)).len();
    let quiet = code(1);
    let quiet_score = t.score(quiet);

    let (watching, grown) = grow_in_background(following(&log, &ws), &t);
    append(
        &log,
        &ordinary_events(
            &regular,
            "dregular1",
            last_ms + 30_000,
            &[("view", ""), ("cart", ""), ("view", "")],
        ),
    );
    append(
        &log,
        &card_testing_burst("u_grown", "dgrown001", last_ms + 60_000, 25),
    );
    let alert = alert_for(&watching.alerts, "u_grown");
    let grown_to = |added: usize| loop {
        let g = grown.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(g.added <= added, "every new event, once");
        if g.added == added {
            break g;
        }
    };
    grown_to(54);
    // Right after a build, then the log goes quiet: these wait for no further batch or stop.
    append(
        &log,
        &ordinary_events(
            &regular,
            "dregular1",
            last_ms + 600_000,
            &[("view", ""), ("view", ""), ("cart", "")],
        ),
    );
    let last = grown_to(57);
    assert_eq!(watching.finish().events, 57);
    assert!(t.absorb(last).unwrap());

    let data = &t.session().data;
    assert_eq!(t.users(), users + 1);
    assert_eq!(data.log.len(), events + 57);
    assert_eq!(t.session().model.scores.event.len(), data.log.len());
    assert_eq!(t.session().model.scores.user.len(), t.users());
    assert_eq!(data.events.values.rows, data.log.len());
    assert_eq!(data.account.values.rows, t.users());
    assert_eq!(data.index.events(code(0)).len(), regular_events + 6);
    assert_eq!(t.score(quiet), quiet_score, "an account without new events");

    // The new account: in the queue, at high risk, with its timeline and reasons.
    let u = data.log.user_code("u_grown").unwrap();
    assert!(t.queue().contains(&u));
    assert_eq!(t.risk(u), vigil::detect::Risk::High);
    assert_eq!(t.score(u), alert.score, "the queue's score is the alert's");
    let timeline = data.index.events(u);
    assert_eq!(timeline.len(), 51);
    for a in &alert.events {
        let e = timeline
            .iter()
            .map(|&e| e as usize)
            .find(|&e| data.log.columns.row[e] == a.row)
            .unwrap();
        assert_eq!(t.session().model.scores.event[e], a.score, "row {}", a.row);
    }
    assert!(!t.reasons(u).is_empty());
    let end = t.session().time_range.unwrap().1;
    assert!(
        end > last_ms + 60_000,
        "the time range reaches the new events"
    );
}

fn a_block_listed_device_raises_an_alert_through_the_watch(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let Some(ws) = workspace_at(backend, dir.path(), "ws") else {
        return;
    };
    let listed = vigil::rules::ListEntry {
        kind: vigil::rules::ListKind::Block,
        role: "device".into(),
        value: "dstolen01".into(),
    };
    vigil::cases::Workspace::open(&ws)
        .unwrap()
        .add_list_entries(&[listed], "tester")
        .unwrap();
    let watching = watch_in_background(following(&log, &ws));
    // Nothing odd about these events but the device.
    append(
        &log,
        &ordinary_events(
            "u_listed",
            "dstolen01",
            last_ms + 60_000,
            &[("register", ""), ("view", ""), ("order", "59.90")],
        ),
    );
    let alert = alert_for(&watching.alerts, "u_listed");
    watching.finish();
    assert_eq!(
        alert.reasons.first().map(ToString::to_string).as_deref(),
        Some("device dstolen01 is on the block list")
    );
}

#[test]
fn a_model_directory_scores_the_watch() {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let model = dir.path().join("model");
    let trained = common::vigil(&[
        "train",
        log.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
    ]);
    assert!(trained.status.success(), "{}", common::stderr(&trained));
    let ws = dir.path().join("ws.db");
    let request = |model: PathBuf| watch::WatchRequest {
        model: Some(model),
        ..following(&log, &ws)
    };

    // A folder that is not a model: a clear error naming it, before anything is watched.
    let empty = dir.path().join("not-a-model");
    std::fs::create_dir(&empty).unwrap();
    let stop = Arc::new(AtomicBool::new(true));
    let error = watch::watch(
        request(empty.clone()),
        stop,
        &vigil::progress::NoProgress,
        &mut |_| {},
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.contains("not-a-model") && error.contains("meta.json"),
        "{error}"
    );

    let watching = watch_in_background(request(model.clone()));
    assert_eq!(watching.model, vigil::workbench::defaults::DETECTOR.name());
    append(
        &log,
        &card_testing_burst("u_modelled", "dmodel001", last_ms + 60_000, 25),
    );
    alert_for(&watching.alerts, "u_modelled");
    watching.finish();
    assert!(
        !dir.path().join("ws.db.model").exists(),
        "the given model scores; nothing is trained or kept in the workspace"
    );
}

#[test]
fn a_resumed_watch_grows_the_open_log_by_what_it_lacks_only() {
    let dir = tempfile::tempdir().unwrap();
    let (log, last_ms) = sample_head(dir.path(), 60_000);
    let ws = dir.path().join("ws.db");
    let request = || following(&log, &ws);
    // A first watch reads one burst and stores its position.
    let watching = watch_in_background(request());
    append(
        &log,
        &card_testing_burst("u_early", "dearly001", last_ms + 60_000, 25),
    );
    alert_for(&watching.alerts, "u_early");
    watching.finish();
    // Appended while nothing watched; the window opens the log with them.
    append(
        &log,
        &ordinary_events(
            "u_between",
            "dbetween1",
            last_ms + 120_000,
            &[("register", ""), ("view", ""), ("view", "")],
        ),
    );
    let mut t = open_as_window(&log, &ws);
    let events = t.session().data.log.len();

    // The watch reads them again from its position; the open log is not given them twice.
    let (watching, grown) = grow_in_background(request(), &t);
    append(
        &log,
        &card_testing_burst("u_late", "dlate0001", last_ms + 180_000, 25),
    );
    alert_for(&watching.alerts, "u_late");
    assert_eq!(watching.finish().events, 54);
    let last = grown.try_iter().last().unwrap();
    assert_eq!(last.added, 51);
    assert!(t.absorb(last).unwrap());
    let data = &t.session().data;
    assert_eq!(data.log.len(), events + 51);
    let between = data.log.user_code("u_between").unwrap();
    assert_eq!(data.index.events(between).len(), 3);
    let late = data.log.user_code("u_late").unwrap();
    assert_eq!(data.index.events(late).len(), 51);
}

/// Features that differ between `grown` and `whole` (by account name, by event row, by
/// column name), with an example.
fn differing_features(
    grown: &vigil::features::Dataset,
    whole: &vigil::features::Dataset,
) -> Vec<String> {
    let same =
        |a: f32, b: f32| (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-3 * (1.0 + b.abs());
    let mut out = Vec::new();
    let mut compare = |what: &str,
                       g: &vigil::features::FeatureTable,
                       w: &vigil::features::FeatureTable,
                       pairs: &[(usize, usize)]| {
        for (wc, spec) in w.specs.iter().enumerate() {
            let Some(gc) = g.specs.iter().position(|s| s.name == spec.name) else {
                out.push(format!("{what} {}: missing", spec.name));
                continue;
            };
            if let Some(&(gi, wi)) = pairs
                .iter()
                .find(|&&(gi, wi)| !same(g.values.get(gi, gc), w.values.get(wi, wc)))
            {
                out.push(format!(
                    "{what} {}: grown {} whole {}",
                    spec.name,
                    g.values.get(gi, gc),
                    w.values.get(wi, wc)
                ));
            }
        }
    };
    let users: Vec<(usize, usize)> = whole
        .log
        .users()
        .filter_map(|wu| {
            let gu = grown.log.user_code(whole.user_name(wu))?;
            Some((gu.index(), wu.index()))
        })
        .collect();
    assert_eq!(users.len(), whole.users(), "the same accounts");
    compare("account", &grown.account, &whole.account, &users);
    let by_row: std::collections::HashMap<u64, usize> = (0..grown.log.len())
        .map(|e| (grown.log.columns.row[e], e))
        .collect();
    let events: Vec<(usize, usize)> = (0..whole.log.len())
        .map(|we| (by_row[&whole.log.columns.row[we]], we))
        .collect();
    compare("event", &grown.events, &whole.events, &events);
    out
}

#[test]
fn the_grown_log_has_the_features_of_the_log_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = sample_head(dir.path(), 60_000);
    let reopened = dir.path().join("reopened");
    std::fs::create_dir(&reopened).unwrap();
    let (whole_log, _) = sample_head(&reopened, 140_000);
    let ws = dir.path().join("ws.db");
    let mut t = open_as_window(&log, &ws);
    let (watching, grown) = grow_in_background(following(&log, &ws), &t);
    // The next 80,000 events, over a week after the first: labels of the first days become
    // known while they arrive, and new users share devices and sellers with old ones.
    let text = std::fs::read_to_string(&whole_log).unwrap();
    // (`sample_head`'s lines count its header.)
    let rest: Vec<&str> = text.lines().skip(60_000).collect();
    append(&log, &(rest.join("\n") + "\n"));
    let last = loop {
        let g = grown.recv_timeout(Duration::from_secs(120)).unwrap();
        if g.added >= rest.len() {
            assert_eq!(g.added, rest.len());
            break g;
        }
    };
    watching.finish();
    assert!(t.absorb(last).unwrap());

    let whole = workbench::Triage::open_headless(
        &whole_log,
        &vigil::log::Mapping::default(),
        Some(reopened.join("ws.db")),
        None,
        false,
        &vigil::progress::NoProgress,
    )
    .unwrap();
    let differ = differing_features(&t.session().data, &whole.session().data);
    assert!(differ.is_empty(), "{differ:#?}");
    // And what the log knows of its labels by now.
    assert_eq!(
        t.session().log_labels.len(),
        whole.session().log_labels.len()
    );
    let labelled = |x: &workbench::Triage| x.labels().iter().filter(|l| l.is_known()).count();
    assert!(labelled(&t) > 0);
    assert_eq!(labelled(&t), labelled(&whole));
}

/// CSV lines under the sample's header as NDJSON objects, empty fields left out (as a JSON
/// log writes them).
fn as_ndjson(header: &str, csv_lines: &str) -> String {
    let keys: Vec<&str> = header.split(',').collect();
    csv_lines
        .lines()
        .map(|line| {
            let fields: serde_json::Map<String, serde_json::Value> = keys
                .iter()
                .zip(line.split(','))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                .collect();
            serde_json::Value::Object(fields).to_string() + "\n"
        })
        .collect()
}

#[test]
fn an_ndjson_log_is_watched_with_lines_that_leave_out_fields() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, last_ms) = sample_head(dir.path(), 20_000);
    let text = std::fs::read_to_string(&csv).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let log = dir.path().join("log.ndjson");
    std::fs::write(&log, as_ndjson(header, rows)).unwrap();
    let watching = watch_in_background(following(&log, &dir.path().join("ws.db")));
    // The burst's lines have no amount on their register line, no label and no promo; one
    // more line has no user at all.
    let burst = card_testing_burst("u_json", "djson0001", last_ms + 60_000, 25);
    append(&log, &as_ndjson(header, &burst));
    append(
        &log,
        "{\"ts\":\"2026-10-03T23:59:00Z\",\"event\":\"view\"}\n",
    );
    alert_for(&watching.alerts, "u_json");
    // Each appended event read once: the log's first line is not a header to read them by.
    assert_eq!(watching.finish().events, 51);
}
