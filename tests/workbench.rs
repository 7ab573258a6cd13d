//! The application layer without a window: open a log, label, undo, retrain and compare as
//! the window does, and the rules both faces share (one label rule, one metric convention).

mod common;

use std::path::Path;

use common::{Backend, workspace_at};

use vigil::cases::Verdict;
use vigil::detect::{DetectorKind, Graded, Level, Thresholds};
use vigil::eval::{ThresholdView, metric_text, metrics};
use vigil::log::{Label, Mapping, UserCode};
use vigil::progress::NoProgress;
use vigil::sample::{SampleConfig, generate, write_log};
use vigil::workbench::{self, CompareRequest, OpenRequest, Opened, Triage, defaults};

/// A generated shop of `days` opened as the window opens it. Labels become known a week after
/// their events, so only the earlier days carry them.
fn open_shop(dir: &Path, days: u32) -> Triage {
    open_shop_with(dir, days, DetectorKind::Zscore)
}

fn open_shop_with(dir: &Path, days: u32, detector: DetectorKind) -> Triage {
    open_shop_at(dir, days, detector, dir.join("shop.vigil.db"))
}

/// The generated shop with its workspace at `workspace` (a file or a team's server).
fn open_shop_at(
    dir: &Path,
    days: u32,
    detector: DetectorKind,
    workspace: std::path::PathBuf,
) -> Triage {
    let sample = generate(&SampleConfig {
        users: 300,
        days,
        seed: 5,
        ..SampleConfig::default()
    });
    let path = dir.join("shop.csv");
    write_log(&sample, &path).unwrap();
    let request = OpenRequest {
        path,
        mapping: Mapping::default(),
        mapping_given: false,
        confirmed: None,
        workspace: Some(workspace),
        detector,
        train_now: false,
        model: None,
    };
    match workbench::open(request, &NoProgress).unwrap() {
        Opened::Ready(session, workspace) => Triage::new(*session, *workspace).unwrap(),
        Opened::NeedsMapping(_) => panic!("the generated shop's columns are plain"),
    }
}

/// The first account (in user-code order) the log itself labels `label`.
fn labelled_by_log(t: &Triage, label: Label) -> UserCode {
    t.user_codes()
        .find(|&u| t.log_label_of(u) == label)
        .expect("the generated shop labels some accounts")
}

#[test]
fn an_unsure_verdict_is_unlabelled_in_display_and_in_training() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    let fraud = labelled_by_log(&t, Label::Fraud);
    let legit = labelled_by_log(&t, Label::Legit);
    t.select(fraud);
    t.label(Verdict::Unsure, "ana").unwrap();
    t.select(legit);
    t.label(Verdict::Fraud, "ana").unwrap();
    assert_eq!(t.label_of(fraud), Label::Unknown, "shown as unlabelled");
    assert_eq!(
        t.label_of(legit),
        Label::Fraud,
        "the verdict wins over the log"
    );

    let input = t.begin_retrain(DetectorKind::Zscore).unwrap();
    let retrained = input.run(&NoProgress).unwrap();
    // Verdicts teach the model; they do not change what earlier events looked like, so the
    // retrain reads the session's features as they are.
    assert!(std::sync::Arc::ptr_eq(
        &retrained.data.events,
        &t.session().data.events
    ));
    let trained_on = &retrained.data.labels;
    assert_eq!(
        trained_on.of_user(fraud),
        Label::Unknown,
        "and not trained on"
    );
    assert_eq!(trained_on.of_user(legit), Label::Fraud);
    let targets = trained_on.event_targets(&retrained.data.log);
    let events = retrained.data.index.events(fraud);
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|&e| targets[e as usize] == Label::Unknown),
        "not even through the log's event labels"
    );
    t.finish_retrain(retrained);
    assert_eq!(t.label_of(fraud), Label::Unknown);
    assert_eq!(t.label_of(legit), Label::Fraud);
    assert!(t.retrain_report().is_some());

    // Undo takes the fraud verdict back: the log's label shows again.
    assert_eq!(t.undo("ana").unwrap().as_deref(), Some(t.user_name(legit)));
    assert_eq!(t.label_of(legit), Label::Legit);
}

#[test]
fn thresholds_follow_a_retrained_model_unless_the_analyst_moved_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    assert_eq!(t.thresholds(), t.session().model.thresholds);
    let kind = t.session().model.kind;
    let retrained_with = |t: &mut Triage, thresholds| {
        let mut r = t.begin_retrain(kind).unwrap().run(&NoProgress).unwrap();
        r.model.thresholds = thresholds;
        t.finish_retrain(r);
    };
    // A new scale (as when the ensemble's head becomes supervised): its own cut-offs.
    let new_scale = Thresholds {
        suspicious: 0.2,
        high: 0.3,
    };
    retrained_with(&mut t, new_scale);
    assert_eq!(t.thresholds(), new_scale);
    // The analyst's own stay.
    let analyst = Thresholds {
        suspicious: 0.5,
        high: 0.6,
    };
    t.set_thresholds(analyst).unwrap();
    retrained_with(
        &mut t,
        Thresholds {
            suspicious: 0.1,
            high: 0.15,
        },
    );
    assert_eq!(t.thresholds(), analyst);
}

#[test]
fn with_nothing_flagged_every_view_of_the_metrics_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    t.set_thresholds(Thresholds {
        suspicious: 1.5,
        high: 1.5,
    })
    .unwrap();
    // The distribution panel's view, the model panel's report and `vigil eval`'s metrics.
    let distribution = t.at_suspicious();
    let model_panel = t.report().metrics;
    let scores = &t.session().model.scores.user;
    let cli = metrics(scores, t.labels(), 1.5);
    let direct = ThresholdView::new(scores, t.labels()).at(1.5);
    assert_eq!(distribution.flagged, 0);
    for p in [
        distribution.precision,
        model_panel.precision,
        cli.precision,
        direct.precision,
    ] {
        assert!(
            p.is_nan(),
            "nothing flagged: precision is undefined, not {p}"
        );
        assert_eq!(metric_text(p, 3), "–");
    }
    for f in [distribution.f1, model_panel.f1, cli.f1] {
        assert!(f.is_nan(), "F1 follows precision: {f}");
    }
    assert_eq!(distribution.recall, 0.0, "recall is 0 of the known fraud");
    assert_eq!(model_panel.recall, 0.0);
    assert!(
        model_panel.roc_auc.is_finite(),
        "ranking metrics need no threshold"
    );
}

/// The window's figures (top bar, model tab, distribution panel) grade each labelled account
/// by a model fitted without its label; on the bundled sample they come out below the figures
/// on the labels the model learnt from.
#[test]
fn the_figures_the_window_shows_are_out_of_sample() {
    let dir = tempfile::tempdir().unwrap();
    let t = common::open_bundled_sample(dir.path(), DetectorKind::Ensemble, true);
    let model = &t.session().model;
    let Graded::OutOfFold(oof) = &model.graded else {
        panic!(
            "a supervised ensemble is graded out of fold, not {:?}",
            model.graded
        )
    };
    // Every account whose label the model learnt has an out-of-fold score, and it is not
    // the score of the model that learnt it.
    let learnt = t
        .session()
        .data
        .labels
        .user
        .iter()
        .filter(|l| l.is_known())
        .count();
    assert_eq!(oof.iter().filter(|s| s.is_finite()).count(), learnt);
    let moved = oof
        .iter()
        .zip(&model.scores.user)
        .filter(|(o, s)| o.is_finite() && (*o - *s).abs() > 1e-6)
        .count();
    assert!(
        moved > learnt / 2,
        "only {moved} of {learnt} scores differ out of fold"
    );
    let shown = t.report();
    assert!(shown.out_of_sample && t.graded_out_of_sample());
    let suspicious = t.thresholds().suspicious;
    let in_sample = metrics(&model.scores.user, t.labels(), suspicious);
    assert!(
        shown.metrics.average_precision < in_sample.average_precision
            && shown.metrics.roc_auc < in_sample.roc_auc,
        "out of sample AP {:.4} AUC {:.4}, in sample AP {:.4} AUC {:.4}",
        shown.metrics.average_precision,
        shown.metrics.roc_auc,
        in_sample.average_precision,
        in_sample.roc_auc
    );
    // The distribution panel counts precision and recall on the same out-of-sample scores,
    // and flags by the scores themselves.
    let at = t.at_suspicious();
    let graded = ThresholdView::new(&model.scores_to_grade(), t.labels()).at(suspicious);
    assert_eq!((at.precision, at.recall), (graded.precision, graded.recall));
    let flagged = model
        .scores
        .user
        .iter()
        .filter(|&&s| s >= suspicious)
        .count();
    assert_eq!(at.flagged, flagged);
    assert!(at.recall <= in_sample.recall);
}

#[test]
fn the_comparison_runs_headless_with_the_shared_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let t = open_shop(dir.path(), 24);
    let request = CompareRequest {
        split: defaults::compare_split(),
        detectors: vec![DetectorKind::Zscore, DetectorKind::Gbdt],
        level: Level::User,
        seed: defaults::SEED,
        epochs: defaults::EPOCHS,
        horizon_ms: None,
        top_k: defaults::TOP_K,
        costs: Some("missed=100,review=5,blocked=20".parse().unwrap()),
    };
    let rows = workbench::compare(t.session().data.clone(), &request, &NoProgress).unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.error.is_none()), "{rows:?}");
    // With costs set, each row says what its threshold costs and where the least cost is.
    for r in &rows {
        let cost = r.cost.as_ref().expect("costs were given");
        assert_eq!(cost.grid.len(), vigil::eval::COST_THRESHOLDS.len());
        let least = cost.least.cost;
        assert!(least <= cost.at_threshold.cost, "{cost:?}");
        assert!(cost.grid.iter().all(|p| least <= p.cost), "{cost:?}");
    }
    // Graded on the held-out users whose labels the log's end knows.
    let gbdt = &rows[1].metrics;
    assert!(gbdt.positives > 0 && gbdt.negatives > 0, "{gbdt:?}");
    assert!(gbdt.roc_auc.is_finite(), "{gbdt:?}");
    // The accounts linked to a ring member are found without a window.
    let linked = t
        .user_codes()
        .find(|&u| !t.session().linked_accounts(u).is_empty());
    assert!(linked.is_some(), "households and rings share devices");
}

on_both_backends!(the_queue_opens_on_a_first_look_and_the_chosen_detector_replaces_it_in_place);

/// On a team's server the model kept is the team's: the reopening window fetches it.
fn the_queue_opens_on_a_first_look_and_the_chosen_detector_replaces_it_in_place(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some(at) = workspace_at(backend, dir.path(), "shop") else {
        return;
    };
    if let Backend::Postgres = backend {
        // Another machine: nothing of the model is in this one's cache.
        let _ = std::fs::remove_dir_all(workbench::model_dir(&at));
    }
    let mut t = open_shop_at(dir.path(), 20, DetectorKind::Gbdt, at.clone());
    assert_eq!(t.session().model.kind, defaults::FIRST_LOOK);
    assert_eq!(t.session().pending, Some(DetectorKind::Gbdt));
    assert!(!t.queue().is_empty());
    let chosen = t.queue()[t.queue().len() / 2];
    t.select(chosen);

    let input = t.begin_retrain(DetectorKind::Gbdt).unwrap();
    t.finish_retrain(input.run(&NoProgress).unwrap());
    assert_eq!(t.session().model.kind, DetectorKind::Gbdt);
    assert_eq!(t.session().pending, None);
    assert_eq!(
        t.selected(),
        Some(chosen),
        "the selection stays where it was"
    );
    assert_eq!(
        t.thresholds(),
        t.session().model.thresholds,
        "another detector's scores come with its own thresholds"
    );
    t.save_settings().unwrap();

    // The chosen detector was kept: the next open uses it at once.
    drop(t);
    if let Backend::Postgres = backend {
        std::fs::remove_dir_all(workbench::model_dir(&at)).unwrap();
    }
    let t = open_shop_at(dir.path(), 20, DetectorKind::Gbdt, at);
    assert_eq!(t.session().model.kind, DetectorKind::Gbdt);
    assert!(t.session().model.from_disk);
    assert_eq!(t.session().pending, None);
}

/// The model the window trains at the log's end flags about as many accounts as there is fraud,
/// not every account still active: legit accounts still active are known legit so far, so
/// "active in the last week" teaches nothing (it used to flag most of the shop).
#[test]
fn the_trained_queue_flags_the_fraud_not_every_active_account() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop_with(dir.path(), 20, DetectorKind::Ensemble);
    let input = t.begin_retrain(DetectorKind::Ensemble).unwrap();
    t.finish_retrain(input.run(&NoProgress).unwrap());
    let at = t.at_suspicious();
    let fraud = t.labels().iter().filter(|&&l| l == Label::Fraud).count();
    let unlabelled = t.labels().iter().filter(|&&l| l == Label::Unknown).count();
    assert!(fraud > 0);
    assert!(
        unlabelled * 4 < t.users(),
        "{unlabelled} of {} accounts are unlabelled a week before the end",
        t.users()
    );
    assert!(
        at.flagged <= 3 * fraud,
        "{} flagged of {} accounts, {fraud} fraud",
        at.flagged,
        t.users()
    );
    // What the queue holds: the labelled fraud among the accounts the scores flag (the
    // panel's recall is out of sample, graded on models that did not learn these labels).
    let scores = &t.session().model.scores.user;
    let caught = metrics(scores, t.labels(), t.thresholds().suspicious).recall;
    assert!(caught > 0.6, "the queue holds {caught} of the fraud");
    assert!(at.recall > 0.3, "out of sample recall {}", at.recall);
}

#[test]
fn the_default_queue_is_the_accounts_without_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    let by_log = labelled_by_log(&t, Label::Fraud);
    assert!(
        t.queue().contains(&by_log),
        "an account the log labels still needs a verdict"
    );
    assert_eq!(t.label_of(by_log), Label::Fraud, "and its label is shown");
    t.select(by_log);
    t.label(Verdict::Legit, "ana").unwrap();
    assert!(
        !t.queue().contains(&by_log),
        "a decided account leaves the queue"
    );
    assert_ne!(t.selected(), Some(by_log), "the next one is selected");
}

#[test]
fn the_queue_filters_by_segment() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    let labels = t.labels().to_vec();
    let s = workbench::segment_dataset(&t.session().data, &labels, (Some(3), 1), None, &NoProgress)
        .unwrap();
    let size_of_1 = s.profiles[1].size;
    t.set_segments(s);
    let mut filter = t.filter().clone();
    filter.label = workbench::LabelFilter::All;
    filter.segment = Some(1);
    t.set_filter(filter);
    assert_eq!(t.queue().len(), size_of_1);
    let seg = t.segments().unwrap();
    assert!(t.queue().iter().all(|&u| seg.assignments[u.index()] == 1));
}

/// A ring labelled in one action: the selected account and everything linked to it, marked
/// and labelled fraud, is one undo; marking the filtered queue marks exactly the queue.
#[test]
fn marked_accounts_are_labelled_in_one_action_and_one_undo() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = open_shop(dir.path(), 10);
    let u = t
        .user_codes()
        .find(|&u| t.session().linked_accounts(u).len() >= 2)
        .expect("the generated shop has accounts sharing a device or address");
    let linked = t.session().linked_accounts(u).len();
    t.select(u);
    t.mark_linked(u);
    assert_eq!(t.marked().len(), linked + 1);
    let audit_before = t.workspace().audit_len().unwrap();
    assert_eq!(t.label_marked(Verdict::Fraud, "ana").unwrap(), linked + 1);
    assert!(t.marked().is_empty(), "the marks are spent");
    assert_eq!(t.label_of(u), Label::Fraud);
    assert_eq!(
        t.workspace().audit_len().unwrap(),
        audit_before + linked + 1
    );
    let undone = t.undo("ana").unwrap().unwrap();
    assert!(undone.ends_with(&format!("and {linked} more")), "{undone}");
    assert!(
        t.cases().next().is_none(),
        "one undo took the whole decision back"
    );

    t.mark_queue();
    assert_eq!(t.marked().len(), t.queue().len());
    t.clear_marks();
    let (a, b) = (t.queue()[2], t.queue()[5]);
    t.select(a);
    t.mark_range_to(b);
    assert_eq!(t.marked().len(), 4, "rows 2 to 5 of the queue");
}

/// The default thresholds flag at most the team's daily capacity, and never below the
/// model's own: on a log with no labels yet, the unsupervised model flags its riskiest
/// twentieth of the accounts, a few a day here, more than a team of one reviews.
#[test]
fn default_thresholds_flag_about_the_teams_daily_capacity() {
    let dir = tempfile::tempdir().unwrap();
    let sample = generate(&SampleConfig {
        users: 3_000,
        days: 14,
        seed: 8,
        ..SampleConfig::default()
    });
    let path = dir.path().join("shop.csv");
    write_log(&sample, &path).unwrap();
    let unlabelled = Mapping {
        user: Some("user_id".into()),
        time: Some("ts".into()),
        event: Some("event".into()),
        amount: Some("amount".into()),
        entities: Some(vec!["device".into(), "ip".into()]),
        ..Mapping::default()
    };
    let request = OpenRequest {
        path,
        mapping: unlabelled,
        mapping_given: true,
        confirmed: None,
        workspace: Some(dir.path().join("shop.vigil.db")),
        detector: DetectorKind::Ensemble,
        train_now: true,
        model: None,
    };
    let mut t = match workbench::open(request, &NoProgress).unwrap() {
        Opened::Ready(session, workspace) => Triage::new(*session, *workspace).unwrap(),
        Opened::NeedsMapping(_) => panic!("a mapping was given"),
    };
    assert_eq!(t.daily_capacity(), 100);
    let own = t.session().model.own_thresholds;
    let at = |t: &Triage| {
        let th = t.thresholds();
        (t.flagged_per_day(th.suspicious), t.flagged_per_day(th.high))
    };
    let (s, h) = at(&t);
    assert!(s <= 100.0 && h <= 10.0, "{s:.1} and {h:.1} a day");
    assert!(s > 4.0, "the model flags {s:.1} a day");
    // A team of one: the thresholds follow its capacity, within a fifth.
    t.set_daily_capacity(4).unwrap();
    let (s, h) = at(&t);
    assert!(
        (3.2..=4.0).contains(&s),
        "suspicious flags {s:.1} a day at 4"
    );
    assert!(h <= 0.4, "high flags {h:.1} a day at 4");
    assert!(t.thresholds().suspicious > own.suspicious);
    // A team larger than what the model finds suspicious: the model's own thresholds stand.
    t.set_daily_capacity(100_000).unwrap();
    assert_eq!(t.thresholds(), own);
    // Moved by hand, they stay.
    let by_hand = Thresholds {
        suspicious: 0.99,
        high: 0.995,
    };
    t.set_thresholds(by_hand).unwrap();
    t.set_daily_capacity(80).unwrap();
    assert_eq!(t.thresholds(), by_hand);
}
