//! The team's server stops for 10 s while an analyst labels: nothing is lost. Verdicts and
//! notes given meanwhile wait in the local journal, are written with their original times when
//! the server is back, and one that another analyst overtook is a conflict, not dropped. A
//! window tells the outage's story in its status bar: unreachable since when, the verdicts
//! waiting, then back, with what became of them, and no stale error after. Alone in their test
//! binary, as they stop the server the tests of a binary share: they take turns.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vigil::cases::{Guard, Source, Verdict, Workspace};
use vigil::detect::DetectorKind;
use vigil::gui::{LaunchOptions, Message, VigilApp};

use eframe::egui;

/// One test at a time stops the server.
static SERVER_TURN: Mutex<()> = Mutex::new(());

/// The journals' folder, set once before either test reads the environment.
fn journals() {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: both tests of this binary call this first, before any thread of theirs
        // reads the environment, and `OnceLock` lets one set it while the other waits.
        unsafe { std::env::set_var("VIGIL_JOURNAL_DIR", dir.path()) };
        dir
    });
}

#[test]
fn verdicts_given_while_the_server_is_down_are_kept_and_written_when_it_is_back() {
    journals();
    let Some(server) = common::pg::server() else {
        return;
    };
    let _turn = SERVER_TURN.lock().unwrap_or_else(|p| p.into_inner());
    let at = server.url("outage");
    let mut ann = Workspace::open(Path::new(&at)).unwrap();
    let bob_at = at.replace("postgres://postgres:", "postgresql://postgres:");
    let mut bob = Workspace::open(Path::new(&bob_at)).unwrap();
    ann.set_verdict("before", Verdict::Fraud, "ann", Source::Analyst)
        .unwrap();
    let seen_ms = chrono::Utc::now().timestamp_millis();
    let one = |u: &str| vec![u.to_string()];

    let stopped = Instant::now();
    server.stop();
    let given = ann
        .decide(
            &one("u1"),
            Verdict::Fraud,
            "ann",
            Source::Analyst,
            Guard::AskFirst {
                decided_after_ms: seen_ms,
                holder: "",
            },
        )
        .unwrap();
    assert_eq!(given[0].verdict, Some(Verdict::Fraud), "shown as given");
    ann.decide(
        &one("u2"),
        Verdict::Legit,
        "ann",
        Source::Analyst,
        Guard::AskFirst {
            decided_after_ms: seen_ms,
            holder: "",
        },
    )
    .unwrap();
    ann.set_note("u2", "called the bank", "ann").unwrap();
    assert_eq!(ann.held().unwrap(), 3, "kept on this machine");
    let u2_given_ms = given[0].ts_ms;
    // Still away: writing what was kept fails and keeps it all.
    assert!(ann.replay_held().is_err());
    assert_eq!(ann.held().unwrap(), 3);
    std::thread::sleep(Duration::from_secs(10).saturating_sub(stopped.elapsed()));
    server.start();

    // Bob decides u1 first, once the server is back (his first statement finds his old
    // connection gone).
    let _ = bob.cases();
    bob.set_verdict("u1", Verdict::Legit, "bob", Source::Analyst)
        .unwrap();
    let replayed = ann.replay_held().or_else(|_| ann.replay_held()).unwrap();
    assert_eq!(replayed.written, 2, "u2's verdict and note");
    assert_eq!(replayed.conflicts.len(), 1);
    let conflict = &replayed.conflicts[0];
    assert_eq!(
        (
            conflict.theirs.user.as_str(),
            conflict.theirs.by.as_str(),
            conflict.ours
        ),
        ("u1", "bob", Verdict::Fraud)
    );
    assert_eq!(ann.held().unwrap(), 0, "the journal is empty");
    assert_eq!(
        ann.case("u1").unwrap().unwrap().author,
        "bob",
        "bob's stands"
    );
    let u2 = ann.case("u2").unwrap().unwrap();
    assert_eq!(
        (u2.verdict, u2.note.as_str()),
        (Some(Verdict::Legit), "called the bank")
    );
    let history = ann.history("u2").unwrap();
    assert!(history.len() == 2 && history[0].author == "ann");
    assert!(
        history[0].ts_ms >= u2_given_ms && history[0].ts_ms < u2_given_ms + 1_000,
        "written with the time it was given, not the time it was written"
    );
    assert!(
        history[0].ts_ms < bob.case("u1").unwrap().unwrap().ts_ms,
        "given before bob's"
    );
    // Asked again, ann's verdict overwrites bob's, audited as an overwrite.
    ann.decide(
        &one("u1"),
        conflict.ours,
        "ann",
        Source::Analyst,
        Guard::Overwrite,
    )
    .unwrap();
    assert_eq!(
        ann.history("u1").unwrap().last().unwrap().action,
        "overwrite"
    );
}

#[test]
fn a_window_tells_the_outage_from_unreachable_to_back_with_what_it_kept() {
    journals();
    let Some(server) = common::pg::server() else {
        return;
    };
    let _turn = SERVER_TURN.lock().unwrap_or_else(|p| p.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let sample = vigil::sample::generate(&vigil::sample::SampleConfig {
        users: 150,
        days: 5,
        seed: 9,
        ..Default::default()
    });
    let log = dir.path().join("shop.csv");
    vigil::sample::write_log(&sample, &log).unwrap();
    let at = server.url("outage_window");
    let options = LaunchOptions {
        log: log.clone(),
        workspace: Some(PathBuf::from(&at)),
        detector: Some(DetectorKind::Zscore),
        author: Some("ann".into()),
        ..LaunchOptions::default()
    };
    let builder = Harness::builder().with_size(egui::vec2(1400.0, 900.0));
    let builder = match vigil::gui::system_cjk_font() {
        Some(_) => builder,
        None => builder.allow_missing_glyphs(),
    };
    let mut h = builder.build_eframe(move |cc| VigilApp::new(cc.egui_ctx.clone(), options, None));
    let until = |h: &mut Harness<'static, VigilApp>,
                 what: &str,
                 secs: u64,
                 done: &dyn Fn(&Harness<'static, VigilApp>) -> bool| {
        let start = Instant::now();
        while !done(h) {
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "timed out waiting for {what}; message: {:?}",
                h.state().message
            );
            h.step();
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    until(&mut h, "the log to open", 120, &|h| {
        h.state().triage.is_some() && !h.state().is_busy()
    });
    let first = h.state().triage.as_ref().unwrap().selected().unwrap();
    let user = h
        .state()
        .triage
        .as_ref()
        .unwrap()
        .user_name(first)
        .to_string();

    server.stop();
    h.key_press(egui::Key::F);
    h.run_steps(2);
    assert!(
        matches!(&h.state().message, Some(Message::Unreachable(m)) if m.contains("kept on this machine")),
        "{:?}",
        h.state().message
    );
    until(&mut h, "the status bar to say so", 20, &|h| {
        h.query_by_label_contains("workspace unreachable since")
            .is_some()
    });
    h.get_by_label_contains("1 verdicts waiting on this machine");
    std::thread::sleep(Duration::from_secs(3));
    server.start();
    until(&mut h, "the status bar to say it is back", 30, &|h| {
        h.query_by_label_contains("workspace back at").is_some()
            && h.query_by_label_contains("1 waiting verdicts written")
                .is_some()
    });
    assert!(
        h.query_by_label_contains("cannot be reached").is_none()
            && h.query_by_label_contains("unreachable").is_none()
            && h.query_by_label_contains("kept on this machine").is_none(),
        "no stale error: {:?}",
        h.state().message
    );
    let ws = Workspace::open(Path::new(&at)).unwrap();
    assert_eq!(
        ws.case(&user).unwrap().unwrap().verdict,
        Some(Verdict::Fraud)
    );
    // What the window does next goes to the server again, saying nothing of the outage.
    h.key_press(egui::Key::L);
    h.run_steps(2);
    assert!(
        matches!(&h.state().message, Some(Message::Info(m)) if m.starts_with("saved")),
        "{:?}",
        h.state().message
    );
}
