//! Event-level detection: features never look ahead, a label not known yet is never taken as
//! legit, a window (or a block) scored alone scores as in the whole log, and the event-level protocol and
//! reasons work end to end.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{stderr, stdout, vigil};
use vigil::detect::{DetectError, DetectorKind, Level, TrainOptions, new_detector};
use vigil::features::{Dataset, LabelledLog};
use vigil::log::{self, Label, Mapping};
use vigil::progress::NoProgress;
use vigil::sample::{self, SampleConfig};
use vigil::time_units::DAY_MS;
use vigil::workbench::{DataSource, ModelChoice, ScoreRequest, score_to_csv};

/// A generated shop. With a few hundred users it has only a dozen fraud accounts, so the seed
/// is one whose last weeks hold a seller-fraud campaign for the window tests to find.
fn shop(dir: &Path, users: usize, days: u32) -> PathBuf {
    let s = sample::generate(&SampleConfig {
        users,
        days,
        seed: 20,
        ..SampleConfig::default()
    });
    let path = dir.join("shop.csv");
    sample::write_log(&s, &path).unwrap();
    path
}

fn labelled(path: &Path, delay_ms: i64) -> LabelledLog {
    let loaded = log::load(path, &Mapping::default(), &NoProgress).unwrap();
    LabelledLog::new(Arc::new(loaded.log), &[], delay_ms)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn changing_a_label_after_t_moves_no_feature_before_t() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 500, 21);
    let whole = labelled(&path, 2 * DAY_MS);
    let (lo, hi) = whole.log.time_range_ms().unwrap();
    let cut = lo + (hi - lo) / 2;
    let ts = whole.log.columns.ts_ms.clone();
    let mut flipped = whole.labels.clone();
    let events = flipped.event.as_mut().expect("the shop labels events");
    let mut changed = 0;
    for (e, l) in events.iter_mut().enumerate() {
        if ts[e] >= cut && *l != Label::Unknown {
            *l = Label::of_fraud(!l.is_fraud());
            changed += 1;
        }
    }
    assert!(changed > 1000);
    let index = log::UserIndex::new(&whole.log);
    let a = Dataset::with_labels(
        whole.log.clone(),
        index.clone(),
        whole.labels.clone(),
        &NoProgress,
    )
    .unwrap();
    let b = Dataset::with_labels(whole.log.clone(), index, flipped, &NoProgress).unwrap();
    let names: Vec<&str> = a.events.specs.iter().map(|s| s.name.as_str()).collect();
    for role in ["seller", "device", "ip", "user", "event_type"] {
        for w in ["1d", "7d", "30d"] {
            let name = format!("{role}_fraud_rate_{w}");
            assert!(names.contains(&name.as_str()), "{name} in {names:?}");
        }
    }
    let mut later_moved = false;
    for (e, &t) in ts.iter().enumerate() {
        for (j, (x, y)) in a
            .events
            .values
            .row(e)
            .iter()
            .zip(b.events.values.row(e))
            .enumerate()
        {
            let same = x == y || (x.is_nan() && y.is_nan());
            if t < cut {
                assert!(same, "event {e} before T: {} moved {x} -> {y}", names[j]);
            } else if !same {
                later_moved = true;
            }
        }
    }
    assert!(
        later_moved,
        "the control: later events read the flipped labels"
    );
}

#[test]
fn a_label_not_known_yet_is_never_taken_as_legit() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 300, 14);
    let whole = labelled(&path, 0);
    // Only fraud is known: were unknown labels taken as legit, gbdt would have both classes.
    let mut only_fraud = whole.labels.clone();
    for l in only_fraud.event.as_mut().unwrap().iter_mut() {
        if *l == Label::Legit {
            *l = Label::Unknown;
        }
    }
    for l in only_fraud.user.iter_mut() {
        if *l == Label::Legit {
            *l = Label::Unknown;
        }
    }
    let data = Dataset::with_labels(
        whole.log.clone(),
        log::UserIndex::new(&whole.log),
        only_fraud,
        &NoProgress,
    )
    .unwrap();
    let err = new_detector(DetectorKind::Gbdt)
        .fit(&data, &TrainOptions::all_users(&data, 1), &NoProgress)
        .err();
    assert!(
        matches!(err, Some(DetectError::OneClass { negative: 0, .. })),
        "{err:?}"
    );
    // After a cut-off nothing is a target, whatever the log says.
    let cut = whole.log.time_range_ms().unwrap().0 + 7 * DAY_MS;
    let options = TrainOptions {
        event_cutoff_ms: Some(cut),
        ..TrainOptions::all_users(&data, 1)
    };
    let targets = options.event_targets(&data);
    let ts = &data.log.columns.ts_ms;
    assert!((0..ts.len()).all(|e| ts[e] < cut || targets[e] == Label::Unknown));

    // `vigil train --until` says how many labels it could not know.
    let out = vigil(&[
        "train",
        s(&path),
        "--detector",
        "gbdt",
        "--until",
        "2026-10-10",
        "--out",
        s(&dir.path().join("m")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let unknown: usize = text
        .split(" events labelled")
        .nth(1)
        .and_then(|rest| rest.split("), ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        unknown > 100,
        "the last week's labels are not known at the cut: {text}"
    );
    assert!(text.contains("not taken as legit"), "{text}");
}

/// `row → (score, reasons)` of a `vigil score --level event` file.
fn event_scores(path: &Path) -> HashMap<u64, (f64, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "user", "ts", "score", "reasons"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                rec[0].parse().unwrap(),
                (rec[3].parse().unwrap(), rec[4].to_string()),
            )
        })
        .collect()
}

/// A model trained on `log` with what was known at 2026-11-15, with `args` (the detector).
fn trained_until_nov_15(dir: &Path, log: &Path, args: &[&str]) -> PathBuf {
    let model = dir.join("model");
    let mut all = vec!["train", s(log), "--until", "2026-11-15", "--out", s(&model)];
    all.extend(args);
    let out = vigil(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    model
}

/// `log`'s event scores by `model`: the whole log in one piece, the whole log a few thousand
/// events at a time (each block with its look-back), and a window from the middle of a day,
/// 2026-11-22 13:00 to 2026-11-29, alone.
fn scored_three_ways(dir: &Path, path: &Path, model: &Path) -> [HashMap<u64, (f64, String)>; 3] {
    let whole_csv = dir.join("whole.csv");
    let window_csv = dir.join("window.csv");
    for (out_path, window) in [(&whole_csv, false), (&window_csv, true)] {
        let mut args = vec![
            "score",
            s(path),
            "--model",
            s(model),
            "--level",
            "event",
            "--out",
            s(out_path),
        ];
        if window {
            args.extend(["--from", "2026-11-22T13:00:00Z", "--until", "2026-11-29"]);
        }
        let out = vigil(&args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // The whole log again, a few thousand events at a time (each block with its look-back).
    let blocks_csv = dir.join("blocks.csv");
    let source = DataSource {
        log: path.to_path_buf(),
        map: None,
        encoding: None,
        labels: None,
        label_delay_ms: vigil::workbench::defaults::label_delay_ms(),
    };
    let request = ScoreRequest {
        model: ModelChoice::Dir(model.to_path_buf()),
        level: Level::Event,
        from_ms: None,
        until_ms: None,
        seed: 7,
        out: blocks_csv.clone(),
        block_events: Some(3_000),
        language: vigil::words::Language::English,
    };
    score_to_csv(&source, &request, &NoProgress).unwrap();
    [
        event_scores(&whole_csv),
        event_scores(&blocks_csv),
        event_scores(&window_csv),
    ]
}

#[test]
fn a_window_scored_alone_scores_as_in_the_whole_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 400, 60);
    let model = trained_until_nov_15(dir.path(), &path, &["--detector", "ensemble"]);
    let [whole, blocks, window] = scored_three_ways(dir.path(), &path, &model);
    assert_eq!(
        blocks, whole,
        "scored in blocks, every event scores and reads as in one piece"
    );
    assert!(window.len() > 1000, "{} events in the window", window.len());
    assert!(whole.len() > window.len() * 5);
    for (row, (score, reasons)) in &window {
        let (expected, expected_reasons) = &whole[row];
        assert!(
            (score - expected).abs() < 1e-6,
            "row {row}: {score} alone, {expected} in the whole log"
        );
        assert_eq!(reasons, expected_reasons, "row {row}");
    }
    // The riskiest events say why in words, naming the seller or account behind them.
    let mut ranked: Vec<&(f64, String)> = window.values().collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert!(
        ranked
            .iter()
            .take(50)
            .any(|(_, r)| r.contains("confirmed events")),
        "{:?}",
        &ranked[..5]
    );
}

/// The sequence models read a bounded past too: an event's window holds its own day's
/// earlier events, so a window or a block scored from the start of its first day scores as
/// in the whole log.
#[test]
fn a_sequence_model_scores_a_window_alone_as_in_the_whole_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 300, 60);
    let model = trained_until_nov_15(dir.path(), &path, &["--detector", "gru", "--epochs", "2"]);
    let [whole, blocks, window] = scored_three_ways(dir.path(), &path, &model);
    assert_eq!(blocks.len(), whole.len());
    assert!(window.len() > 500, "{} events in the window", window.len());
    let mut flagged = 0;
    for (what, part) in [("in blocks", &blocks), ("alone", &window)] {
        for (row, (score, reasons)) in part {
            let (expected, expected_reasons) = &whole[row];
            assert!(
                (score - expected).abs() < 1e-6,
                "row {row}: {score} {what}, {expected} in the whole log"
            );
            assert_eq!(reasons, expected_reasons, "row {row}");
            flagged += usize::from(!reasons.is_empty());
        }
    }
    assert!(
        flagged > 0,
        "some events are flagged, with reasons compared"
    );
}

/// The behaviour model reads a pass of an account's events with at most seven days before
/// its day: a window or a block scored from there scores as in the whole log, reasons too.
#[test]
fn the_behaviour_model_scores_a_window_alone_as_in_the_whole_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 300, 60);
    let model = trained_until_nov_15(
        dir.path(),
        &path,
        &["--detector", "behaviour", "--epochs", "2"],
    );
    let [whole, blocks, window] = scored_three_ways(dir.path(), &path, &model);
    assert_eq!(blocks.len(), whole.len());
    assert!(window.len() > 500, "{} events in the window", window.len());
    let mut explained = 0;
    for (what, part) in [("in blocks", &blocks), ("alone", &window)] {
        for (row, (score, reasons)) in part {
            let (expected, expected_reasons) = &whole[row];
            assert!(
                (score - expected).abs() < 1e-5,
                "row {row}: {score} {what}, {expected} in the whole log"
            );
            assert_eq!(reasons, expected_reasons, "row {row}");
            explained += usize::from(reasons.contains("expected 1 in"));
        }
    }
    assert!(explained > 0, "some events say what was unexpected");
}

#[test]
fn the_event_level_protocol_reports_daily_top_k() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 500, 28);
    let out = vigil(&[
        "eval",
        s(&path),
        "--level",
        "event",
        "--split",
        "time:2026-10-21",
        "--horizon",
        "7d",
        // A 500-account shop has a few fraud accounts a day: the day's two riskiest are they.
        "--top-k",
        "2",
        "--detectors",
        "gbdt",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gbdt = &rows[0];
    assert_eq!(gbdt["top_k"], 2);
    let daily = gbdt["daily_top_k_precision"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&daily) && daily > 0.5, "{gbdt}");
    assert!(gbdt["average_precision"].as_f64().unwrap() > 0.5, "{gbdt}");
}

#[test]
fn a_window_the_log_does_not_reach_says_where_its_events_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = shop(dir.path(), 100, 10);
    let model = dir.path().join("model");
    let out = vigil(&[
        "train",
        s(&path),
        "--detector",
        "zscore",
        "--out",
        s(&model),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for level in ["event", "user"] {
        let out = vigil(&[
            "score",
            s(&path),
            "--model",
            s(&model),
            "--level",
            level,
            "--from",
            "2027-01-01",
            "--out",
            s(&dir.path().join("x.csv")),
        ]);
        let said = stderr(&out);
        assert!(!out.status.success());
        assert!(
            said.contains("no events from 2027-01-01T00:00:00")
                && said.contains("until the end")
                && said.contains("its events run from 2026-"),
            "{said}"
        );
    }
}
