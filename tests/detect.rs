//! Detectors learn, save and load, stop when cancelled, and never look ahead.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use vigil::detect::{
    DetectError, DetectorKind, Level, TrainOptions, TrainingRecord, load_model, new_detector,
    save_model,
};
use vigil::eval::{self, Split};
use vigil::features::{Dataset, day_windows, sequence_context_from, sequence_day};
use vigil::log::{self, Label, Mapping};
use vigil::progress::{NoProgress, Progress, Stage};
use vigil::sample::{self, SampleConfig};

/// A generated shop with its ground truth: the dataset and each user's persona name.
fn generated(users: usize, days: u32, seed: u64) -> (Arc<Dataset>, Vec<(String, String, bool)>) {
    let dir = tempfile::tempdir().unwrap();
    let s = sample::generate(&SampleConfig {
        users,
        days,
        seed,
        ..SampleConfig::default()
    });
    let path = dir.path().join("shop.csv");
    sample::write_log(&s, &path).unwrap();
    let loaded = log::load(&path, &Mapping::default(), &NoProgress).unwrap();
    let labels = common::persona_labels(&s);
    let personas = s
        .users
        .iter()
        .map(|u| {
            (
                u.id.clone(),
                u.persona.name().to_string(),
                u.persona.is_fraud(),
            )
        })
        .collect();
    let data = Dataset::build(Arc::new(loaded.log), &labels, 0, &NoProgress).unwrap();
    (Arc::new(data), personas)
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

#[test]
fn every_detector_ranks_every_fraud_scenario_above_the_legit_median() {
    let (data, personas) = generated(1500, 14, 3);
    // The behaviour model is not there yet: brushing and promo rings sit below the legit
    // median (README, "The behaviour model").
    let graded = DetectorKind::ALL
        .into_iter()
        .filter(|&k| k != DetectorKind::Behaviour);
    for kind in graded {
        let mut d = new_detector(kind);
        d.fit(&data, &TrainOptions::all_users(&data, 1), &NoProgress)
            .unwrap();
        let scores = d.score(&data, &NoProgress).unwrap();
        assert!(
            scores
                .user
                .iter()
                .chain(&scores.event)
                .all(|s| (0.0..=1.0).contains(s)),
            "{kind}: scores in [0, 1]"
        );
        let score_of =
            |id: &str| scores.user[data.log.columns.user.dict.lookup(id).unwrap() as usize];
        let active = |id: &str| data.log.columns.user.dict.lookup(id).is_some();
        let legit: Vec<f32> = personas
            .iter()
            .filter(|(id, _, fraud)| !fraud && active(id))
            .map(|(id, _, _)| score_of(id))
            .collect();
        let legit_median = median(legit);
        let mut scenarios: Vec<&str> = personas
            .iter()
            .filter(|p| p.2)
            .map(|(_, p, _)| p.as_str())
            .collect();
        scenarios.sort();
        scenarios.dedup();
        assert!(scenarios.len() >= 8, "the sample has every scenario");
        for scenario in scenarios {
            let theirs: Vec<f32> = personas
                .iter()
                .filter(|(id, p, _)| p == scenario && active(id))
                .map(|(id, _, _)| score_of(id))
                .collect();
            let m = median(theirs);
            assert!(
                m > legit_median,
                "{kind}: {scenario} median {m:.3} is not above the legit median {legit_median:.3}"
            );
        }
    }
}

#[test]
fn supervised_detectors_reach_ap_0_9_on_the_bundled_sample() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = log::load(
        &root.join("sample_data/shop.csv.gz"),
        &Mapping::default(),
        &NoProgress,
    )
    .unwrap();
    let labels = log::read_labels(&root.join("sample_data/shop_labels.csv")).unwrap();
    let data = Arc::new(Dataset::build(Arc::new(loaded.log), &labels, 0, &NoProgress).unwrap());
    let setup = eval::setup(
        data,
        &Split::Random {
            seed: 1,
            test_fraction: 0.3,
        },
        Level::User,
        None,
        &NoProgress,
    )
    .unwrap();
    let rows = eval::compare(
        &setup,
        &[DetectorKind::Mlp, DetectorKind::Ensemble],
        Level::User,
        (7, 0, 100),
        None,
        &NoProgress,
    )
    .unwrap();
    for r in rows {
        assert!(r.error.is_none(), "{r:?}");
        assert!(
            r.metrics.average_precision >= 0.9,
            "{}: AP {:.3}",
            r.detector,
            r.metrics.average_precision
        );
    }
}

#[test]
fn saved_models_score_identically_after_loading() {
    let (data, _) = generated(400, 7, 5);
    let dir = tempfile::tempdir().unwrap();
    for kind in DetectorKind::ALL {
        let mut d = new_detector(kind);
        d.fit(&data, &TrainOptions::all_users(&data, 2), &NoProgress)
            .unwrap();
        let before = d.score(&data, &NoProgress).unwrap();
        let path = dir.path().join(kind.name());
        save_model(&path, d.as_ref(), &data, 2, TrainingRecord::default()).unwrap();
        let (loaded, meta) = load_model(&path).unwrap();
        assert_eq!(meta.detector, kind);
        assert_eq!(loaded.score(&data, &NoProgress).unwrap(), before, "{kind}");
        assert_eq!(loaded.thresholds(Level::User), d.thresholds(Level::User));
    }
}

/// An account far from the centre of its own segment is told so, and on the generated shop
/// those accounts are fraud; a saved model says the same after loading (its centres are kept).
#[test]
fn far_from_its_segment_is_a_reason_and_mostly_fraud() {
    let (data, personas) = generated(1500, 14, 3);
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_detector(DetectorKind::Iforest);
    d.fit(&data, &TrainOptions::all_users(&data, 1), &NoProgress)
        .unwrap();
    save_model(dir.path(), d.as_ref(), &data, 1, TrainingRecord::default()).unwrap();
    let (loaded, _) = load_model(dir.path()).unwrap();
    let mut told = 0;
    let mut fraud = 0;
    for u in data.log.users() {
        let reasons = d.explain(&data, u);
        assert_eq!(loaded.explain(&data, u), reasons, "user {u}");
        if reasons.iter().any(|r| r.feature == "segment_distance") {
            told += 1;
            let name = data.user_name(u);
            fraud += usize::from(personas.iter().any(|(id, _, f)| id == name && *f));
        }
    }
    assert!(told >= 5, "{told} accounts told");
    assert!(
        fraud * 10 >= told * 7,
        "{fraud} of the {told} accounts told are fraud"
    );
}

#[test]
fn the_same_seed_gives_the_same_scores() {
    let (data, _) = generated(300, 7, 9);
    for kind in [
        DetectorKind::Iforest,
        DetectorKind::Mlp,
        DetectorKind::CnnGru,
    ] {
        let run = || {
            let mut d = new_detector(kind);
            d.fit(&data, &TrainOptions::all_users(&data, 4), &NoProgress)
                .unwrap();
            d.score(&data, &NoProgress).unwrap()
        };
        assert_eq!(run(), run(), "{kind}");
    }
}

/// Cancels after `after` progress reports of a training stage, counting reports past that.
struct CancelAfter {
    after: usize,
    seen: AtomicUsize,
}

impl Progress for CancelAfter {
    fn report(&self, stage: Stage, _done: u64, _total: Option<u64>) {
        if stage.to_string().starts_with("training") {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn is_cancelled(&self) -> bool {
        self.seen.load(Ordering::SeqCst) >= self.after
    }
}

#[test]
fn cancelling_training_stops_within_one_batch() {
    let (data, _) = generated(400, 7, 11);
    for kind in [DetectorKind::Mlp, DetectorKind::Gru] {
        let p = CancelAfter {
            after: 3,
            seen: AtomicUsize::new(0),
        };
        let mut d = new_detector(kind);
        let r = d.fit(
            &data,
            &TrainOptions {
                epochs: 50,
                ..TrainOptions::all_users(&data, 1)
            },
            &p,
        );
        assert!(
            matches!(r, Err(DetectError::Cancelled)),
            "{kind}: {:?}",
            r.err()
        );
        assert_eq!(
            p.seen.load(Ordering::SeqCst),
            3,
            "{kind}: no batch ran after the cancel"
        );
    }
}

#[test]
fn supervised_detectors_without_labels_say_so() {
    let (data, _) = generated(200, 5, 13);
    let mut unlabelled = TrainOptions::all_users(&data, 1);
    // Train only on users whose labels we hide by excluding everyone labelled.
    unlabelled.train_users = data
        .labels
        .user
        .iter()
        .map(|&l| l == Label::Unknown)
        .collect();
    for kind in [DetectorKind::Mlp, DetectorKind::Gru] {
        let err = new_detector(kind)
            .fit(&data, &unlabelled, &NoProgress)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("needs labels"), "{kind}: {err}");
    }
}

#[test]
fn features_and_entity_risk_never_look_ahead() {
    let (data, _) = generated(600, 20, 17);
    let (lo, hi) = data.log.time_range_ms().unwrap();
    let cut = lo + (hi - lo) / 2;
    // 1. Features of an event do not change when every later event is removed.
    let keep: Vec<bool> = data.log.columns.ts_ms.iter().map(|&t| t < cut).collect();
    let earlier = data.before(cut, &NoProgress).unwrap();
    let kept: Vec<usize> = (0..data.log.len()).filter(|&e| keep[e]).collect();
    assert_eq!(earlier.log.len(), kept.len());
    let names: Vec<&str> = data.events.specs.iter().map(|s| s.name.as_str()).collect();
    assert!(names.iter().any(|n| n.contains("_fraud_rate")), "{names:?}");
    for (i, &e) in kept.iter().enumerate() {
        let (a, b) = (data.events.values.row(e), earlier.events.values.row(i));
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            assert!(
                x == y || (x.is_nan() && y.is_nan()),
                "event {e}: {} is {x} with the future, {y} without",
                names[j]
            );
        }
    }
    // 2. Labels not yet known do not move entity risk: hiding every label known after the cut
    // leaves earlier events' features as they were, and does change some later ones.
    let hidden = data.labels.known_before(&data.log, cut);
    let index = log::UserIndex::new(&data.log);
    let blind = Dataset::with_labels(data.log.clone(), index, hidden, &NoProgress).unwrap();
    let rate_cols: Vec<usize> = (0..names.len())
        .filter(|&j| names[j].contains("_fraud_rate"))
        .collect();
    let mut later_changed = false;
    for (e, &before_cut) in keep.iter().enumerate() {
        for &j in &rate_cols {
            let (x, y) = (data.events.values.row(e)[j], blind.events.values.row(e)[j]);
            if before_cut {
                // An event without the entity has no rate on either side (NaN, missing).
                let same = x == y || (x.is_nan() && y.is_nan());
                assert!(
                    same,
                    "event {e} before the cut saw a label known after it: {x} {y}"
                );
            } else if x != y && !(x.is_nan() && y.is_nan()) {
                later_changed = true;
            }
        }
    }
    assert!(
        later_changed,
        "the control: labels known after the cut do inform later events"
    );
}

/// When the log labels events, an account is legit so far a label delay after its first legit
/// event, and fraud a delay after its first fraud event: both kinds become known at the same
/// pace. (Legit used to wait for the account's last event, so only accounts that had gone quiet
/// were known legit, and a model trained at the log's end learned "still active" as fraud.)
#[test]
fn legit_so_far_is_known_as_early_as_fraud() {
    let dir = tempfile::tempdir().unwrap();
    let day = |d: u32| format!("2026-10-{:02}T12:00:00Z", d + 1);
    let rows = [
        ("steady", 0, 0),
        ("steady", 20, 0),
        ("taken_over", 0, 0),
        ("taken_over", 10, 1),
        ("fraudster", 0, 1),
        ("newcomer", 18, 0),
    ];
    let mut csv = String::from("user_id,ts,event,is_fraud\n");
    for (user, d, fraud) in rows {
        csv.push_str(&format!("{user},{},login,{fraud}\n", day(d)));
    }
    let path = common::write(dir.path(), "log.csv", csv.as_bytes());
    let log = log::load(&path, &Mapping::default(), &NoProgress)
        .unwrap()
        .log;
    let index = log::UserIndex::new(&log);
    let delay = vigil::time_units::WEEK_MS;
    let k = vigil::features::LabelKnowledge::new(&log, &index, &[], delay);
    let at = |d: u32| vigil::log::timeparse::parse_instant(&day(d)).unwrap() + 1;
    let label_of = |t: i64, name: &str| {
        let known = k.known_before(&log, t);
        known.of_user(log.user_code(name).unwrap())
    };
    // Before any label is a week old nothing is known.
    for name in ["steady", "taken_over", "fraudster", "newcomer"] {
        assert_eq!(label_of(at(6), name), Label::Unknown, "{name} on day 6");
    }
    // A week in: legit so far, legit so far, fraud; the newcomer has no week-old event.
    assert_eq!(label_of(at(7), "steady"), Label::Legit);
    assert_eq!(label_of(at(7), "taken_over"), Label::Legit);
    assert_eq!(label_of(at(7), "fraudster"), Label::Fraud);
    // The takeover becomes known a week after it happened.
    assert_eq!(label_of(at(16), "taken_over"), Label::Legit);
    assert_eq!(label_of(at(17), "taken_over"), Label::Fraud);
    // At the log's end an account still active is known legit all the same.
    assert_eq!(label_of(at(21), "steady"), Label::Legit);
    assert_eq!(label_of(at(21), "newcomer"), Label::Unknown);
}

#[test]
fn sequence_windows_hold_one_users_day_each() {
    let (data, _) = generated(300, 7, 9);
    let ts = &data.log.columns.ts_ms;
    let windows = day_windows(&data, 8);
    let mut seen = vec![0usize; data.log.len()];
    let mut days_split = 0;
    for (u, events) in &windows {
        assert!((1..=8).contains(&events.len()));
        let day = sequence_day(ts[events[0] as usize]);
        for pair in events.windows(2) {
            assert!(ts[pair[0] as usize] <= ts[pair[1] as usize]);
        }
        for &e in events {
            assert_eq!(data.log.user_of(e as usize), Some(*u));
            assert_eq!(
                sequence_day(ts[e as usize]),
                day,
                "a window stays in its day"
            );
            seen[e as usize] += 1;
        }
        days_split += usize::from(events.len() == 8);
    }
    assert!(seen.iter().all(|&n| n == 1), "every event is in one window");
    assert!(days_split > 0, "busy days are cut into several windows");
    // A window starts where its day does: from there, the earlier days are not read.
    let from = sequence_context_from(ts[data.log.len() / 2]);
    assert_eq!(sequence_day(from), sequence_day(ts[data.log.len() / 2]));
    assert_eq!(sequence_day(from - 1), sequence_day(from) - 1);
}
