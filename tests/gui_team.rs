//! Two analysts' windows on one PostgreSQL workspace, driven with egui_kittest: ann, the lead,
//! and bob, an analyst. A verdict over ann's hold or her recent decision asks first; a bulk
//! decision lists what it would override and asks once; bob's threshold is refused and put
//! back at once; labels imported from the shell under ann's name reach ann's own window;
//! quitting lets go of the window's claim. Skipped, with one line, where PostgreSQL is not
//! installed.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use vigil::cases::{Role, Verdict, Workspace};
use vigil::detect::{DetectorKind, Thresholds};
use vigil::gui::{Command, LaunchOptions, Message, VigilApp};
use vigil::log::UserCode;
use vigil::sample::{SampleConfig, generate, write_log};

use eframe::egui;

type Window = Harness<'static, VigilApp>;

fn small_shop(dir: &Path) -> PathBuf {
    let sample = generate(&SampleConfig {
        users: 200,
        days: 7,
        seed: 5,
        ..SampleConfig::default()
    });
    let path = dir.join("shop.csv");
    write_log(&sample, &path).unwrap();
    path
}

/// `who`'s window on `log` with the workspace at `at`, opened and ready.
fn window(log: &Path, at: &str, who: &str) -> Window {
    let options = LaunchOptions {
        log: log.to_path_buf(),
        workspace: Some(PathBuf::from(at)),
        detector: Some(DetectorKind::Zscore),
        author: Some(who.to_string()),
        ..LaunchOptions::default()
    };
    let builder = Harness::builder().with_size(egui::vec2(1400.0, 900.0));
    let builder = match vigil::gui::system_cjk_font() {
        Some(_) => builder,
        None => builder.allow_missing_glyphs(),
    };
    let mut h = builder.build_eframe(move |cc| VigilApp::new(cc.egui_ctx.clone(), options, None));
    wait_for(&mut h, "the log to open", |a| {
        a.triage.is_some() && !a.is_busy()
    });
    h
}

/// Steps frames until `done` holds (the follower and the jobs report between frames).
fn wait_for(h: &mut Window, what: &str, done: impl Fn(&VigilApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}; message: {:?}",
            h.state().message
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.step();
}

/// Steps both windows until `done` holds for the second.
fn both_until(a: &mut Window, b: &mut Window, what: &str, done: impl Fn(&VigilApp) -> bool) {
    let start = Instant::now();
    while !done(b.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        a.step();
        b.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    b.step();
}

fn triage(h: &Window) -> &vigil::workbench::Triage {
    h.state().triage.as_ref().unwrap()
}

fn name(h: &Window, u: UserCode) -> String {
    triage(h).user_name(u).to_string()
}

/// The lead's and the analyst's windows on one fresh workspace (ann opens first: she leads).
fn team(dir: &Path, what: &str) -> Option<(Window, Window, String, PathBuf)> {
    let server = common::pg::server()?;
    let at = server.url(what);
    let log = small_shop(dir);
    let ann = window(&log, &at, "ann");
    let bob = window(&log, &at, "bob");
    assert_eq!(triage(&ann).role(), Role::Lead);
    assert_eq!(triage(&bob).role(), Role::Analyst);
    Some((ann, bob, at, log))
}

#[test]
fn a_verdict_on_an_account_another_analyst_holds_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_held") else {
        return;
    };
    let held = triage(&ann).selected().unwrap();
    both_until(&mut ann, &mut bob, "ann's claim to reach bob", |b| {
        b.triage.as_ref().unwrap().claimed_by_other(held) == Some("ann")
    });
    // Bob opens ann's account anyway (a click in the queue) and presses f.
    bob.state_mut().push(Command::Select(held));
    bob.run_steps(2);
    bob.get_by_label_contains("held by ann since");
    bob.key_press(Key::F);
    bob.run_steps(2);
    let user = name(&bob, held);
    bob.get_by_label_contains(&format!("{user} is held by ann since"));
    let ws = Workspace::open(Path::new(&at)).unwrap();
    assert!(ws.case(&user).unwrap().is_none(), "nothing written yet");
    bob.get_by_label_contains("Decide anyway").click();
    bob.run_steps(3);
    let case = ws.case(&user).unwrap().unwrap();
    assert_eq!(
        (case.verdict, case.author.as_str()),
        (Some(Verdict::Fraud), "bob")
    );
    assert!(
        triage(&bob).conflict().is_none(),
        "the question is answered"
    );
    assert_eq!(ws.history(&user).unwrap().last().unwrap().action, "label");
}

#[test]
fn a_verdict_over_a_recent_decision_asks_first_and_is_audited_as_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_recent") else {
        return;
    };
    let decided = triage(&ann).selected().unwrap();
    ann.key_press(Key::L);
    ann.run_steps(2);
    // Bob's window hears of it (well inside the recent minutes) before he decides.
    both_until(&mut ann, &mut bob, "ann's verdict to reach bob", |b| {
        b.triage.as_ref().unwrap().verdict(decided) == Some(Verdict::Legit)
    });
    bob.state_mut().push(Command::Select(decided));
    bob.run_steps(2);
    bob.key_press(Key::F);
    bob.run_steps(2);
    let user = name(&bob, decided);
    bob.get_by_label_contains(&format!("ann decided {user} legit at"));
    assert!(
        matches!(&bob.state().message, Some(Message::Info(m)) if m.contains("answer the question")),
        "{:?}",
        bob.state().message
    );
    bob.get_by_label("Overwrite with fraud").click();
    bob.run_steps(3);
    let ws = Workspace::open(Path::new(&at)).unwrap();
    let last = ws.history(&user).unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.author.as_str()),
        ("overwrite", "bob")
    );
    assert_eq!(last.verdict, Some(Verdict::Fraud));
    let theirs = last.overwrote.unwrap();
    assert_eq!(
        (theirs.author.as_str(), theirs.verdict),
        ("ann", Some(Verdict::Legit))
    );
    // Ann's window shows bob's verdict.
    both_until(&mut bob, &mut ann, "bob's overwrite to reach ann", |a| {
        a.triage.as_ref().unwrap().verdict(decided) == Some(Verdict::Fraud)
    });
}

#[test]
fn a_bulk_decision_lists_what_it_would_override_and_asks_once() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_bulk") else {
        return;
    };
    let queue: Vec<UserCode> = triage(&ann).queue().to_vec();
    // Ann decides one account and stays on another.
    let (decided, held) = (queue[5], queue[6]);
    ann.state_mut().push(Command::Select(decided));
    ann.run_steps(1);
    ann.key_press(Key::L);
    ann.run_steps(2);
    ann.state_mut().push(Command::Select(held));
    ann.run_steps(2);
    both_until(&mut ann, &mut bob, "ann's work to reach bob", |b| {
        let t = b.triage.as_ref().unwrap();
        t.verdict(decided).is_some() && t.claimed_by_other(held) == Some("ann")
    });
    let free = [queue[7], queue[8], queue[9]];
    for u in [decided, held].into_iter().chain(free) {
        bob.state_mut().push(Command::ToggleMark(u));
    }
    bob.state_mut().push(Command::LabelMarked(Verdict::Fraud));
    bob.run_steps(2);
    bob.get_by_label_contains("2 of the marked accounts");
    bob.get_by_label_contains(&format!("ann decided {} legit", name(&bob, decided)));
    bob.get_by_label_contains(&format!("{} is held by ann", name(&bob, held)));
    let ws = Workspace::open(Path::new(&at)).unwrap();
    assert!(
        ws.case(&name(&bob, free[0])).unwrap().is_none(),
        "asked once, before anything"
    );
    bob.get_by_label("Keep theirs, label the other 3").click();
    bob.run_steps(3);
    for u in free {
        assert_eq!(
            ws.case(&name(&bob, u)).unwrap().unwrap().verdict,
            Some(Verdict::Fraud)
        );
    }
    assert_eq!(
        ws.case(&name(&bob, decided)).unwrap().unwrap().author,
        "ann",
        "hers stands"
    );
    assert!(
        ws.case(&name(&bob, held)).unwrap().is_none(),
        "hers to decide"
    );
    // Again, over both: one question, and two overwrites... of which one replaced a decision.
    for u in [decided, held] {
        bob.state_mut().push(Command::ToggleMark(u));
    }
    bob.state_mut().push(Command::LabelMarked(Verdict::Fraud));
    bob.run_steps(2);
    bob.get_by_label("Overwrite all 2 with fraud").click();
    bob.run_steps(3);
    let over = ws.history(&name(&bob, decided)).unwrap().pop().unwrap();
    assert_eq!(
        (
            over.action.as_str(),
            over.overwrote.unwrap().author.as_str()
        ),
        ("overwrite", "ann")
    );
    assert_eq!(ws.case(&name(&bob, held)).unwrap().unwrap().author, "bob");
}

#[test]
fn an_analysts_threshold_is_refused_at_once_and_the_teams_stays() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_thresholds") else {
        return;
    };
    let team_th = Thresholds {
        suspicious: 0.577,
        high: 0.632,
    };
    ann.state_mut().push(Command::SetThresholds(team_th));
    ann.run_steps(1);
    eframe::App::save(ann.state_mut(), &mut NoStorage);
    both_until(
        &mut ann,
        &mut bob,
        "the lead's thresholds to reach bob",
        |b| b.triage.as_ref().unwrap().thresholds() == team_th,
    );
    bob.state_mut().push(Command::SetThresholds(Thresholds {
        suspicious: 0.7,
        high: 0.8,
    }));
    bob.run_steps(2);
    assert_eq!(triage(&bob).thresholds(), team_th, "back on screen at once");
    let said = match &bob.state().message {
        Some(Message::Error(m)) => m.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        said.contains("only a lead sets them") && said.contains("bob"),
        "{said}"
    );
    bob.get_by_label_contains("only a lead sets them");
    // Nothing to retry: saving (as eframe does now and then, and on quit) says nothing more.
    bob.state_mut().message = None;
    eframe::App::save(bob.state_mut(), &mut NoStorage);
    eframe::App::on_exit(bob.state_mut(), None);
    assert_eq!(bob.state().message, None);
    let ws = Workspace::open(Path::new(&at)).unwrap();
    let th = vigil::cases::SettingKey::ThresholdSuspicious;
    assert_eq!(ws.setting(th, "bob").unwrap().as_deref(), Some("0.577"));
}

#[test]
fn labels_imported_from_the_shell_reach_the_window_of_the_analyst_who_signed_them() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_import") else {
        return;
    };
    let queue = triage(&ann).queue().to_vec();
    let (a, b) = (name(&ann, queue[20]), name(&ann, queue[21]));
    let labels = common::write(
        dir.path(),
        "labels.csv",
        format!("user,label\n{a},fraud\n{b},legit\n").as_bytes(),
    );
    let import = |who: &str, extra: &[&str]| {
        let mut args = vec![
            "labels",
            "import",
            "--workspace",
            &at,
            labels.to_str().unwrap(),
        ];
        args.extend_from_slice(&["--author", who]);
        args.extend_from_slice(extra);
        let out = common::vigil(&args);
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    import("ann", &[]);
    both_until(
        &mut bob,
        &mut ann,
        "ann's import to reach ann's window",
        |w| w.triage.as_ref().unwrap().verdict(queue[20]) == Some(Verdict::Fraud),
    );
    both_until(
        &mut ann,
        &mut bob,
        "ann's import to reach bob's window",
        |w| w.triage.as_ref().unwrap().verdict(queue[21]) == Some(Verdict::Legit),
    );
    let (ann_ap, bob_ap) = (
        triage(&ann).report().metrics.average_precision,
        triage(&bob).report().metrics.average_precision,
    );
    assert!(
        ann_ap.to_bits() == bob_ap.to_bits() || (ann_ap.is_nan() && bob_ap.is_nan()),
        "both windows grade the same labels: {ann_ap} / {bob_ap}"
    );
    // Bob's import over ann's fresh decisions skips them, unless told to overwrite.
    let said = import("bob", &[]);
    assert!(said.contains("skipped 2"), "{said}");
    import("bob", &["--overwrite"]);
    both_until(&mut bob, &mut ann, "bob's overwrite to reach ann", |w| {
        let t = w.triage.as_ref().unwrap();
        t.case(queue[20]).is_some_and(|c| c.author == "bob")
    });
}

#[test]
fn quitting_lets_go_of_the_windows_claim() {
    let dir = tempfile::tempdir().unwrap();
    let Some((mut ann, mut bob, at, _)) = team(dir.path(), "gui_quit") else {
        return;
    };
    let ws = Workspace::open(Path::new(&at)).unwrap();
    let holders = || -> Vec<String> {
        let mut h: Vec<String> = ws
            .claims()
            .unwrap()
            .into_values()
            .map(|c| c.holder)
            .collect();
        h.sort();
        h
    };
    assert_eq!(holders(), ["ann", "bob"]);
    // Bob (an analyst, whose thresholds are not his to save) quits; then ann.
    eframe::App::on_exit(bob.state_mut(), None);
    assert_eq!(holders(), ["ann"]);
    eframe::App::on_exit(ann.state_mut(), None);
    assert!(holders().is_empty());
}

/// eframe's storage, for calling `App::save` by hand.
struct NoStorage;

impl eframe::Storage for NoStorage {
    fn get_string(&self, _key: &str) -> Option<String> {
        None
    }

    fn set_string(&mut self, _key: &str, _value: String) {}

    fn remove_string(&mut self, _key: &str) {}

    fn flush(&mut self) {}
}
