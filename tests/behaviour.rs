//! The behaviour model: it learns from every event without labels, says what it learnt and
//! what it could not, and refuses a log it cannot learn from with a clear error.

mod common;

use std::sync::Arc;

use vigil::detect::{DetectError, Detector, DetectorKind, Level, TrainOptions, new_detector};
use vigil::eval::metrics;
use vigil::features::Dataset;
use vigil::log::{self, EventColumns, EventLog, Mapping, NULL_CODE};
use vigil::progress::NoProgress;
use vigil::sample::{self, SampleConfig};
use vigil::time_units::HOUR_MS;

/// A generated shop, with every account's label.
fn shop(users: usize, days: u32) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    let s = sample::generate(&SampleConfig {
        users,
        days,
        seed: 31,
        ..SampleConfig::default()
    });
    let path = dir.path().join("shop.csv");
    sample::write_log(&s, &path).unwrap();
    let loaded = log::load(&path, &Mapping::default(), &NoProgress).unwrap();
    let labels = common::persona_labels(&s);
    Dataset::build(Arc::new(loaded.log), &labels, 0, &NoProgress).unwrap()
}

/// The encoder's weights (every array but the heads').
fn encoder_weights(d: &dyn Detector) -> Vec<(String, Vec<f32>)> {
    let mut weights: Vec<(String, Vec<f32>)> = d
        .state()
        .unwrap()
        .arrays
        .into_iter()
        .filter(|a| !a.name.starts_with("heads."))
        .map(|a| (a.name, a.data))
        .collect();
    weights.sort_by(|a, b| a.0.cmp(&b.0));
    weights
}

/// A log of `(user, hour, event type)` rows; an empty type is a missing one.
fn log_of(rows: &[(&str, i64, &str)]) -> Dataset {
    let mut c = EventColumns::default();
    for (i, (user, hour, kind)) in rows.iter().enumerate() {
        c.row.push(i as u64);
        c.user.codes.push(c.user.dict.intern(user));
        c.ts_ms.push(1_790_000_000_000 + hour * HOUR_MS);
        c.event.codes.push(match *kind {
            "" => NULL_CODE,
            k => c.event.dict.intern(k),
        });
    }
    let log = EventLog {
        columns: c,
        label_level: None,
    };
    Dataset::build(Arc::new(log), &[], 0, &NoProgress).unwrap()
}

#[test]
fn pretraining_lowers_the_loss_and_beats_both_habits() {
    let data = shop(150, 10);
    let mut d = new_detector(DetectorKind::Behaviour);
    d.fit(&data, &TrainOptions::all_users(&data, 3), &NoProgress)
        .unwrap();
    let loss = d.training_curve().train_loss;
    assert!(loss.len() >= 2, "{loss:?}");
    assert!(loss[loss.len() - 1] < loss[0], "the loss falls: {loss:?}");
    let learnt = d.self_supervision().unwrap().clone();
    assert!(learnt.events > 100, "{learnt:?}");
    assert!(learnt.learnt_sequences(), "{learnt:?}");
    assert!(
        learnt.next_type_accuracy > learnt.account_habit_accuracy
            && learnt.next_type_accuracy > learnt.log_habit_accuracy,
        "{learnt:?}"
    );
}

#[test]
fn a_log_of_single_events_trains_and_says_it_learnt_no_sequence() {
    let rows: Vec<(String, i64, &str)> = (0..60)
        .map(|i| (format!("u{i}"), i, if i % 3 == 0 { "pay" } else { "view" }))
        .collect();
    let rows: Vec<(&str, i64, &str)> = rows.iter().map(|(u, h, k)| (u.as_str(), *h, *k)).collect();
    let data = log_of(&rows);
    let mut d = new_detector(DetectorKind::Behaviour);
    d.fit(&data, &TrainOptions::all_users(&data, 1), &NoProgress)
        .unwrap();
    let learnt = d.self_supervision().unwrap();
    assert!(!learnt.learnt_sequences(), "{learnt:?}");
    // Without labels nothing learns from them: the scores are the encoder's own.
    assert!(d.selection(Level::User).is_none());
    let arrays = d.state().unwrap().arrays.len();
    assert_eq!(encoder_weights(d.as_ref()).len(), arrays, "no head is kept");
    let scores = d.score(&data, &NoProgress).unwrap();
    assert!(scores.event.iter().all(|s| (0.0..=1.0).contains(s)));
    // A rarer type is the more surprising one.
    assert!(
        scores.event[0] > scores.event[1],
        "{:?}",
        &scores.event[..3]
    );
}

#[test]
fn a_log_without_events_or_event_types_is_refused_clearly() {
    let data = log_of(&[("a", 0, ""), ("a", 1, ""), ("b", 2, "")]);
    let mut d = new_detector(DetectorKind::Behaviour);
    let err = d
        .fit(&data, &TrainOptions::all_users(&data, 1), &NoProgress)
        .unwrap_err();
    assert!(matches!(err, DetectError::NoEventTypes { .. }), "{err}");
    assert!(err.to_string().contains("event type"), "{err}");

    let data = log_of(&[("a", 0, "view"), ("b", 1, "pay")]);
    let options = TrainOptions {
        event_cutoff_ms: Some(0),
        ..TrainOptions::all_users(&data, 1)
    };
    let err = d.fit(&data, &options, &NoProgress).unwrap_err();
    assert!(matches!(err, DetectError::NoEvents { .. }), "{err}");
    assert!(err.to_string().contains("no event to learn from"), "{err}");
}

/// With labels, the ensemble's heads learn them, offered the encoder's readings; a refit after
/// new labels keeps the encoder as it was pretrained and learns the labels again.
#[test]
fn labels_are_learnt_by_the_heads_and_a_refit_keeps_the_encoder() {
    let data = shop(300, 10);
    let half: Vec<bool> = (0..data.users()).map(|u| u % 2 == 0).collect();
    let first = TrainOptions {
        train_users: half,
        ..TrainOptions::all_users(&data, 5)
    };
    let mut d = new_detector(DetectorKind::Behaviour);
    d.fit(&data, &first, &NoProgress).unwrap();
    assert!(d.selection(Level::User).is_some(), "the user head learnt");
    let encoder = encoder_weights(d.as_ref());
    let curve = d.training_curve();
    let before = d.score(&data, &NoProgress).unwrap();

    let all = TrainOptions::all_users(&data, 5);
    assert!(d.refit_labels(&data, &all, &NoProgress).unwrap());
    assert_eq!(encoder_weights(d.as_ref()), encoder, "the encoder is kept");
    assert_eq!(d.training_curve(), curve);
    let after = d.score(&data, &NoProgress).unwrap();
    assert_ne!(after.user, before.user, "the heads learnt the new labels");
    let auc = metrics(&after.user, &data.labels.user, 0.5).roc_auc;
    assert!(auc > 0.9, "accounts ranked by the heads: ROC-AUC {auc}");
}

#[test]
fn the_next_event_head_expects_what_follows_in_a_habit() {
    // Every account goes login, view, cart, pay, an hour apart, over and over.
    let cycle = ["login", "view", "cart", "pay"];
    let names: Vec<String> = (0..40).map(|u| format!("u{u}")).collect();
    let mut rows = Vec::new();
    for (u, name) in names.iter().enumerate() {
        for h in 0..24 {
            rows.push((name.as_str(), h + u as i64 % 3, cycle[h as usize % 4]));
        }
    }
    rows.sort_by_key(|r| r.1);
    let data = log_of(&rows);
    let mut d = new_detector(DetectorKind::Behaviour);
    d.fit(&data, &TrainOptions::all_users(&data, 5), &NoProgress)
        .unwrap();
    // Asked after each account's tenth event (a view), whose next is a cart.
    let asked: Vec<(vigil::log::UserCode, i64)> = data
        .log
        .users()
        .map(|u| {
            let tenth = data.index.events(u)[9] as usize;
            (u, data.log.columns.ts_ms[tenth] + 1)
        })
        .collect();
    let outlook = d
        .next_event_outlook(&data.log, &asked, &NoProgress)
        .unwrap()
        .expect("the behaviour model has a next-event head");
    let types = outlook.type_classes();
    for row in outlook.type_p.chunks(types) {
        let best = (0..types)
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .unwrap();
        assert_eq!(
            outlook.type_name(best),
            Some("cart"),
            "{row:?} of {outlook:?}"
        );
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
    // A model without a next-event head says so.
    let mut z = new_detector(DetectorKind::Zscore);
    z.fit(&data, &TrainOptions::all_users(&data, 5), &NoProgress)
        .unwrap();
    assert!(
        z.next_event_outlook(&data.log, &asked, &NoProgress)
            .unwrap()
            .is_none()
    );
}
