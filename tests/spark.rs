//! The cluster job (`spark/vigil_score.py`) on Apache Spark in local mode, against `vigil
//! score` on one machine: the same event and account scores and reasons, the rows it turns
//! away reported, and a model that does not fit the log stopped before any partition runs.
//!
//! Spark comes from PyPI: `VIGIL_SPARK_PYTHON` names a Python with `pyspark` (and `pyarrow`,
//! `pandas`); else `.ci/run`'s virtual environment at `target/spark-venv`. Where neither is
//! there, or Java is missing, the tests say so in one line and skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{stderr, stdout, vigil};

/// The Python with pyspark, or `None` with one line saying why the Spark tests skip.
fn spark_python() -> Option<PathBuf> {
    let python = std::env::var_os("VIGIL_SPARK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/spark-venv/bin/python")
        });
    let has = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let why = if !has(Command::new(&python).args(["-c", "import pyspark, pyarrow, pandas"])) {
        format!(
            "no Python with pyspark at {} (set VIGIL_SPARK_PYTHON, or run .ci/run)",
            python.display()
        )
    } else if !has(Command::new("java").arg("-version")) {
        "no java on PATH".to_string()
    } else {
        return Some(python);
    };
    // CI makes the environment (`.ci/run`): there, a missing one is a failure, not a skip.
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty()),
        "the Spark tests cannot run in CI: {why}"
    );
    eprintln!("SKIPPED the Spark tests: {why}");
    None
}

/// `spark-submit spark/vigil_score.py ARGS` in local mode with two cores.
fn spark_score(python: &Path, args: &[&str]) -> Output {
    let bin = python.parent().unwrap_or(Path::new("."));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("spark/vigil_score.py");
    Command::new(bin.join("spark-submit"))
        .args(["--master", "local[2]", "--conf", "spark.ui.enabled=false"])
        .arg(script)
        .args(["--vigil", env!("CARGO_BIN_EXE_vigil"), "--partitions", "3"])
        .args(args)
        .env("PYSPARK_PYTHON", python)
        .output()
        .expect("spark-submit runs")
}

/// What the job said, less Spark's own logging (spark-submit may pass the Python driver's
/// stderr through either stream).
fn job_said(o: &Output) -> String {
    (stderr(o) + &stdout(o))
        .lines()
        .filter(|l| {
            l.starts_with("vigil_score") || l.starts_with("Traceback") || l.contains("Error")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const ENSEMBLE: &[&str] = &["--detector", "ensemble"];

/// A generated shop of 300 accounts over 60 days, written as `name` (a CSV one with its device
/// column named `device_id`, an account that uses no entity, first in the file though not
/// first in time, and one damaged line: a time that is not one), and a model of `detector` trained on what was known
/// at 2026-11-22. The scored week's features read 37 days back: the first three weeks are read
/// by none (but a sequence model's).
fn shop_and_model(dir: &Path, name: &str, detector: &[&str]) -> (PathBuf, PathBuf) {
    let log = dir.join(name);
    let out = vigil(&[
        "gen-sample",
        "--users",
        "300",
        "--days",
        "60",
        "--seed",
        "5",
        "--out",
        s(&log),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    if name.ends_with(".csv") {
        let text = std::fs::read_to_string(&log).unwrap();
        // The device column named as a log may name it: its entity is still `device`.
        let (header, rows) = text.split_once('\n').unwrap();
        assert!(header.contains(",device,"), "{header}");
        // An account with no seller, device or IP: it met no one on any of them (no sharing
        // row on the cluster, where its columns must still read 0). Its first line is in the
        // scored week, at the head of the log: the head is not in time order.
        let mut text = format!(
            "{}\nu_quiet,2026-11-25T09:00:00Z,login,,,,,,,北京,,0\n{rows}",
            header.replacen(",device,", ",device_id,", 1)
        );
        text.push_str("u_quiet,2026-11-10T10:00:00Z,login,,,,,,,北京,,0\n");
        text.push_str("u_quiet,2026-11-10T10:02:00Z,view,i00002,grocery,,,,,北京,,0\n");
        text.push_str(
            "u101155,not-a-time,view,i00001,grocery,s100,,d8cb56dd6,61.77.174.131,成都,,0\n",
        );
        std::fs::write(&log, text).unwrap();
    }
    let model = dir.join("model");
    let mut args = vec![
        "train",
        s(&log),
        "--until",
        "2026-11-22",
        "--out",
        s(&model),
    ];
    args.extend(detector);
    let out = vigil(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (log, model)
}

const WINDOW: [&str; 4] = ["--from", "2026-11-22", "--until", "2026-11-29"];

/// Scores `log`'s window with `model` by `vigil score` (both levels) and by the Spark job,
/// (with `job` added to its arguments), and checks they agree: every event and account, to
/// 1e-6, with the same reasons. Returns the job's output folder, `vigil score`'s accounts file
/// and what the job said.
fn scored_both_ways(
    python: &Path,
    dir: &Path,
    (log, model): (&Path, &Path),
    job: &[&str],
) -> (PathBuf, PathBuf, String) {
    let (events, accounts) = (dir.join("events.csv"), dir.join("accounts.csv"));
    for (level, out) in [("event", &events), ("user", &accounts)] {
        let mut args = vec!["score", s(log), "--model", s(model), "--level", level];
        args.extend(WINDOW);
        args.extend(["--out", s(out)]);
        let done = vigil(&args);
        assert!(done.status.success(), "{}", stderr(&done));
    }
    let out = dir.join("out");
    let mut args = vec!["--model", s(model), "--log", s(log), "--out", s(&out)];
    args.extend(WINDOW);
    args.extend(job);
    let done = spark_score(python, &args);
    let said = job_said(&done);
    assert!(done.status.success(), "{said}");
    let compare = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("spark/compare_scores.py"))
        .args([s(&out), s(&events), s(&accounts)])
        .output()
        .unwrap();
    let report = stdout(&compare);
    assert!(compare.status.success(), "{report}{}", stderr(&compare));
    let scored: usize = report
        .split(" events")
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(scored > 3_000, "{report}");
    (out, accounts, said)
}

#[test]
fn the_cluster_job_scores_every_event_and_account_as_vigil_score_does() {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (log, model) = shop_and_model(dir.path(), "shop.csv", ENSEMBLE);
    // The busiest sellers (and any such value) go by block of time, the rest whole.
    let busy = ["--busy-value", "400"];
    let (out, accounts, said) = scored_both_ways(&python, dir.path(), (&log, &model), &busy);
    assert!(said.contains("busy values go by block of time"), "{said}");
    // The damaged line is the log's last data row: reported by its row, and the job went on.
    let rows = std::fs::read_to_string(&log).unwrap().lines().count() - 1;
    assert!(
        said.contains("does not match iso8601")
            && said.contains(&format!("row {} (not-a-time)", rows - 1)),
        "the damaged row is reported by its row in the log: {said}"
    );

    // The queue slice opens like any log: only the flagged accounts' events of the window.
    let queue = out.join("queue.csv");
    let report = common::inspect_json(&queue, None);
    let flagged: std::collections::HashSet<String> = csv::Reader::from_path(&accounts)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[2] != "normal")
        .map(|r| r[0].to_string())
        .collect();
    assert!(!flagged.is_empty());
    let users: std::collections::HashSet<String> = csv::Reader::from_path(&queue)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(users, flagged, "{report}");
}

#[test]
fn a_model_that_does_not_fit_the_log_stops_the_job_before_any_partition_runs() {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (log, model) = shop_and_model(dir.path(), "shop.csv", ENSEMBLE);
    // The same shop without its amounts, sellers, devices and IPs.
    let narrow = dir.path().join("narrow.csv");
    let mut w = csv::Writer::from_path(&narrow).unwrap();
    for r in csv::Reader::from_path(&log).unwrap().records() {
        let r = r.unwrap();
        w.write_record([&r[0], &r[1], &r[2], &r[11]]).unwrap();
    }
    drop(w);
    let text = std::fs::read_to_string(&narrow).unwrap();
    std::fs::write(&narrow, format!("user_id,ts,event,is_fraud\n{text}")).unwrap();

    let out = dir.path().join("out");
    let mut args = vec!["--model", s(&model), "--log", s(&narrow), "--out", s(&out)];
    args.extend(WINDOW);
    let done = spark_score(&python, &args);
    let said = job_said(&done);
    assert!(!done.status.success(), "the job fails");
    assert!(said.contains("do not match"), "vigil's own message: {said}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_parquet_log_scores_on_the_cluster_as_vigil_score_reads_it() {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (log, model) = shop_and_model(dir.path(), "shop.parquet", ENSEMBLE);
    // Spark reads the typed columns (a timestamp, numbers) and the parts carry them as text;
    // vigil reads the Parquet file itself: the same values.
    scored_both_ways(&python, dir.path(), (&log, &model), &[]);
}

#[test]
fn a_sequence_model_scores_on_the_cluster_as_vigil_score_does() {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Its windows start each day and its accounts score as their riskiest event: the job
    // features every event for it.
    let gru = ["--detector", "gru", "--epochs", "1"];
    let (log, model) = shop_and_model(dir.path(), "shop.csv", &gru);
    scored_both_ways(&python, dir.path(), (&log, &model), &[]);
}

/// Every event and account of `vigil score --level LEVEL` over the scored week, by `model`:
/// `(key, score, reasons)` rows.
fn scored_rows(dir: &Path, log: &Path, model: &Path, level: &str) -> Vec<(String, f64, String)> {
    let out = dir.join(format!(
        "{}_{level}.csv",
        model.file_name().unwrap().to_string_lossy()
    ));
    let mut args = vec!["score", s(log), "--model", s(model), "--level", level];
    args.extend(WINDOW);
    args.extend(["--out", s(&out)]);
    let done = vigil(&args);
    assert!(done.status.success(), "{}", stderr(&done));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (score, reasons) = (column("score"), column("reasons"));
    let key = header
        .iter()
        .position(|h| h == "row")
        .unwrap_or(column("user"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[key].to_string(),
                r[score].parse().unwrap(),
                r[reasons].to_string(),
            )
        })
        .collect()
}

#[test]
fn the_cluster_collects_the_training_set_vigil_train_learns_from() {
    let Some(python) = spark_python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A sample of about 4,000 of the 30,000 or so events before the cut-off: the others are
    // sampled, every fraud event kept.
    let sample = ["--sample-events", "4000"];
    let (log, local) = shop_and_model(dir.path(), "shop.csv", &[ENSEMBLE, &sample].concat());
    let set = dir.path().join("training");
    let mut args = vec![
        "--train-out",
        s(&set),
        "--log",
        s(&log),
        "--until",
        "2026-11-22",
    ];
    args.extend(sample);
    let done = spark_score(&python, &args);
    let said = job_said(&done);
    assert!(done.status.success(), "{said}");
    let counts: Vec<u64> = said
        .split("a training set of ")
        .nth(1)
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(3)
        .collect();
    let [rows, fraud, others] = counts[..] else {
        panic!("{said}");
    };
    assert!(
        fraud > 0 && others > 20_000 && (3_000..5_000).contains(&rows),
        "{said}"
    );

    let cluster = dir.path().join("cluster");
    let mut args = vec!["train", s(&set), "--out", s(&cluster)];
    args.extend(ENSEMBLE);
    let trained = vigil(&args);
    assert!(trained.status.success(), "{}", stderr(&trained));
    // Both models learnt from the same events and accounts with the same features: they score
    // the week alike.
    for level in ["event", "user"] {
        let (a, b) = (
            scored_rows(dir.path(), &log, &local, level),
            scored_rows(dir.path(), &log, &cluster, level),
        );
        assert_eq!(a.len(), b.len(), "{level}");
        assert!(a.len() > 150, "{level}: {}", a.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.0, y.0, "{level}");
            assert!(
                (x.1 - y.1).abs() <= 1e-6,
                "{level} {}: {} vs {}",
                x.0,
                x.1,
                y.1
            );
            assert_eq!(x.2, y.2, "{level} {}", x.0);
        }
    }
}
