//! A team on one workspace: roles, claims, assignment, conflicts, the change feed, copying a
//! workspace, the kept model, and many analysts at once. Each test runs on SQLite and on a
//! throwaway PostgreSQL server (skipped, with one line, where PostgreSQL is not installed).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Backend, workspace_at};
use vigil::cases::{
    CaseError, ChangeKind, Claimed, ConflictKind, Guard, Merge, Role, SettingKey, Source, Verdict,
    Workspace, copy_workspace,
};
use vigil::detect::DetectorKind;
use vigil::progress::NoProgress;
use vigil::rules::{ListEntry, ListKind, Rule, RuleAction};

on_both_backends!(
    only_a_lead_sets_thresholds_rules_lists_and_assignments,
    claims_keep_two_analysts_off_one_account,
    a_verdict_on_stale_data_is_refused_then_overwritten_on_request,
    the_change_feed_says_what_others_changed,
    the_kept_model_lives_in_the_workspace,
    copy_moves_everything_and_refuses_to_mix_verdicts,
    eight_analysts_decide_every_account_exactly_once,
    a_killed_analysts_bulk_decision_is_all_or_nothing_and_their_claim_lapses,
    a_lead_assigns_a_filtered_queue_or_a_list_from_the_command_line,
    a_verdict_reaches_a_second_open_window_within_2_seconds,
    a_verdict_asks_first_where_another_analyst_holds_or_recently_decided,
    labels_import_skips_others_recent_decisions_unless_told_to_overwrite,
    every_window_takes_in_what_it_did_not_write_whoever_signed_it,
);

fn open(backend: Backend, dir: &Path, name: &str) -> Option<Workspace> {
    workspace_at(backend, dir, name).map(|at| Workspace::open(&at).unwrap())
}

fn rule(name: &str) -> Rule {
    Rule {
        name: name.to_string(),
        expression: "n:pay_fail >= 3".to_string(),
        action: RuleAction::FlagHigh,
        enabled: true,
        version: 0,
        author: String::new(),
        ts_ms: 0,
    }
}

fn only_a_lead_sets_thresholds_rules_lists_and_assignments(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut ws) = open(backend, dir.path(), "roles") else {
        return;
    };
    assert_eq!(
        ws.join("ann").unwrap(),
        Role::Lead,
        "the first member leads"
    );
    assert_eq!(ws.join("bob").unwrap(), Role::Analyst);
    let refused = [
        ws.save_rule(&rule("r1"), "bob").unwrap_err(),
        ws.set_setting(SettingKey::ThresholdHigh, "0.9", "bob")
            .unwrap_err(),
        ws.add_list_entries(
            &[ListEntry {
                kind: ListKind::Block,
                role: "device".into(),
                value: "d1".into(),
            }],
            "bob",
        )
        .unwrap_err(),
        ws.assign(&["u1".to_string()], "bob", "bob").unwrap_err(),
        ws.grant("bob", "bob", Role::Lead).unwrap_err(),
    ];
    for e in refused {
        assert!(matches!(e, CaseError::NotLead { .. }), "{e}");
        let text = e.to_string();
        assert!(
            text.contains("only a lead can") && text.contains("bob"),
            "{text}"
        );
    }
    // An analyst's own settings are theirs; the thresholds they see are the lead's.
    ws.set_setting(SettingKey::ThresholdHigh, "0.9", "ann")
        .unwrap();
    ws.set_setting(SettingKey::QueueFilter, "{}", "bob")
        .unwrap();
    assert_eq!(
        ws.setting(SettingKey::ThresholdHigh, "bob")
            .unwrap()
            .as_deref(),
        Some("0.9")
    );
    assert_eq!(ws.setting(SettingKey::QueueFilter, "ann").unwrap(), None);
    assert_eq!(
        ws.assign(&["u1".into(), "u2".into()], "bob", "ann")
            .unwrap(),
        2
    );
    assert_eq!(ws.assigned_to("bob").unwrap(), ["u1", "u2"]);
    ws.grant("ann", "bob", Role::Lead).unwrap();
    assert_eq!(ws.save_rule(&rule("r1"), "bob").unwrap().version, 1);
    assert_eq!(
        ws.members().unwrap(),
        [
            ("ann".to_string(), Role::Lead),
            ("bob".to_string(), Role::Lead)
        ]
    );
}

fn claims_keep_two_analysts_off_one_account(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(ws) = open(backend, dir.path(), "claims") else {
        return;
    };
    assert!(matches!(
        ws.claim("u1", "ann").unwrap(),
        Claimed::Held { .. }
    ));
    match ws.claim("u1", "bob").unwrap() {
        Claimed::HeldBy(c) => assert_eq!(c.holder, "ann"),
        other => panic!("bob took ann's account: {other:?}"),
    }
    let queue: Vec<String> = ["u1", "u2", "u3"].map(String::from).to_vec();
    assert_eq!(ws.claim_next(&queue, "bob").unwrap().as_deref(), Some("u2"));
    // Moving on lets go of the account before.
    assert_eq!(ws.claim_next(&queue, "ann").unwrap().as_deref(), Some("u1"));
    ws.claim("u3", "ann").unwrap();
    assert_eq!(ws.claims().unwrap().len(), 2, "ann holds u3 only, bob u2");
    ws.release_claims("ann").unwrap();
    assert!(matches!(
        ws.claim("u3", "bob").unwrap(),
        Claimed::Held { .. }
    ));
}

fn a_verdict_on_stale_data_is_refused_then_overwritten_on_request(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut ws) = open(backend, dir.path(), "conflict") else {
        return;
    };
    let users = vec!["u1".to_string()];
    let loaded_ms = chrono::Utc::now().timestamp_millis() - 1;
    ws.decide(&users, Verdict::Legit, "ann", Source::Analyst, Guard::Blind)
        .unwrap();
    let e = ws
        .decide(
            &users,
            Verdict::Fraud,
            "bob",
            Source::Analyst,
            Guard::AskFirst {
                decided_after_ms: loaded_ms,
                holder: "",
            },
        )
        .unwrap_err();
    match &e {
        CaseError::Conflicts(c) => {
            assert_eq!(
                (c[0].by.as_str(), c[0].verdict),
                ("ann", Some(Verdict::Legit))
            )
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("ann decided u1 legit"), "{e}");
    assert_eq!(
        ws.case("u1").unwrap().unwrap().verdict,
        Some(Verdict::Legit),
        "nothing written"
    );
    ws.decide(
        &users,
        Verdict::Fraud,
        "bob",
        Source::Analyst,
        Guard::Overwrite,
    )
    .unwrap();
    let history = ws.history("u1").unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.author.as_str()),
        ("overwrite", "bob")
    );
    // Bob's own earlier decision is no conflict for bob.
    ws.decide(
        &users,
        Verdict::Unsure,
        "bob",
        Source::Analyst,
        Guard::AskFirst {
            decided_after_ms: loaded_ms,
            holder: "",
        },
    )
    .unwrap();
}

fn the_change_feed_says_what_others_changed(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "feed") else {
        return;
    };
    let mut ann = Workspace::open(&at).unwrap();
    let bob = Workspace::open(&at).unwrap();
    let mark = bob.change_mark().unwrap();
    ann.set_verdict("u7", Verdict::Fraud, "ann", Source::Analyst)
        .unwrap();
    ann.save_rule(&rule("r"), "ann").unwrap();
    ann.claim("u8", "ann").unwrap();
    let changes = bob.changes_after(mark).unwrap();
    let kinds: Vec<ChangeKind> = changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [ChangeKind::Case, ChangeKind::Rule, ChangeKind::Claim]
    );
    assert_eq!(changes[0].user.as_deref(), Some("u7"));
    assert!(bob.changes_after(changes[2].id).unwrap().is_empty());
}

fn a_verdict_asks_first_where_another_analyst_holds_or_recently_decided(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut ws) = open(backend, dir.path(), "ask_first") else {
        return;
    };
    let one = |u: &str| vec![u.to_string()];
    let now = || chrono::Utc::now().timestamp_millis();
    // Ann holds u1: bob's verdict names her and when she took it, and writes nothing.
    let Claimed::Held { since_ms, .. } = ws.claim("u1", "ann").unwrap() else {
        panic!("ann could not claim u1");
    };
    let asked = Guard::AskFirst {
        decided_after_ms: now() - 30 * 60_000,
        holder: "",
    };
    let e = ws
        .decide(&one("u1"), Verdict::Fraud, "bob", Source::Analyst, asked)
        .unwrap_err();
    let CaseError::Conflicts(c) = &e else {
        panic!("{e}")
    };
    assert_eq!(
        (c[0].by.as_str(), c[0].kind, c[0].at_ms),
        ("ann", ConflictKind::Held, since_ms)
    );
    assert!(e.to_string().contains("ann holds u1 since"), "{e}");
    assert!(ws.case("u1").unwrap().is_none(), "nothing written");
    // Renewing keeps when she took it.
    std::thread::sleep(Duration::from_millis(5));
    let Claimed::Held {
        since_ms: again, ..
    } = ws.claim("u1", "ann").unwrap()
    else {
        panic!("ann lost u1");
    };
    assert_eq!(again, since_ms);
    // Bob decides anyway: a plain label (no decision was replaced).
    ws.decide(
        &one("u1"),
        Verdict::Fraud,
        "bob",
        Source::Analyst,
        Guard::Overwrite,
    )
    .unwrap();
    let last = ws.history("u1").unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.overwrote), ("label", None));

    // Ann decided u2 a moment ago. Bob's window has seen it (it looked after), but her
    // decision is recent: his verdict asks first all the same.
    ws.set_verdict("u2", Verdict::Legit, "ann", Source::Analyst)
        .unwrap();
    let ann_ms = ws.case("u2").unwrap().unwrap().ts_ms;
    let seen_after = now() + 1;
    let recent = Guard::AskFirst {
        decided_after_ms: seen_after.min(now() - 30 * 60_000),
        holder: "",
    };
    let e = ws
        .decide(&one("u2"), Verdict::Fraud, "bob", Source::Analyst, recent)
        .unwrap_err();
    assert!(e.to_string().contains("ann decided u2 legit"), "{e}");
    // Past the recent minutes, what the window has seen stands.
    let old = Guard::AskFirst {
        decided_after_ms: seen_after,
        holder: "",
    };
    ws.decide(&one("u2"), Verdict::Unsure, "bob", Source::Analyst, old)
        .unwrap();
    // Over ann's decision: an overwrite, with both decisions in the audit log.
    ws.set_verdict("u3", Verdict::Legit, "ann", Source::Analyst)
        .unwrap();
    let e = ws
        .decide(&one("u3"), Verdict::Fraud, "bob", Source::Analyst, recent)
        .unwrap_err();
    assert!(matches!(e, CaseError::Conflicts(_)));
    ws.decide(
        &one("u3"),
        Verdict::Fraud,
        "bob",
        Source::Analyst,
        Guard::Overwrite,
    )
    .unwrap();
    let last = ws.history("u3").unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.verdict),
        ("overwrite", Some(Verdict::Fraud))
    );
    let theirs = last.overwrote.expect("the decision it replaced");
    assert_eq!(
        (theirs.verdict, theirs.author.as_str()),
        (Some(Verdict::Legit), "ann")
    );
    assert!(theirs.ts_ms >= ann_ms);
    // A bulk decision names every account in the way and writes none.
    ws.claim("u9", "ann").unwrap();
    let users: Vec<String> = ["u3", "u4", "u9"].map(String::from).to_vec();
    let e = ws
        .decide(&users, Verdict::Legit, "carl", Source::Analyst, recent)
        .unwrap_err();
    let CaseError::Conflicts(c) = e else { panic!() };
    let named: Vec<(&str, ConflictKind)> = c.iter().map(|c| (c.user.as_str(), c.kind)).collect();
    assert_eq!(
        named,
        [("u3", ConflictKind::Decided), ("u9", ConflictKind::Held)]
    );
    assert!(ws.case("u4").unwrap().is_none());
}

fn labels_import_skips_others_recent_decisions_unless_told_to_overwrite(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "import_guard") else {
        return;
    };
    {
        let mut ws = Workspace::open(&at).unwrap();
        ws.set_verdict("u1", Verdict::Legit, "ann", Source::Analyst)
            .unwrap();
        ws.set_verdict("u2", Verdict::Legit, "bob", Source::Analyst)
            .unwrap();
        ws.claim("u3", "ann").unwrap();
    }
    let labels = common::write(
        dir.path(),
        "labels.csv",
        b"user,label\nu1,fraud\nu2,fraud\nu3,fraud\nu4,fraud\n",
    );
    let import = |extra: &[&str]| {
        let mut args = vec![
            "labels",
            "import",
            "--workspace",
            at.to_str().unwrap(),
            labels.to_str().unwrap(),
            "--author",
            "bob",
        ];
        args.extend_from_slice(extra);
        let out = common::vigil(&args);
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    let said = import(&[]);
    assert!(said.contains("imported 2 labels"), "{said}");
    assert!(
        said.contains("skipped 2")
            && said.contains("ann decided u1 legit")
            && said.contains("ann holds u3"),
        "{said}"
    );
    let ws = Workspace::open(&at).unwrap();
    assert_eq!(
        ws.case("u1").unwrap().unwrap().author,
        "ann",
        "ann's stands"
    );
    assert_eq!(
        ws.case("u2").unwrap().unwrap().verdict,
        Some(Verdict::Fraud),
        "bob's own"
    );
    assert!(ws.case("u3").unwrap().is_none());
    let said = import(&["--overwrite"]);
    assert!(
        said.contains("imported 4 labels") && !said.contains("skipped"),
        "{said}"
    );
    let last = ws.history("u1").unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.author.as_str()),
        ("overwrite", "bob")
    );
    assert_eq!(last.overwrote.unwrap().author, "ann");
    // A lead may shorten what counts as recent; an analyst may not.
    ws.join("ann").unwrap();
    ws.join("bob").unwrap();
    let set = |who: &str, minutes: &str| {
        common::vigil(&[
            "workspace",
            "set",
            "--workspace",
            at.to_str().unwrap(),
            "--recent-decision-minutes",
            minutes,
            "--author",
            who,
        ])
    };
    let refused = set("bob", "0");
    assert!(!refused.status.success());
    assert!(
        common::stderr(&refused).contains("only a lead can"),
        "{}",
        common::stderr(&refused)
    );
    assert!(set("ann", "0").status.success());
    assert_eq!(ws.recent_decision_ms("bob").unwrap(), 0);
}

fn every_window_takes_in_what_it_did_not_write_whoever_signed_it(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "origins") else {
        return;
    };
    let window = Workspace::open(&at).unwrap();
    let mut shell = Workspace::open(&at).unwrap();
    assert_ne!(window.origin(), shell.origin());
    let mark = window.change_mark().unwrap();
    // The same analyst, from the shell: the window did not write it.
    shell
        .set_verdict("u1", Verdict::Fraud, "ann", Source::Imported)
        .unwrap();
    window.claim("u2", "ann").unwrap();
    let changes = window.changes_after(mark).unwrap();
    let theirs: Vec<_> = changes
        .iter()
        .filter(|c| c.origin.as_ref() != Some(window.origin()))
        .collect();
    assert_eq!(theirs.len(), 1, "{changes:?}");
    assert_eq!(
        (theirs[0].kind, theirs[0].author.as_str()),
        (ChangeKind::Case, "ann")
    );
    let delta = vigil::workbench::read_delta(&window, mark, "ann", window.origin()).unwrap();
    assert!(delta.any(), "ann's window takes in ann's import");
}

fn the_kept_model_lives_in_the_workspace(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(ws) = open(backend, dir.path(), "model") else {
        return;
    };
    let model = dir.path().join("m");
    std::fs::create_dir(&model).unwrap();
    std::fs::write(model.join("meta.json"), "{\"kind\":\"zscore\"}").unwrap();
    std::fs::write(model.join("weights.bin"), [0u8, 159, 146, 150, 255]).unwrap();
    assert_eq!(ws.fetch_model(&dir.path().join("none")).unwrap(), 0);
    assert_eq!(ws.keep_model(&model, "ann").unwrap(), 2);
    let back = dir.path().join("back");
    assert_eq!(ws.fetch_model(&back).unwrap(), 2);
    assert_eq!(
        std::fs::read(back.join("weights.bin")).unwrap(),
        [0u8, 159, 146, 150, 255]
    );
    assert!(ws.model_time().unwrap().is_some());
}

fn copy_moves_everything_and_refuses_to_mix_verdicts(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(to_at) = workspace_at(backend, dir.path(), "to") else {
        return;
    };
    let from_at = dir.path().join("analyst.vigil.db");
    {
        let mut from = Workspace::open(&from_at).unwrap();
        from.set_verdicts(
            &["a".into(), "b".into()],
            Verdict::Fraud,
            "ann",
            Source::Analyst,
        )
        .unwrap();
        from.set_note("a", "ring of 2", "ann").unwrap();
        from.undo("ann").unwrap();
        from.save_rule(&rule("r"), "ann").unwrap();
        from.set_setting(SettingKey::ThresholdHigh, "0.97", "ann")
            .unwrap();
    }
    let out = common::vigil(&[
        "workspace",
        "copy",
        "--from",
        from_at.to_str().unwrap(),
        "--to",
        to_at.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("copied 4 audit lines"), "{stdout}");
    assert!(!stdout.contains(common::pg::PASSWORD), "{stdout}");
    let to = Workspace::open(&to_at).unwrap();
    let from = Workspace::open(&from_at).unwrap();
    assert_eq!(to.cases().unwrap(), from.cases().unwrap());
    assert_eq!(to.rules().unwrap().len(), 1);
    assert_eq!(
        to.setting(SettingKey::ThresholdHigh, "x")
            .unwrap()
            .as_deref(),
        Some("0.97")
    );
    // The undo still points at the line it took back.
    let history = to.history("a").unwrap();
    assert_eq!(history.last().unwrap().undoes, Some(history[1].id));
    // Again: the target holds verdicts now.
    let out = common::vigil(&[
        "workspace",
        "copy",
        "--from",
        from_at.to_str().unwrap(),
        "--to",
        to_at.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("--merge newer"),
        "{}",
        common::stderr(&out)
    );
    let merged = copy_workspace(&from, &to, Merge::Newer, "ann").unwrap();
    assert_eq!(merged.cases, 0, "nothing newer to take");
}

fn a_lead_assigns_a_filtered_queue_or_a_list_from_the_command_line(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "assign") else {
        return;
    };
    let sample = vigil::workbench::bundled_sample();
    let (at, sample) = (at.to_str().unwrap(), sample.to_str().unwrap());
    let assign = |extra: &[&str]| {
        let mut args = vec!["assign", "--workspace", at, "--to", "bob"];
        args.extend_from_slice(extra);
        common::vigil(&args)
    };
    let out = assign(&["--log", sample, "--risk", "high", "--top", "25"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("assigned 25 accounts to bob"), "{said}");
    let ws = Workspace::open(Path::new(at)).unwrap();
    assert_eq!(ws.assigned_to("bob").unwrap().len(), 25);
    // Bob is an analyst: he may not assign.
    let list = dir.path().join("mine.txt");
    std::fs::write(&list, "user\nlisted_1\nlisted_2\n").unwrap();
    let out = assign(&["--users", list.to_str().unwrap(), "--author", "bob"]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("only a lead can assign work"),
        "{}",
        common::stderr(&out)
    );
    let out = assign(&["--users", list.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(ws.assigned_to("bob").unwrap().len(), 27);
}

/// The child side of the kill test: holds an account, then decides rings of 50 accounts one
/// bulk decision after another, printing each once it is saved.
#[test]
#[ignore = "run by a_killed_analysts_bulk_decision_is_all_or_nothing_and_their_claim_lapses"]
fn child_bulk_analyst() {
    let Ok(at) = std::env::var("VIGIL_TEAM_KILL_WS") else {
        return;
    };
    let mut ws = Workspace::open(Path::new(&at)).unwrap();
    ws.claim_for("held", "child", 3_000).unwrap();
    for ring in 0.. {
        let users: Vec<String> = (0..50).map(|i| format!("r{ring}_{i}")).collect();
        ws.decide(
            &users,
            Verdict::Fraud,
            "child",
            Source::Analyst,
            Guard::AskFirst {
                decided_after_ms: 0,
                holder: "",
            },
        )
        .unwrap();
        println!("saved ring {ring}");
    }
}

fn a_killed_analysts_bulk_decision_is_all_or_nothing_and_their_claim_lapses(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "killed") else {
        return;
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_bulk_analyst",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("VIGIL_TEAM_KILL_WS", &at)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut saved = 0;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if line.unwrap().contains("saved ring") {
            saved += 1;
            if saved == 5 {
                child.kill().unwrap(); // SIGKILL, while the next ring is being written
                break;
            }
        }
    }
    child.wait().unwrap();
    let ws = Workspace::open(&at).unwrap();
    let mut per_ring = std::collections::BTreeMap::<String, usize>::new();
    for c in ws.cases().unwrap() {
        *per_ring
            .entry(c.user.split('_').next().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(per_ring.len() >= 5, "{per_ring:?}");
    assert!(
        per_ring.values().all(|&n| n == 50),
        "a ring half saved: {per_ring:?}"
    );
    // The dead analyst's claim holds until its expiry, and not a moment after.
    if let Some(claim) = ws.claims().unwrap().get("held") {
        assert_eq!(claim.holder, "child");
        let left = claim.until_ms - chrono::Utc::now().timestamp_millis();
        if left > 200 {
            assert!(matches!(
                ws.claim("held", "ann").unwrap(),
                Claimed::HeldBy(_)
            ));
        }
        std::thread::sleep(Duration::from_millis(left.max(0) as u64 + 100));
    }
    assert!(
        matches!(ws.claim("held", "ann").unwrap(), Claimed::Held { .. }),
        "lapsed"
    );
}

/// The child side of the many-analysts test: claims the next account of the queue and decides
/// it, until none is left; prints each decision and its latency.
#[test]
#[ignore = "run by eight_analysts_decide_every_account_exactly_once"]
fn child_analyst() {
    let (Ok(at), Ok(me), Ok(n)) = (
        std::env::var("VIGIL_TEAM_WS"),
        std::env::var("VIGIL_TEAM_ME"),
        std::env::var("VIGIL_TEAM_QUEUE"),
    ) else {
        return;
    };
    let queue: Vec<String> = (0..n.parse::<usize>().unwrap())
        .map(|i| format!("acct{i:05}"))
        .collect();
    let mut ws = Workspace::open(Path::new(&at)).unwrap();
    loop {
        let started = Instant::now();
        let Some(user) = ws.claim_next(&queue, &me).unwrap() else {
            break;
        };
        ws.decide(
            std::slice::from_ref(&user),
            Verdict::Legit,
            &me,
            Source::Analyst,
            Guard::AskFirst {
                decided_after_ms: 0,
                holder: "",
            },
        )
        .unwrap();
        println!("decided {user} {}", started.elapsed().as_micros());
    }
}

fn eight_analysts_decide_every_account_exactly_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "eight") else {
        return;
    };
    Workspace::open(&at).unwrap().join("lead").unwrap();
    // The benchmark (benches/team_queue.sh) sets 5,000; the test keeps CI quick.
    let n: usize = std::env::var("VIGIL_TEAM_QUEUE_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let children: Vec<_> = (0..8)
        .map(|i| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "child_analyst",
                    "--ignored",
                    "--nocapture",
                    "--test-threads",
                    "1",
                ])
                .env("VIGIL_TEAM_WS", &at)
                .env("VIGIL_TEAM_ME", format!("analyst{i}"))
                .env("VIGIL_TEAM_QUEUE", n.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut decided = Vec::new();
    let mut latencies_us = Vec::new();
    for mut child in children {
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            // The harness's "test child_analyst ... " has no line end: the first line follows it.
            if let Some((_, rest)) = line.split_once("decided ") {
                let (user, us) = rest.split_once(' ').unwrap();
                decided.push(user.to_string());
                latencies_us.push(us.parse::<u64>().unwrap());
            }
        }
        assert!(child.wait().unwrap().success());
    }
    decided.sort();
    let ws = Workspace::open(&at).unwrap();
    let missing: Vec<String> = (0..n)
        .map(|i| format!("acct{i:05}"))
        .filter(|u| decided.binary_search(u).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "never decided: {missing:?}; in the workspace: {:?}",
        missing
            .iter()
            .map(|u| ws.case(u).unwrap())
            .collect::<Vec<_>>()
    );
    let before = decided.len();
    decided.dedup();
    assert_eq!(before, decided.len(), "an account was decided twice");
    assert_eq!(decided.len(), n, "every account decided");
    assert_eq!(ws.audit_len().unwrap(), n, "one audit line per verdict");
    assert_eq!(ws.cases().unwrap().len(), n);
    latencies_us.sort_unstable();
    let pct = |p: f64| latencies_us[((latencies_us.len() - 1) as f64 * p) as usize] as f64 / 1000.0;
    eprintln!(
        "team queue on {backend:?}: {n} accounts, 8 analysts, claim+verdict latency p50 {:.1} ms, p95 {:.1} ms",
        pct(0.5),
        pct(0.95)
    );
}

fn a_verdict_reaches_a_second_open_window_within_2_seconds(backend: Backend) {
    use vigil::workbench::{self, OpenRequest, Opened, Triage};
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "two_windows") else {
        return;
    };
    let window = |author: &str| {
        let request = OpenRequest {
            path: workbench::bundled_sample(),
            mapping: vigil::log::Mapping::default(),
            mapping_given: false,
            confirmed: None,
            workspace: Some(at.clone()),
            detector: DetectorKind::Zscore,
            train_now: false,
            model: None,
        };
        let mut t = match workbench::open(request, &vigil::progress::NoProgress).unwrap() {
            Opened::Ready(s, w) => Triage::new(*s, *w).unwrap(),
            Opened::NeedsMapping(_) => panic!("the sample's columns are plain"),
        };
        t.act_as(author).unwrap();
        t
    };
    let mut ann = window("ann");
    let mut bob = window("bob");
    assert_eq!((ann.role(), bob.role()), (Role::Lead, Role::Analyst));
    let u = ann.selected().unwrap();
    // Ann is on it: bob's window opened on the next account, and his `j`/`k` pass it by.
    bob.sync().unwrap();
    assert_eq!(bob.claimed_by_other(u), Some("ann"));
    assert_ne!(bob.selected(), Some(u));
    bob.step(-1);
    assert_ne!(bob.selected(), Some(u), "k passes over ann's account");
    // Ann's window has heard of bob's claim (its follower would have): her next account is
    // not his.
    ann.sync().unwrap();
    ann.label(Verdict::Fraud, "ann").unwrap();
    let started = Instant::now();
    while bob.verdict(u).is_none() && started.elapsed() < Duration::from_secs(2) {
        bob.sync().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(bob.verdict(u), Some(Verdict::Fraud), "within 2 s");
    // As the window does it: the delta read on another thread, over a connection of its own,
    // and taken in without the database.
    let next = ann.selected().unwrap();
    ann.label(Verdict::Legit, "ann").unwrap();
    let (follow_at, mark) = (at.clone(), bob.team_mark());
    let bobs = bob.workspace().origin().clone();
    let delta = std::thread::spawn(move || {
        let ws = Workspace::open(&follow_at).unwrap();
        vigil::workbench::read_delta(&ws, mark, "bob", &bobs).unwrap()
    })
    .join()
    .unwrap();
    assert!(delta.any());
    assert_eq!(bob.apply_delta(delta).cases, 1);
    assert_eq!(bob.verdict(next), Some(Verdict::Legit));
    assert_eq!(
        bob.label_of(u),
        vigil::log::Label::Fraud,
        "and it counts as a label"
    );

    // Ann retrains: her model becomes the team's, and bob's window takes it.
    let input = ann.begin_retrain(DetectorKind::Gbdt).unwrap();
    ann.finish_retrain(input.run(&NoProgress).unwrap());
    let synced = bob.sync().unwrap();
    assert!(synced.model, "bob hears of the new model");
    let taken = (bob.team_model_job())(&NoProgress).unwrap();
    bob.finish_retrain(taken);
    assert_eq!(bob.model().kind, DetectorKind::Gbdt);
    assert!(bob.model().from_disk, "read, not trained again");
    let (a, b) = (ann.session(), bob.session());
    assert_eq!(
        a.model.scores.user, b.model.scores.user,
        "one model, one set of scores"
    );

    // Ann decides two accounts bob has not looked at since: bob's verdicts on them are
    // refused; he overwrites one and lets the other stand.
    let (v, w) = (ann.queue()[3], ann.queue()[4]);
    for x in [v, w] {
        ann.select(x);
        ann.label(Verdict::Fraud, "ann").unwrap();
    }
    for x in [v, w] {
        bob.select(x);
        assert!(bob.label(Verdict::Legit, "bob").is_err(), "refused");
        let asked = bob.conflict().unwrap();
        assert_eq!(
            (asked.theirs[0].by.as_str(), asked.ours),
            ("ann", Verdict::Legit)
        );
        if x == v {
            bob.overwrite("bob").unwrap();
        } else {
            bob.keep_theirs("bob").unwrap();
        }
        assert!(bob.conflict().is_none());
    }
    assert_eq!(bob.verdict(v), Some(Verdict::Legit));
    assert_eq!(bob.verdict(w), Some(Verdict::Fraud), "ann's stands");
    let history = bob.workspace().history(bob.user_name(v)).unwrap();
    assert_eq!(history.last().unwrap().action, "overwrite");
}

/// What opening the workspace at `at` says, when it cannot.
fn open_error(at: &str) -> String {
    match Workspace::open(Path::new(at)) {
        Ok(_) => panic!("{at} opened"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn postgres_errors_are_clear_and_never_show_the_password() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let secret = common::pg::PASSWORD;
    let wrong = format!(
        "postgres://postgres:not-{secret}@127.0.0.1:{}/postgres",
        server.port
    );
    let e = open_error(&wrong);
    assert!(
        e.contains("password authentication failed") && e.contains("postgres:***@127.0.0.1"),
        "{e}"
    );
    assert!(!e.contains(secret), "{e}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let away = format!("postgres://ann:{secret}@127.0.0.1:{closed}/db");
    let e = open_error(&away);
    assert!(
        e.contains("cannot connect") && e.contains(&format!("127.0.0.1:{closed}")),
        "{e}"
    );
    assert!(!e.contains(secret), "{e}");
    // A schema that holds another program's tables is not taken over.
    let mut admin = server.admin();
    admin
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS shop; CREATE TABLE IF NOT EXISTS shop.orders (id int)",
        )
        .unwrap();
    let foreign = format!(
        "postgres://postgres:{secret}@127.0.0.1:{}/postgres?schema=shop",
        server.port
    );
    let e = open_error(&foreign);
    assert!(
        e.contains("not a Vigil workspace") && e.contains("orders"),
        "{e}"
    );
    let out = common::vigil(&["labels", "export", "--workspace", &wrong, "--out", "x.csv"]);
    assert!(!out.status.success());
    let text = common::stderr(&out);
    assert!(
        text.contains("password authentication failed") && !text.contains(secret),
        "{text}"
    );
}

#[test]
fn a_bell_rings_in_another_window_when_the_team_writes() {
    let dir = tempfile::tempdir().unwrap();
    let file = Workspace::open(&dir.path().join("one.db")).unwrap();
    assert!(
        file.bell(Box::new(|| {})).unwrap().is_none(),
        "a file's windows look every moment instead"
    );
    let Some(server) = common::pg::server() else {
        return;
    };
    let at = server.url("bell");
    let mut ann = Workspace::open(Path::new(&at)).unwrap();
    let bob = Workspace::open(Path::new(&at)).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let bell = bob
        .bell(Box::new(move || {
            let _ = tx.send(());
        }))
        .unwrap()
        .expect("a team's server has a bell");
    ann.set_verdict("u1", Verdict::Fraud, "ann", Source::Analyst)
        .unwrap();
    let started = Instant::now();
    rx.recv_timeout(Duration::from_secs(2))
        .expect("the bell rang within 2 s");
    eprintln!("the bell rang {:?} after the verdict", started.elapsed());
    drop(bell);
}

#[test]
fn tls_is_spoken_when_asked_for_and_the_certificate_checked_when_asked() {
    let Some(server) = common::pg::server() else {
        return;
    };
    if !server.tls {
        eprintln!("SKIPPED the TLS test: no openssl to make the test server a certificate");
        return;
    }
    // `require` refuses a server that does not speak TLS: this one does (rustls, ring).
    let at = format!("{}&sslmode=require", server.url("tls"));
    let mut ws = Workspace::open(Path::new(&at)).unwrap();
    ws.set_verdict("u1", Verdict::Fraud, "ann", Source::Analyst)
        .unwrap();
    assert_eq!(ws.cases().unwrap().len(), 1);
    // `verify-full` checks the certificate, and a self-signed one is nobody's.
    let strict = format!("{}&sslmode=verify-full", server.url("tls_strict"));
    let e = open_error(&strict);
    assert!(
        e.contains("cannot connect") && e.contains("sslmode=verify-full"),
        "{e}"
    );
    assert!(!e.contains(common::pg::PASSWORD), "{e}");
    eprintln!("verify-full refused: {e}");
}
