//! Behaviour prediction: nothing at or after the cut-off is read, purchase and churn beat their
//! baselines on a generated shop and on CDNOW's real purchase log, and bad arguments are clear
//! errors.

mod common;

use std::path::Path;

use common::{shared_data, stderr, stdout, vigil, write};
use vigil::log::{EventLog, Mapping, load, parse_instant};
use vigil::predict::{PredictError, PredictOptions, Prediction, Target, predict};
use vigil::progress::NoProgress;
use vigil::sample::{self, SampleConfig};

const DAY: i64 = vigil::time_units::DAY_MS;

fn read(path: &Path) -> EventLog {
    load(path, &Mapping::default(), &NoProgress).unwrap().log
}

fn shop(dir: &Path, users: usize) -> EventLog {
    let s = sample::generate(&SampleConfig {
        users,
        days: 28,
        seed: 41,
        ..SampleConfig::default()
    });
    let path = dir.join("shop.csv");
    sample::write_log(&s, &path).unwrap();
    read(&path)
}

fn options(target: Target, at_ms: i64, horizon_ms: i64) -> PredictOptions {
    PredictOptions {
        target,
        at_ms,
        horizon_ms,
        seed: 7,
        epochs: 0,
    }
}

/// ROC-AUC of the model and of its first baseline.
fn model_and_baseline_auc(p: &Prediction) -> (f64, f64) {
    let e = p
        .evaluation
        .as_ref()
        .expect("the log goes on past the cut-off");
    (e.figures[0].roc_auc, e.figures[1].roc_auc)
}

#[test]
fn predictions_read_nothing_from_the_cut_off_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = shop(dir.path(), 600);
    let (first, _) = log.time_range_ms().unwrap();
    let at = first + 20 * DAY;
    // The same log with everything from the cut-off on gone.
    let keep: Vec<bool> = log.columns.ts_ms.iter().map(|&t| t < at).collect();
    let cut = log.filtered(&keep);
    for target in [Target::Purchase, Target::Churn, Target::NextEvent] {
        let whole = predict(&log, &options(target, at, 5 * DAY), None, &NoProgress).unwrap();
        let alone = predict(&cut, &options(target, at, 5 * DAY), None, &NoProgress).unwrap();
        assert!(whole.evaluation.is_some() && alone.evaluation.is_none());
        assert_eq!(whole.rows.len(), alone.rows.len(), "{target:?}");
        for (a, b) in whole.rows.iter().zip(&alone.rows) {
            assert_eq!(
                (&a.user, a.predicted, a.probability, a.baseline_probability),
                (&b.user, b.predicted, b.probability, b.baseline_probability),
                "{target:?}: the future changed a prediction"
            );
        }
        assert!(whole.training_cutoffs.iter().all(|&c| c + 5 * DAY <= at));
    }
}

#[test]
fn purchase_and_churn_beat_their_baselines_on_a_generated_shop() {
    let dir = tempfile::tempdir().unwrap();
    let log = shop(dir.path(), 2500);
    let (first, _) = log.time_range_ms().unwrap();
    let at = first + 21 * DAY;
    for target in [Target::Purchase, Target::Churn] {
        let p = predict(&log, &options(target, at, 7 * DAY), None, &NoProgress).unwrap();
        let (model, baseline) = model_and_baseline_auc(&p);
        eprintln!("{target:?}: ROC-AUC model {model:.4}, recency-frequency logistic {baseline:.4}");
        assert!(model > baseline, "{target:?}: {model} vs {baseline}");
        assert!(model > 0.58, "{target:?}: {model}");
    }
    let p = predict(
        &log,
        &options(Target::NextEvent, at, 7 * DAY),
        None,
        &NoProgress,
    )
    .unwrap();
    let e = p.evaluation.unwrap();
    eprintln!(
        "next event: accuracy model {:.4}, most frequent {:.4}; log loss {:.4} vs {:.4}",
        e.figures[0].accuracy, e.figures[1].accuracy, e.figures[0].log_loss, e.figures[1].log_loss
    );
    assert!(e.figures[0].log_loss < e.figures[1].log_loss);
    assert!(
        p.rows
            .iter()
            .all(|r| (r.predicted as usize) < p.classes.len())
    );
}

#[test]
fn cdnow_purchase_and_churn_beat_the_recency_frequency_baseline() {
    let Some(data) = shared_data() else { return };
    let log = read(&data.join("cdnow_master.txt"));
    let at = parse_instant("1997-10-01").unwrap();
    for target in [Target::Purchase, Target::Churn] {
        let p = predict(&log, &options(target, at, 90 * DAY), None, &NoProgress).unwrap();
        let (model, baseline) = model_and_baseline_auc(&p);
        eprintln!("cdnow {target:?}: ROC-AUC model {model:.4}, baseline {baseline:.4}");
        assert!(model > baseline, "{target:?}: {model} vs {baseline}");
        assert!(p.evaluation.unwrap().partial.is_none());
    }
}

#[test]
fn bad_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let log = shop(dir.path(), 100);
    let (first, last) = log.time_range_ms().unwrap();
    let err = |target, at, horizon| predict(&log, &options(target, at, horizon), None, &NoProgress);
    assert!(matches!(
        err(Target::Purchase, first + 10 * DAY, 0),
        Err(PredictError::BadHorizon)
    ));
    assert!(matches!(
        err(Target::Purchase, first, DAY),
        Err(PredictError::NothingBefore { .. })
    ));
    let little = err(Target::Churn, first + 3 * DAY, 7 * DAY)
        .unwrap_err()
        .to_string();
    assert!(
        little.contains("history") && little.contains("--horizon"),
        "{little}"
    );
    // After the log ends there is nothing to grade, and that is not an error.
    let future = err(Target::Purchase, last + DAY, 7 * DAY).unwrap();
    assert!(future.evaluation.is_none() && !future.rows.is_empty());

    let no_orders = write(
        dir.path(),
        "views.csv",
        b"user,ts,event\nu1,2026-01-01T00:00:00Z,view\nu1,2026-01-02T00:00:00Z,login\nu2,2026-01-10T00:00:00Z,view\n",
    );
    let out = vigil(&[
        "predict",
        no_orders.to_str().unwrap(),
        "--target",
        "purchase",
        "--at",
        "2026-01-08",
        "--horizon",
        "2d",
    ]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(
        said.contains("looks like a purchase") && said.contains("login, view"),
        "{said}"
    );

    let shop_csv = dir.path().join("shop.csv");
    let shop_arg = shop_csv.to_str().unwrap();
    for (args, expected) in [
        (
            vec!["--target", "bogus", "--at", "2026-10-10", "--horizon", "7d"],
            "purchase",
        ),
        (
            vec!["--target", "churn", "--at", "soon", "--horizon", "7d"],
            "YYYY-MM-DD",
        ),
        (
            vec!["--target", "churn", "--at", "2026-10-10", "--horizon", "7x"],
            "unit",
        ),
        (
            vec!["--target", "churn", "--at", "2026-10-10", "--horizon", "0d"],
            "positive",
        ),
    ] {
        let mut all = vec!["predict", shop_arg];
        all.extend(args);
        let out = vigil(&all);
        assert!(!out.status.success(), "{all:?}");
        assert!(stderr(&out).contains(expected), "{all:?}: {}", stderr(&out));
    }
}

#[test]
fn the_command_writes_one_line_per_user() {
    let dir = tempfile::tempdir().unwrap();
    let s = sample::generate(&SampleConfig {
        users: 300,
        days: 21,
        seed: 5,
        ..SampleConfig::default()
    });
    let log = dir.path().join("shop.csv");
    sample::write_log(&s, &log).unwrap();
    let out_csv = dir.path().join("next.csv");
    let (first, _) = read(&log).time_range_ms().unwrap();
    let at = vigil::log::timeparse::format_rfc3339(first + 14 * DAY);
    let out = vigil(&[
        "predict",
        log.to_str().unwrap(),
        "--target",
        "next-event",
        "--at",
        &at,
        "--horizon",
        "3d",
        "--out",
        out_csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("most frequent event"),
        "{}",
        stdout(&out)
    );
    let text = std::fs::read_to_string(&out_csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("user,predicted,probability,baseline,actual")
    );
    assert!(lines.count() > 200);
}

#[test]
fn a_behaviour_model_pretrained_before_the_cut_off_joins_the_prediction() {
    let dir = tempfile::tempdir().unwrap();
    let s = sample::generate(&SampleConfig {
        users: 200,
        days: 21,
        seed: 9,
        ..SampleConfig::default()
    });
    let log = dir.path().join("shop.csv");
    sample::write_log(&s, &log).unwrap();
    let log_arg = log.to_str().unwrap();
    let (first, _) = read(&log).time_range_ms().unwrap();
    let at = vigil::log::timeparse::format_rfc3339(first + 14 * DAY);
    let model = dir.path().join("behaviour");
    let model_arg = model.to_str().unwrap();
    let trained = vigil(&[
        "train",
        log_arg,
        "--detector",
        "behaviour",
        "--until",
        &at,
        "--out",
        model_arg,
    ]);
    assert!(trained.status.success(), "{}", stderr(&trained));
    let predict_with = |model: &str, at: &str| {
        vigil(&[
            "predict",
            log_arg,
            "--target",
            "next-event",
            "--at",
            at,
            "--horizon",
            "3d",
            "--model",
            model,
        ])
    };
    let out = predict_with(model_arg, &at);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    for row in [
        "model + behaviour encoder",
        "behaviour model alone",
        "most frequent event",
    ] {
        assert!(table.contains(row), "{row} in {table}");
    }

    // A model that read the graded horizon is refused, and so is one without a head.
    let earlier = vigil::log::timeparse::format_rfc3339(first + 7 * DAY);
    let out = predict_with(model_arg, &earlier);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(
        said.contains("pretrained on events up to") && said.contains("--until"),
        "{said}"
    );
    let zscore = dir.path().join("zscore");
    let z_arg = zscore.to_str().unwrap();
    let trained = vigil(&["train", log_arg, "--detector", "zscore", "--out", z_arg]);
    assert!(trained.status.success(), "{}", stderr(&trained));
    let out = predict_with(z_arg, &at);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no next-event head"),
        "{}",
        stderr(&out)
    );
}
