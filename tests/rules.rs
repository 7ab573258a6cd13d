//! Analyst rules: the language's errors, backtests against a hand count, saved versions, and
//! what a saved rule does to an account's risk and reasons.

mod common;

use std::path::Path;

use common::{
    Backend, open_bundled_sample, sample_scenarios, stderr, stdout, vigil, workspace_at, write,
};
use vigil::cases::Workspace;
use vigil::detect::{DetectorKind, Risk};
use vigil::log::{Label, Mapping, UserCode};
use vigil::progress::NoProgress;
use vigil::rules::{Rule, RuleAction};
use vigil::workbench::{self, OpenRequest, Opened, Triage};

/// Five accounts: `a` fails 3 payments of under 1.00, `b` fails 2, `c` fails 3 of larger
/// amounts, `d` and `e` pay. `a` and `c` are fraud by the log, `b` legit, `d` legit, `e`
/// unlabelled.
const SMALL_LOG: &str = "user_id,ts,event,amount,device,is_fraud
a,2026-10-01T10:00:00Z,pay_fail,0.50,d1,1
a,2026-10-01T10:01:00Z,pay_fail,0.60,d1,1
a,2026-10-01T10:02:00Z,pay_fail,0.70,d1,1
b,2026-10-01T11:00:00Z,pay_fail,0.50,d2,0
b,2026-10-01T11:01:00Z,pay_fail,0.50,d2,0
c,2026-10-01T12:00:00Z,pay_fail,50.00,d3,1
c,2026-10-01T12:01:00Z,pay_fail,60.00,d3,1
c,2026-10-01T12:02:00Z,pay_fail,70.00,d3,1
d,2026-10-01T13:00:00Z,pay,20.00,d4,0
e,2026-10-01T14:00:00Z,pay,30.00,d5,
";

fn open_small(dir: &Path) -> Triage {
    open_small_at(dir, dir.join("small.vigil.db"))
}

/// The small log with its workspace at `workspace` (a file or a team's server).
fn open_small_at(dir: &Path, workspace: std::path::PathBuf) -> Triage {
    let path = write(dir, "small.csv", SMALL_LOG.as_bytes());
    let request = OpenRequest {
        path,
        mapping: Mapping::default(),
        mapping_given: true,
        confirmed: None,
        workspace: Some(workspace),
        detector: DetectorKind::Zscore,
        train_now: false,
        model: None,
    };
    match workbench::open(request, &NoProgress).unwrap() {
        Opened::Ready(s, w) => Triage::new(*s, *w).unwrap(),
        Opened::NeedsMapping(_) => panic!("a mapping was given"),
    }
}

fn user(t: &Triage, name: &str) -> UserCode {
    t.user_by_name(name).unwrap()
}

on_both_backends!(
    a_backtest_matches_a_hand_count,
    a_saved_rule_is_versioned_and_sets_risk_and_reasons,
    a_block_listed_device_flags_its_accounts,
);

fn a_backtest_matches_a_hand_count(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "small") else {
        return;
    };
    let t = open_small_at(dir.path(), at.clone());
    // Labels are known a week after their events: the log's end is within the week, so
    // nothing is labelled yet; give the labels as verdicts instead.
    assert!(t.labels().iter().all(|&l| l == Label::Unknown));
    drop(t);
    let mut ws = Workspace::open(&at).unwrap();
    for (u, v) in [
        ("a", "fraud"),
        ("b", "legit"),
        ("c", "fraud"),
        ("d", "legit"),
    ] {
        let verdict = vigil::cases::Verdict::parse(v).unwrap();
        ws.set_verdict(u, verdict, "ana", vigil::cases::Source::Analyst)
            .unwrap();
    }
    drop(ws);
    let t = open_small_at(dir.path(), at);
    // Hits: a (3 fails, max 0.70) only. Labelled hits 1, fraud 1, of 2 fraud accounts.
    let b = t
        .backtest_rule("n:pay_fail >= 3 and amount_max < 1.0")
        .unwrap();
    assert_eq!(b.hits, [user(&t, "a")]);
    assert_eq!((b.labelled_hits, b.fraud_hits, b.fraud_total), (1, 1, 2));
    assert_eq!((b.precision, b.recall), (1.0, 0.5));
    // Hits: a and b (max under 1.00): one fraud of two labelled; c, the other fraud, missed.
    let b = t.backtest_rule("amount_max < 1").unwrap();
    assert_eq!(b.hits, [user(&t, "a"), user(&t, "b")]);
    assert_eq!((b.precision, b.recall), (0.5, 0.5));
    // An event feature: any event over 55.00 hits c only; `not` and `or` combine.
    let b = t.backtest_rule("amount > 55").unwrap();
    assert_eq!(b.hits, [user(&t, "c")]);
    let b = t
        .backtest_rule("not (n:pay_fail >= 1) or amount > 55")
        .unwrap();
    assert_eq!(b.hits.len(), 3, "c, d and e");
}

#[test]
fn bad_rules_name_the_position_and_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let t = open_small(dir.path());
    let e = t
        .backtest_rule("n:pay_fail >= 3 and amount_max <")
        .unwrap_err();
    assert_eq!(e.position, 33);
    assert!(e.message.contains("expected a number"), "{e}");
    let e = t
        .backtest_rule("n:pay_fail >= 3 and pay_fails > 1")
        .unwrap_err();
    assert_eq!(e.position, 21);
    assert!(e.message.contains("`pay_fails` is not a feature"), "{e}");
    assert!(e.message.contains("did you mean"), "{e}");

    let log = dir.path().join("small.csv");
    let out = vigil(&[
        "rules",
        "test",
        log.to_str().unwrap(),
        "--rule",
        "amount_max < < 1",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at character 14"), "{}", stderr(&out));
}

fn a_saved_rule_is_versioned_and_sets_risk_and_reasons(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "small") else {
        return;
    };
    let mut t = open_small_at(dir.path(), at);
    let a = user(&t, "a");
    let before = t.risk(a);
    let rule = Rule {
        name: "card testing".into(),
        expression: "n:pay_fail >= 3 and amount_max < 1.0".into(),
        action: RuleAction::FlagHigh,
        enabled: true,
        version: 0,
        author: String::new(),
        ts_ms: 0,
    };
    let saved = t.save_rule(&rule, "ana").unwrap();
    assert_eq!(saved.version, 1);
    assert_eq!(t.risk(a), Risk::High, "was {before:?}");
    let reasons = t.reasons(a);
    assert!(
        reasons[0].to_string().contains("card testing"),
        "{reasons:?}"
    );
    assert!(
        t.reasons(user(&t, "b"))
            .iter()
            .all(|r| !r.to_string().contains("card testing"))
    );

    t.set_rule_enabled("card testing", false, "ana").unwrap();
    assert_eq!(t.risk(a), before, "a rule switched off does nothing");
    let history = t.workspace().rule_history("card testing").unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].enabled && !history[1].enabled);

    // A bad expression is not saved.
    let bad = Rule {
        expression: "n:pay_fail >=".into(),
        ..rule
    };
    assert!(t.save_rule(&bad, "ana").is_err());
    assert_eq!(t.workspace().rule_history("card testing").unwrap().len(), 2);
}

#[test]
fn the_cli_saves_lists_and_tests_rules() {
    let dir = tempfile::tempdir().unwrap();
    let log = write(dir.path(), "small.csv", SMALL_LOG.as_bytes());
    let ws = dir.path().join("w.db");
    let ws_arg = ws.to_str().unwrap();
    let out = vigil(&[
        "rules",
        "save",
        "--workspace",
        ws_arg,
        "--name",
        "tiny",
        "--action",
        "flag_high",
        "amount_max < 1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = vigil(&["rules", "list", "--workspace", ws_arg]);
    assert!(stdout(&out).contains("tiny"), "{}", stdout(&out));
    let out = vigil(&[
        "rules",
        "test",
        log.to_str().unwrap(),
        "--workspace",
        ws_arg,
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let test = &report["tests"][0];
    assert_eq!(test["name"], "tiny");
    assert_eq!(test["backtest"]["Ok"]["hits"].as_array().unwrap().len(), 2);
    let out = vigil(&[
        "rules",
        "save",
        "--workspace",
        ws_arg,
        "--name",
        "x",
        "--action",
        "block",
        "events > 1",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("flag_suspicious, flag_high, allow"),
        "{}",
        stderr(&out)
    );
}

/// On the bundled sample, a rule written for card testing finds the card-testing accounts
/// (the generator's truth).
#[test]
fn a_card_testing_rule_finds_the_card_testers_of_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let t = open_bundled_sample(dir.path(), DetectorKind::Zscore, false);
    let testers: Vec<UserCode> = sample_scenarios(&t)
        .into_iter()
        .filter(|(_, s)| s == "card_testing")
        .map(|(u, _)| u)
        .collect();
    assert!(testers.len() >= 10);
    let b = t.backtest_rule("share:pay_fail >= 0.2").unwrap();
    let found = b.hits.iter().filter(|u| testers.contains(u)).count();
    let precision = found as f64 / b.hits.len() as f64;
    let recall = found as f64 / testers.len() as f64;
    assert!(
        precision >= 0.9 && recall >= 0.9,
        "precision {precision} recall {recall}"
    );
}

/// A block-listed device makes the accounts that used it high risk and says why; an allowed
/// user is cleared; rules can ask for list membership; lists go in and out as CSV.
fn a_block_listed_device_flags_its_accounts(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (Some(ws), Some(other)) = (
        workspace_at(backend, dir.path(), "small"),
        workspace_at(backend, dir.path(), "other"),
    ) else {
        return;
    };
    let mut t = open_small_at(dir.path(), ws.clone());
    let (a, d) = (user(&t, "a"), user(&t, "d"));
    assert_ne!(t.risk(d), Risk::High);
    let block = vigil::rules::ListEntry {
        kind: vigil::rules::ListKind::Block,
        role: "device".into(),
        value: "d4".into(),
    };
    assert_eq!(
        t.add_to_lists(std::slice::from_ref(&block), "ana").unwrap(),
        1
    );
    assert_eq!(
        t.add_to_lists(&[block], "ana").unwrap(),
        0,
        "already listed"
    );
    assert_eq!(t.risk(d), Risk::High);
    assert_eq!(
        t.reasons(d)[0].to_string(),
        "device d4 is on the block list"
    );
    let allow = vigil::rules::ListEntry {
        kind: vigil::rules::ListKind::Allow,
        role: "user".into(),
        value: "a".into(),
    };
    t.add_to_lists(&[allow], "ana").unwrap();
    assert_eq!(t.risk(a), Risk::Normal);
    let b = t
        .backtest_rule("device in blocklist or user in allowlist")
        .unwrap();
    assert_eq!(b.hits, [a, d]);
    let unblock = vigil::rules::ListEntry {
        kind: vigil::rules::ListKind::Block,
        role: "device".into(),
        value: "d4".into(),
    };
    assert!(t.remove_from_lists(&unblock, "ana").unwrap());
    assert_ne!(t.risk(d), Risk::High, "off the list, off high risk");
    t.add_to_lists(&[unblock], "ana").unwrap();
    let e = t.backtest_rule("card in blocklist").unwrap_err();
    assert!(
        e.message.contains("`card` is not an entity of this log"),
        "{e}"
    );

    // Out and back in through the CLI.
    let out_csv = dir.path().join("lists.csv");
    let out = vigil(&[
        "lists",
        "export",
        "--workspace",
        ws.to_str().unwrap(),
        "--out",
        out_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&out_csv).unwrap();
    assert_eq!(text, "list,role,value\nallow,user,a\nblock,device,d4\n");
    Workspace::open(&other).unwrap();
    let out = vigil(&[
        "lists",
        "import",
        "--workspace",
        other.to_str().unwrap(),
        out_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        Workspace::open(&other)
            .unwrap()
            .list_entries()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn bad_list_files_name_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("w.db");
    for (content, expected) in [
        (
            "list,role,value\nblock,device,d1\ngrey,device,d2\n",
            "line 3, column list: expected allow or block, found `grey`",
        ),
        (
            "list,role,value\nblock,,d1\n",
            "line 2, column role: expected a value",
        ),
        ("kind,value\nblock,d1\n", "no role column"),
    ] {
        let file = write(dir.path(), "lists.csv", content.as_bytes());
        let out = vigil(&[
            "lists",
            "import",
            "--workspace",
            ws.to_str().unwrap(),
            file.to_str().unwrap(),
        ]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("lists.csv"),
            "names the file: {}",
            stderr(&out)
        );
    }
    let ws_now = Workspace::open(&ws).unwrap();
    assert!(
        ws_now.list_entries().unwrap().is_empty(),
        "nothing half imported"
    );
}
