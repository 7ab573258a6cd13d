//! The live watch's incremental event features against the whole-log pass: the bundled
//! sample's last events, pushed one by one after the rest as history, get the features the
//! whole log gives them, and a sequence model's scores of them are the whole log's.

mod common;

use std::sync::Arc;

use vigil::detect::{DetectorKind, Level, TrainOptions, new_detector};
use vigil::features::{LabelledLog, LiveFeatures};
use vigil::log::appended::AppendedEvents;
use vigil::progress::NoProgress;
use vigil::time_units::DAY_MS;
use vigil::workbench;
use vigil::workbench::watch::{LiveScorer, ScorerSetup};

#[test]
fn pushed_events_get_the_whole_log_features() {
    let (whole, _, data) = common::bundled_sample_featurised();
    let ts = &whole.columns.ts_ms;
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "the sample is in time order"
    );
    // The last 4,000 events arrive live. The whole-log pass reads every label from when it
    // became known; so do the live features: the history's (some known only after its end)
    // and the new events' own.
    let first_new = whole.len() - 4_000;
    let at = ts[first_new];
    let first_new = ts.partition_point(|&t| t < at);
    let delay = workbench::defaults::label_delay_ms();
    let batch = &data.events;

    let before: Vec<bool> = ts.iter().map(|&t| t < at).collect();
    let history = LabelledLog::new(Arc::new(whole.filtered(&before)), &[], delay);
    // The history's last day comes back as rows too (what a sequence model reads with the
    // new events of their day).
    let rows_from = at - DAY_MS;
    let (mut live, history_rows) =
        LiveFeatures::warm(&history.log, &history.labels, rows_from, &NoProgress).unwrap();
    let names: Vec<_> = live.specs().iter().map(|s| s.name.clone()).collect();
    let batch_names: Vec<_> = batch.specs.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, batch_names);

    let mut differing = 0;
    let mut compare = |e: usize, row: &[f32], expected: &[f32]| {
        for (k, (&a, &b)) in row.iter().zip(expected).enumerate() {
            let same = (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-4 * b.abs().max(1.0);
            if !same {
                differing += 1;
                if differing <= 5 {
                    eprintln!("event {e}, {}: live {a}, whole log {b}", names[k]);
                }
            }
        }
    };
    // The history is the log's first events: they keep their numbers.
    let recent: Vec<usize> = (0..first_new).filter(|&e| ts[e] >= rows_from).collect();
    assert!(
        recent.len() > 100,
        "{} events in the history's last day",
        recent.len()
    );
    assert_eq!(
        history_rows.iter().map(|(e, _)| *e).collect::<Vec<_>>(),
        recent
    );
    for (e, row) in &history_rows {
        compare(*e, row, batch.values.row(*e));
    }

    let mut growing = (*history.log).clone();
    let keep: Vec<bool> = ts.iter().map(|&t| t >= at).collect();
    growing.append(&whole.filtered(&keep), 0);
    for (i, e) in (history.log.len()..growing.len()).enumerate() {
        let row = live.push(&growing, e);
        compare(e, &row, batch.values.row(first_new + i));
    }
    assert_eq!(differing, 0, "live features differ from the whole log's");
    // Labels do become known while the events arrive: the delayed-label features are not all
    // empty, so the comparison covers them.
    let known: Vec<usize> = (0..names.len())
        .filter(|&k| names[k].ends_with("_known_30d"))
        .collect();
    let learnt = (first_new..whole.len())
        .filter(|&e| known.iter().any(|&k| batch.values.get(e, k) > 0.0))
        .count();
    assert!(learnt > 1_000, "{learnt} new events see known labels");
}

/// A sequence model reads an arriving event with its account's earlier events of the same
/// day, so the watch scores it as the whole log does: the history's last day is kept with its
/// features, the new events join their day's windows.
#[test]
fn a_sequence_model_scores_arriving_events_as_the_whole_log_does() {
    scores_arriving_events_as_the_whole_log(DetectorKind::Gru);
}

/// The behaviour model reads an arriving event with its account's events of the week before
/// (its pass): the watch keeps every event of the accounts it scores, so it reads the same.
#[test]
fn the_behaviour_model_scores_arriving_events_as_the_whole_log_does() {
    scores_arriving_events_as_the_whole_log(DetectorKind::Behaviour);
}

/// `kind`, trained for one epoch on the bundled sample, scores its last 3,000 events arriving
/// in the watch as it scores them in the whole log.
fn scores_arriving_events_as_the_whole_log(kind: DetectorKind) {
    let (whole, _, data) = common::bundled_sample_featurised();
    let ts = &whole.columns.ts_ms;
    let mut detector = new_detector(kind);
    let thresholds = detector.thresholds(Level::User);
    let options = TrainOptions {
        epochs: 1,
        ..TrainOptions::all_users(&data, 3)
    };
    detector.fit(&data, &options, &NoProgress).unwrap();
    let expected = detector.score(&data, &NoProgress).unwrap();

    // The last 3,000 events arrive, from the middle of a day: many of their accounts were
    // active in what the model reads with them, in the history.
    let at = ts[whole.len() - 3_000];
    let first_new = ts.partition_point(|&t| t < at);
    let context_start = kind.event_context_from(at);
    let users = &whole.columns.user.codes;
    let seen: std::collections::HashSet<u32> = (0..first_new)
        .filter(|&e| ts[e] >= context_start)
        .map(|e| users[e])
        .collect();
    let continuing = (first_new..whole.len())
        .filter(|&e| seen.contains(&users[e]))
        .count();
    assert!(
        continuing > 300,
        "{continuing} new events continue a context"
    );

    let mut scorer = LiveScorer::new(
        ScorerSetup {
            data: &data,
            detector: Arc::from(detector),
            thresholds,
            rules: Vec::new(),
            lists: Vec::new(),
            rows_before: Some(whole.columns.row[first_new]),
            alerted: Vec::new(),
        },
        &NoProgress,
    )
    .unwrap();
    let new: Vec<bool> = ts.iter().map(|&t| t >= at).collect();
    let batch = AppendedEvents {
        file: workbench::bundled_sample(),
        log: whole.filtered(&new),
        first_row: whole.columns.row[first_new],
        rejects: Vec::new(),
    };
    let scored = scorer.ingest(&batch).unwrap().batch;
    assert_eq!(scored.event_scores.len(), whole.len() - first_new);
    assert_eq!(scored.event_features.rows, whole.len() - first_new);
    let mut differing = 0;
    for (i, &live) in scored.event_scores.iter().enumerate() {
        let e = first_new + i;
        if (live - expected.event[e]).abs() > 1e-5 {
            differing += 1;
            if differing <= 5 {
                eprintln!(
                    "{kind}: event {e}: live {live}, whole log {}",
                    expected.event[e]
                );
            }
        }
    }
    assert_eq!(
        differing, 0,
        "{kind}: events scored live differ from the whole log"
    );
}
