//! The workspace keeps every label: across reopening, undo, export/import, and a killed process.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{Backend, stderr, vigil, workspace_at};
use vigil::cases::{
    SettingKey, Source, Verdict, Workspace, default_workspace, export_labels, import_labels,
};

on_both_backends!(
    labels_notes_and_settings_survive_reopening,
    undo_is_a_new_audit_entry_that_restores_the_previous_state,
    export_and_import_round_trip_through_the_cli,
    a_bad_labels_file_imports_nothing,
    labels_acknowledged_before_a_kill_are_all_there,
    a_bulk_label_of_40_accounts_is_one_undo_with_a_line_per_account,
    a_kill_during_a_bulk_label_leaves_all_or_none,
);

fn labels_notes_and_settings_survive_reopening(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = workspace_at(backend, dir.path(), "ws") else {
        return;
    };
    {
        let mut ws = Workspace::open(&path).unwrap();
        ws.set_verdict("u1", Verdict::Fraud, "ana", Source::Analyst)
            .unwrap();
        ws.set_note("u1", "same device as the 刷单 ring", "ana")
            .unwrap();
        ws.set_verdict("张三", Verdict::Legit, "bo", Source::Analyst)
            .unwrap();
        ws.set_setting(SettingKey::ThresholdSuspicious, "0.93", "ana")
            .unwrap();
    }
    let ws = Workspace::open(&path).unwrap();
    let u1 = ws.case("u1").unwrap().unwrap();
    assert_eq!(
        (u1.verdict, u1.note.as_str(), u1.author.as_str()),
        (Some(Verdict::Fraud), "same device as the 刷单 ring", "ana")
    );
    assert_eq!(
        ws.case("张三").unwrap().unwrap().verdict,
        Some(Verdict::Legit)
    );
    assert_eq!(
        ws.setting(SettingKey::ThresholdSuspicious, "bo")
            .unwrap()
            .as_deref(),
        Some("0.93")
    );
    assert_eq!(ws.audit_len().unwrap(), 3);
    // Fraud and legit are labels; the workbench's one rule (tests/workbench.rs) applies them.
    let labels: Vec<_> = ws
        .cases()
        .unwrap()
        .into_iter()
        .filter(|c| c.verdict.is_some_and(|v| v.label().is_known()))
        .collect();
    assert_eq!(labels.len(), 2);
    assert_eq!(
        default_workspace(std::path::Path::new("/data/shop.csv.gz")),
        std::path::Path::new("/data/shop.csv.gz.vigil.db")
    );
}

fn undo_is_a_new_audit_entry_that_restores_the_previous_state(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = workspace_at(backend, dir.path(), "w") else {
        return;
    };
    let mut ws = Workspace::open(&path).unwrap();
    ws.set_verdict("u1", Verdict::Unsure, "ana", Source::Analyst)
        .unwrap();
    ws.set_verdict("u1", Verdict::Fraud, "ana", Source::Analyst)
        .unwrap();
    ws.set_verdict("u2", Verdict::Legit, "ana", Source::Analyst)
        .unwrap();
    let undone = ws.undo("ana").unwrap().pop().unwrap();
    assert_eq!((undone.user.as_str(), undone.now), ("u2", None));
    assert!(ws.case("u2").unwrap().is_none());
    let undone = ws.undo("ana").unwrap().pop().unwrap();
    assert_eq!(
        undone.now.unwrap().verdict,
        Some(Verdict::Unsure),
        "u1 is back to unsure"
    );
    ws.undo("ana").unwrap().pop().unwrap();
    assert!(ws.case("u1").unwrap().is_none());
    assert!(ws.undo("ana").unwrap().is_empty(), "nothing left to undo");
    let history = ws.history("u1").unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["label", "label", "undo", "undo"]
    );
    assert_eq!(
        ws.audit_len().unwrap(),
        6,
        "append-only: undo adds, never deletes"
    );
}

fn export_and_import_round_trip_through_the_cli(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (Some(a), Some(b)) = (
        workspace_at(backend, dir.path(), "a"),
        workspace_at(backend, dir.path(), "b"),
    ) else {
        return;
    };
    {
        let mut ws = Workspace::open(&a).unwrap();
        ws.set_verdict("u1", Verdict::Fraud, "ana", Source::Analyst)
            .unwrap();
        ws.set_note("u1", "refund loop, 3 cards", "ana").unwrap();
        ws.set_verdict("u2", Verdict::Legit, "bo", Source::Analyst)
            .unwrap();
        ws.set_note("u3", "only a note", "bo").unwrap();
    }
    let csv_path = dir.path().join("labels.csv");
    let out = vigil(&[
        "labels",
        "export",
        "--workspace",
        a.to_str().unwrap(),
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("user,label,author,ts,note\n"), "{text}");
    assert!(
        text.contains("u1,fraud,ana,")
            && text.contains("refund loop, 3 cards")
            && !text.contains("u3"),
        "{text}"
    );

    Workspace::open(&b).unwrap();
    let out = vigil(&[
        "labels",
        "import",
        "--workspace",
        b.to_str().unwrap(),
        csv_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ws = Workspace::open(&b).unwrap();
    let u1 = ws.case("u1").unwrap().unwrap();
    assert_eq!(
        (u1.verdict, u1.source, u1.author.as_str(), u1.note.as_str()),
        (
            Some(Verdict::Fraud),
            Source::Imported,
            "ana",
            "refund loop, 3 cards"
        )
    );
    assert_eq!(
        ws.case("u2").unwrap().unwrap().verdict,
        Some(Verdict::Legit)
    );
}

#[test]
fn bad_workspaces_and_label_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_db = dir.path().join("notes.txt");
    std::fs::write(
        &not_db,
        "this is not a database, just some text that is long enough to have a header page",
    )
    .unwrap();
    let e = Workspace::open(&not_db).err().unwrap().to_string();
    assert!(
        e.contains("notes.txt") && e.contains("not a Vigil workspace"),
        "{e}"
    );

    let out = vigil(&[
        "labels",
        "export",
        "--workspace",
        dir.path().join("missing.db").to_str().unwrap(),
        "--out",
        "x.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing.db: no such workspace file"),
        "{}",
        stderr(&out)
    );
}

fn a_bad_labels_file_imports_nothing(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = workspace_at(backend, dir.path(), "w") else {
        return;
    };
    let mut ws = Workspace::open(&path).unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "user,label\nu1,fraud\nu2,perhaps\n").unwrap();
    let e = import_labels(&mut ws, &bad, "ana", false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad.csv") && e.contains("line 3") && e.contains("'perhaps'"),
        "{e}"
    );
    assert!(
        ws.case("u1").unwrap().is_none(),
        "a bad file imports nothing"
    );
    std::fs::write(&bad, "account,verdict\nu1,1\n").unwrap();
    let e = import_labels(&mut ws, &bad, "ana", false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1") && e.contains("user and label"), "{e}");
    let e = export_labels(&ws, &dir.path().join("no/such/dir/out.csv"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot write"), "{e}");
}

/// The child side of the kill test: labels accounts one after another and prints each label's
/// user once `set_verdict` has returned, i.e. once the label is shown as saved.
#[test]
#[ignore = "run by labels_acknowledged_before_a_kill_are_all_there"]
fn child_labeller() {
    let Ok(path) = std::env::var("VIGIL_KILL_TEST_DB") else {
        return;
    };
    let mut ws = Workspace::open(std::path::Path::new(&path)).unwrap();
    for i in 0.. {
        let user = format!("u{i}");
        ws.set_verdict(
            &user,
            if i % 3 == 0 {
                Verdict::Fraud
            } else {
                Verdict::Legit
            },
            "ana",
            Source::Analyst,
        )
        .unwrap();
        println!("saved {user}");
    }
}

fn labels_acknowledged_before_a_kill_are_all_there(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = workspace_at(backend, dir.path(), "kill") else {
        return;
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_labeller",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("VIGIL_KILL_TEST_DB", &db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut acknowledged = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(user) = line.strip_prefix("saved ") {
            acknowledged.push(user.to_string());
            if acknowledged.len() == 60 {
                child.kill().unwrap(); // SIGKILL: no destructor, no flush, mid-write.
                break;
            }
        }
    }
    child.wait().unwrap();
    assert_eq!(acknowledged.len(), 60, "the child labelled");
    let ws = Workspace::open(&db).unwrap();
    for user in &acknowledged {
        assert!(
            ws.case(user).unwrap().is_some_and(|c| c.verdict.is_some()),
            "{user} was acknowledged and lost"
        );
    }
}

fn a_bulk_label_of_40_accounts_is_one_undo_with_a_line_per_account(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = workspace_at(backend, dir.path(), "w") else {
        return;
    };
    let mut ws = Workspace::open(&path).unwrap();
    ws.set_verdict("u0", Verdict::Legit, "ana", Source::Analyst)
        .unwrap();
    ws.set_note("u1", "shares a phone with u2", "ana").unwrap();
    let ring: Vec<String> = (0..40).map(|i| format!("u{i}")).collect();
    let cases = ws
        .set_verdicts(&ring, Verdict::Fraud, "ana", Source::Analyst)
        .unwrap();
    assert_eq!(cases.len(), 40);
    assert_eq!(cases[1].note, "shares a phone with u2", "notes are kept");
    for user in &ring {
        let history = ws.history(user).unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.verdict),
            ("label", Some(Verdict::Fraud))
        );
        assert!(
            last.batch.is_some(),
            "{user}'s line names its bulk decision"
        );
    }

    let undone = ws.undo("ana").unwrap();
    assert_eq!(undone.len(), 40, "one undo takes back the whole decision");
    assert_eq!(
        ws.case("u0").unwrap().unwrap().verdict,
        Some(Verdict::Legit),
        "u0 is back to its earlier verdict"
    );
    let u1 = ws.case("u1").unwrap().unwrap();
    assert_eq!(
        (u1.verdict, u1.note.as_str()),
        (None, "shares a phone with u2")
    );
    assert!(ws.case("u39").unwrap().is_none());
    // The next undo is the note, then the single label: one entry each.
    assert_eq!(ws.undo("ana").unwrap().len(), 1);
    assert_eq!(ws.undo("ana").unwrap().len(), 1);
    assert!(ws.undo("ana").unwrap().is_empty());
}

#[test]
fn a_workspace_of_the_first_format_opens_and_takes_bulk_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // The audit table as the first format wrote it: no batch column.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL,
               action TEXT NOT NULL, verdict TEXT, note TEXT NOT NULL DEFAULT '',
               author TEXT NOT NULL, source TEXT NOT NULL, ts_ms INTEGER NOT NULL,
               undoes INTEGER REFERENCES audit(id));
             CREATE TABLE cases (user TEXT PRIMARY KEY, verdict TEXT, note TEXT NOT NULL DEFAULT '',
               author TEXT NOT NULL, source TEXT NOT NULL, ts_ms INTEGER NOT NULL);
             INSERT INTO audit (user, action, verdict, author, source, ts_ms)
               VALUES ('old', 'label', 'fraud', 'ana', 'analyst', 1);
             INSERT INTO cases VALUES ('old', 'fraud', '', 'ana', 'analyst', 1);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut ws = Workspace::open(&path).unwrap();
    assert_eq!(
        ws.case("old").unwrap().unwrap().verdict,
        Some(Verdict::Fraud)
    );
    let users = vec!["a".to_string(), "b".to_string()];
    ws.set_verdicts(&users, Verdict::Legit, "ana", Source::Analyst)
        .unwrap();
    assert_eq!(ws.undo("ana").unwrap().len(), 2);
    assert_eq!(ws.undo("ana").unwrap()[0].user, "old");
}

#[test]
fn a_workspace_of_the_third_format_gains_claims_since_origins_and_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        // The team tables as the third format made them: no claim start, no origin, no
        // replaced decision.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            r#"CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, "user" TEXT NOT NULL,
               action TEXT NOT NULL, verdict TEXT, note TEXT NOT NULL DEFAULT '',
               author TEXT NOT NULL, source TEXT NOT NULL, ts_ms BIGINT NOT NULL,
               undoes BIGINT REFERENCES audit(id), batch BIGINT);
             CREATE TABLE cases ("user" TEXT PRIMARY KEY, verdict TEXT, note TEXT NOT NULL DEFAULT '',
               author TEXT NOT NULL, source TEXT NOT NULL, ts_ms BIGINT NOT NULL);
             CREATE TABLE claims ("user" TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL);
             CREATE TABLE changes (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
               "user" TEXT, author TEXT NOT NULL, ts_ms BIGINT NOT NULL);
             INSERT INTO audit ("user", action, verdict, author, source, ts_ms)
               VALUES ('old', 'label', 'legit', 'ana', 'analyst', 1);
             INSERT INTO cases VALUES ('old', 'legit', '', 'ana', 'analyst', 1);
             INSERT INTO changes (kind, "user", author, ts_ms) VALUES ('case', 'old', 'ana', 1);
             PRAGMA user_version = 3;"#,
        )
        .unwrap();
    }
    let mut ws = Workspace::open(&path).unwrap();
    let old = ws.changes_after(0).unwrap();
    assert_eq!(old[0].origin, None, "an old line is anyone's");
    assert!(matches!(
        ws.claim("u1", "bo").unwrap(),
        vigil::cases::Claimed::Held { since_ms, .. } if since_ms > 0
    ));
    ws.decide(
        &["old".to_string()],
        Verdict::Fraud,
        "bo",
        Source::Analyst,
        vigil::cases::Guard::Overwrite,
    )
    .unwrap();
    let last = ws.history("old").unwrap().pop().unwrap();
    assert_eq!(last.action, "overwrite");
    assert_eq!(last.overwrote.unwrap().author, "ana");
    let mine = ws.changes_after(old[0].id).unwrap();
    assert!(mine.iter().all(|c| c.origin.as_ref() == Some(ws.origin())));
}

/// The child side of the bulk kill test: bulk-labels rings of 50 accounts one after another,
/// printing each ring once `set_verdicts` has returned.
#[test]
#[ignore = "run by a_kill_during_a_bulk_label_leaves_all_or_none"]
fn child_bulk_labeller() {
    let Ok(path) = std::env::var("VIGIL_BULK_KILL_TEST_DB") else {
        return;
    };
    let mut ws = Workspace::open(std::path::Path::new(&path)).unwrap();
    for ring in 0.. {
        let users: Vec<String> = (0..50).map(|i| format!("r{ring}_{i}")).collect();
        ws.set_verdicts(&users, Verdict::Fraud, "ana", Source::Analyst)
            .unwrap();
        println!("saved ring {ring}");
    }
}

fn a_kill_during_a_bulk_label_leaves_all_or_none(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(db) = workspace_at(backend, dir.path(), "bulk_kill") else {
        return;
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_bulk_labeller",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("VIGIL_BULK_KILL_TEST_DB", &db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut acknowledged = 0;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        if line.unwrap().starts_with("saved ring") {
            acknowledged += 1;
            if acknowledged == 8 {
                // SIGKILL while the next ring is being written.
                child.kill().unwrap();
                break;
            }
        }
    }
    child.wait().unwrap();
    let ws = Workspace::open(&db).unwrap();
    let cases = ws.cases().unwrap();
    assert!(cases.len() >= 8 * 50, "{} cases", cases.len());
    let mut per_ring = std::collections::BTreeMap::<String, usize>::new();
    for c in &cases {
        let ring = c.user.split('_').next().unwrap().to_string();
        *per_ring.entry(ring).or_default() += 1;
    }
    assert!(
        per_ring.values().all(|&n| n == 50),
        "a ring half saved: {per_ring:?}"
    );
    assert_eq!(ws.audit_len().unwrap(), cases.len(), "no stray audit line");
}
