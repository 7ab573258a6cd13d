//! `vigil worker`, the cluster job's stages, on bad input: each a clear error naming the file
//! and what was expected, and a part's damaged rows reported by their rows, not fatal.

mod common;

use std::path::Path;

use common::{stderr, vigil, write};

const PART: &str = "user,ts,event,amount,device,is_fraud
u1,2026-10-01T10:00:00Z,login,,d1,0
u1,2026-10-01T10:05:00Z,pay,20.5,d1,0
u2,2026-10-01T11:00:00Z,login,,d1,1
u2,yesterday,pay,99,d1,1
";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The part and its resolved mapping.
fn part(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let part = write(dir, "part.csv", PART.as_bytes());
    let map = dir.join("map.toml");
    let out = vigil(&["worker", "plan", s(&part), "--out", s(&map)]);
    assert!(out.status.success(), "{}", stderr(&out));
    (part, map)
}

#[test]
fn a_parts_damaged_rows_are_reported_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (part, map) = part(dir.path());
    let (users, types, rejects, rows, pairs) = (
        dir.path().join("users.csv"),
        dir.path().join("types.csv"),
        dir.path().join("rejects.json"),
        dir.path().join("rows.csv"),
        dir.path().join("pairs.csv"),
    );
    let out = vigil(&[
        "worker",
        "users",
        s(&part),
        "--map",
        s(&map),
        "--users-out",
        s(&users),
        "--types-out",
        s(&types),
        "--rejects-out",
        s(&rejects),
        "--from",
        "2026-11-07T10:30:00Z",
        "--rows-out",
        s(&rows),
        "--pairs-out",
        s(&pairs),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rejects).unwrap()).unwrap();
    assert_eq!(said[0]["count"], 1, "{said}");
    assert_eq!(said[0]["rows"][0], 3, "{said}");
    assert_eq!(said[0]["values"][0], "yesterday", "{said}");
    let known = std::fs::read_to_string(&users).unwrap();
    assert!(
        known.starts_with("user,label,known_at_ms,clear_at_ms\n"),
        "{known}"
    );
    assert!(known.contains("u2,fraud,"), "{known}");
    // The window's features read 37 days back (30 days and the 7-day label delay): u1's
    // events are older.
    assert_eq!(std::fs::read_to_string(&rows).unwrap(), "row\n2\n");
    let counts = std::fs::read_to_string(&types).unwrap();
    assert!(
        counts.contains("login,2") && counts.contains("pay,1"),
        "{counts}"
    );
    // One readable row of each (device, user) pair: u2's damaged row is not the one.
    assert_eq!(
        std::fs::read_to_string(&pairs).unwrap(),
        "entity,row\ndevice,0\ndevice,2\n"
    );
}

#[test]
fn a_worker_says_what_it_expected() {
    let dir = tempfile::tempdir().unwrap();
    let (part, map) = part(dir.path());
    let users = write(
        dir.path(),
        "users.csv",
        b"user,label,known_at_ms,clear_at_ms\nu1,maybe,1,2\n",
    );
    let run = |args: &[&str]| {
        let mut all = vec!["worker"];
        all.extend(args);
        let out = vigil(&all);
        assert!(!out.status.success(), "{args:?} fails");
        stderr(&out)
    };
    let out = dir.path().join("f.parquet");
    let base = ["features", s(&part), "--map", s(&map), "--users", s(&users)];
    // A label that is none of fraud, legit or unknown: the file and its line.
    let said = run(&[&base[..], &["--family", "user", "--out", s(&out)]].concat());
    assert!(
        said.contains("users.csv") && said.contains("line 2"),
        "{said}"
    );

    let users = write(
        dir.path(),
        "users.csv",
        b"user,label,known_at_ms,clear_at_ms\nu1,legit,1,2\n",
    );
    let base = ["features", s(&part), "--map", s(&map), "--users", s(&users)];
    let said = run(&[&base[..], &["--family", "seller", "--out", s(&out)]].concat());
    assert!(
        said.contains("expected user, event_type or entity:NAME"),
        "{said}"
    );
    let said = run(&[&base[..], &["--family", "entity:seller", "--out", s(&out)]].concat());
    assert!(said.contains("no entity 'seller'"), "{said}");
    let sharing = dir.path().join("s.csv");
    let said = run(&[
        "sharing",
        s(&part),
        "--map",
        s(&map),
        "--entity",
        "seller",
        "--out",
        s(&sharing),
    ]);
    assert!(
        said.contains("part.csv") && said.contains("no entity 'seller'"),
        "{said}"
    );

    // Blocks of time: a length that is not one, the user's family in blocks, and a counts file
    // with a count that is not a number.
    let (rows, counts) = (dir.path().join("rows.csv"), dir.path().join("counts.csv"));
    let blocks = [
        "blocks",
        s(&part),
        "--map",
        s(&map),
        "--users",
        s(&users),
        "--rows-out",
        s(&rows),
        "--counts-out",
        s(&counts),
    ];
    let said = run(&[&blocks[..], &["--family", "event_type", "--block", "0s"]].concat());
    assert!(
        said.contains("--block: expected a positive length"),
        "{said}"
    );
    let said = run(&[&blocks[..], &["--family", "user", "--block", "1d"]].concat());
    assert!(said.contains("goes by user"), "{said}");
    let said = run(&[&blocks[..], &["--family", "entity:seller", "--block", "1d"]].concat());
    assert!(said.contains("no entity 'seller'"), "{said}");
    let bad = write(
        dir.path(),
        "bad_counts.csv",
        b"value,event,block,known_1d,known_7d,known_30d,fraud_1d,fraud_7d,fraud_30d\n,login,20362,1,2,many,0,0,0\n",
    );
    let in_block = [
        "--block",
        "20362",
        "--block-length",
        "1d",
        "--counts",
        s(&bad),
    ];
    let said = run(&[
        &base[..],
        &["--family", "user"],
        &in_block[..],
        &["--out", s(&out)],
    ]
    .concat());
    assert!(said.contains("goes by user"), "{said}");
    let said = run(&[
        &base[..],
        &["--family", "event_type"],
        &in_block[..],
        &["--out", s(&out)],
    ]
    .concat());
    assert!(
        said.contains("bad_counts.csv") && said.contains("line 2"),
        "{said}"
    );
    // The stage itself, on the part: each row with its blocks, and the part's counts.
    for family in ["event_type", "entity:device"] {
        let args = [
            &["worker"][..],
            &blocks[..],
            &["--family", family, "--block", "1d"],
        ];
        let out_ok = vigil(&args.concat());
        assert!(out_ok.status.success(), "{}", stderr(&out_ok));
        let text = std::fs::read_to_string(&rows).unwrap();
        assert!(text.starts_with("row,block\n"), "{text}");
        assert!(text.lines().count() > 1, "{family}: {text}");
    }
}

/// `vigil train` on a training set the cluster collected (a folder with `training.json`): the
/// options the job decided are refused, as is a sequence model; a damaged set is named. And
/// the stage that collects it refuses a part without the log's rows.
#[test]
fn a_training_set_says_what_is_wrong_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let set = dir.path().join("set");
    std::fs::create_dir(&set).unwrap();
    let meta = r#"{"format":1,"until":"2026-11-22","label_delay":"7d","seed":7,
        "sample":{"positive":1,"other":9,"cap":100000}}"#;
    write(&set, "training.json", meta.as_bytes());
    let model = dir.path().join("model");
    let train = |extra: &[&str]| {
        let mut args = vec!["train", s(&set), "--out", s(&model)];
        args.extend(extra);
        let out = vigil(&args);
        assert!(!out.status.success(), "{extra:?} fails");
        stderr(&out)
    };
    let said = train(&["--until", "2026-11-01"]);
    assert!(said.contains("--until does not apply"), "{said}");
    let said = train(&["--sample-events", "500"]);
    assert!(said.contains("--sample-events does not apply"), "{said}");
    let said = train(&["--detector", "gru"]);
    assert!(said.contains("train it on the log itself"), "{said}");
    let said = train(&[]);
    assert!(said.contains("accounts.parquet"), "no accounts: {said}");
    write(
        &set,
        "training.json",
        meta.replace("\"format\":1", "\"format\":2").as_bytes(),
    );
    let said = train(&[]);
    assert!(
        said.contains("training.json") && said.contains("format 2"),
        "{said}"
    );
    write(&set, "training.json", br#"{"format":1}"#);
    let said = train(&[]);
    assert!(
        said.contains("training.json") && said.contains("missing field"),
        "{said}"
    );
    assert!(!model.exists(), "no model is written");

    let (part, map) = part(dir.path());
    let users = write(
        dir.path(),
        "users.csv",
        b"user,label,known_at_ms,clear_at_ms\nu1,legit,1,2\n",
    );
    let out = vigil(&[
        "worker",
        "collect",
        s(&part),
        "--map",
        s(&map),
        "--users",
        s(&users),
        "--features",
        s(&dir.path().join("f.parquet")),
        "--type-counts",
        s(&dir.path().join("t.csv")),
        "--until",
        "2026-11-22",
        "--targets",
        s(&dir.path().join("targets.csv")),
        "--events-out",
        s(&dir.path().join("e.csv")),
        "--accounts-out",
        s(&dir.path().join("a.parquet")),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--rows"), "{}", stderr(&out));
}
