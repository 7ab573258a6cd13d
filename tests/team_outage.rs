//! The team's server stops for 10 s while an analyst labels: nothing is lost. Verdicts and
//! notes given meanwhile wait in the local journal, are written with their original times when
//! the server is back, and one that another analyst overtook is a conflict, not dropped. Alone
//! in its test binary, as it stops the server the tests of a binary share.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use vigil::cases::{Guard, Source, Verdict, Workspace};

#[test]
fn verdicts_given_while_the_server_is_down_are_kept_and_written_when_it_is_back() {
    let Some(server) = common::pg::server() else {
        return;
    };
    let journals = tempfile::tempdir().unwrap();
    // SAFETY: set before any thread of this test binary reads the environment (it is this
    // binary's only test, and the server was started above without reading it).
    unsafe { std::env::set_var("VIGIL_JOURNAL_DIR", journals.path()) };
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
            Guard::SeenAt(seen_ms),
        )
        .unwrap();
    assert_eq!(given[0].verdict, Some(Verdict::Fraud), "shown as given");
    ann.decide(
        &one("u2"),
        Verdict::Legit,
        "ann",
        Source::Analyst,
        Guard::SeenAt(seen_ms),
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
