//! A trained model with what it said about its dataset, how it is trained and kept, and when
//! a kept model may be used again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::error::{Result, WorkbenchError};
use crate::cases::WorkspaceAt;
use crate::detect::neural::fall_back_to_cpu;
use crate::detect::{
    DetectError, Detector, DetectorKind, Fingerprint, Graded, Level, ModelMeta, Scores, Thresholds,
    TrainOptions, TrainingCurve, TrainingRecord, align_features, load_model, new_detector,
    save_model,
};
use crate::eval::{CostCurve, CostPoint, Costs, DailyFlags};
use crate::features::{Dataset, Matrix};
use crate::log::Label;
use crate::log::timeparse::format_rfc3339;
use crate::progress::{Progress, Stage};
use crate::time_units::days_spanned;

/// A trained model and its scores of the dataset it belongs to.
pub struct ModelState {
    pub detector: Arc<dyn Detector>,
    pub kind: DetectorKind,
    pub scores: Scores,
    /// The detector's user thresholds (those for the team's capacity).
    pub thresholds: Thresholds,
    /// The ones the model chose on its own, below which the capacity never sets them (for a
    /// model read from disk, those it was kept with).
    pub own_thresholds: Thresholds,
    pub trained_at: String,
    pub train_secs: f64,
    pub labelled_users: usize,
    pub curve: TrainingCurve,
    /// Where the model is kept between runs (beside the workspace).
    pub dir: PathBuf,
    /// Read from `dir` rather than trained in this job.
    pub from_disk: bool,
    /// Saving to `dir` failed: the model works but will be trained again next time.
    pub save_error: Option<String>,
    /// Each account as the model reads it, for models that have such a reading (the sequence
    /// networks): what "similar by the sequence model" measures.
    pub embedding: Option<Arc<Matrix>>,
    /// The labelled accounts' out-of-sample scores, which the figures the window shows are
    /// graded on (`ModelState::scores_to_grade`).
    pub graded: Graded,
}

impl ModelState {
    /// When the model was trained (ms), read from its RFC 3339 `trained_at`.
    pub fn trained_ms(&self) -> Option<i64> {
        crate::log::timeparse::parse_instant(&self.trained_at).ok()
    }

    fn new(detector: Box<dyn Detector>, scores: Scores, dir: PathBuf) -> Self {
        let kind = detector.kind();
        Self {
            thresholds: detector.thresholds(Level::User),
            own_thresholds: detector.thresholds(Level::User),
            curve: detector.training_curve(),
            kind: detector.kind(),
            detector: Arc::from(detector),
            scores,
            trained_at: String::new(),
            train_secs: 0.0,
            labelled_users: 0,
            dir,
            from_disk: false,
            save_error: None,
            embedding: None,
            graded: Graded::before_folding(kind.learns_from_labels()),
        }
    }

    /// Reads every account of `data` through the model, where it has such a reading, and
    /// scores each labelled account with the model refitted without its label.
    fn with_readings(mut self, data: &Dataset, progress: &dyn Progress) -> Result<Self> {
        self.embedding = self
            .detector
            .account_embedding(data, progress)?
            .map(Arc::new);
        let options = TrainOptions::all_users(data, super::defaults::SEED);
        self.graded = self.detector.out_of_fold(data, &options, progress)?;
        Ok(self)
    }

    /// Each account's score to grade the model by: out of fold for the accounts whose label
    /// it learnt, the score itself for the rest.
    pub fn scores_to_grade(&self) -> Vec<f32> {
        self.graded.scores_to_grade(&self.scores.user)
    }

    /// How many accounts a day each threshold flags on `data` (the log it scored), each
    /// labelled account at its out-of-fold score: as the capacity's thresholds were set.
    pub fn daily_flags(&self, data: &Dataset) -> DailyFlags {
        daily_flags(data, &self.scores_to_grade())
    }
}

/// The compute device the neural detectors use, as the window shows it.
pub fn compute_device_name() -> crate::detect::neural::ComputeDevice {
    crate::detect::neural::device_name()
}

/// The model directory kept beside a workspace file: `<workspace>.model/`. A team's
/// workspace keeps its model in the database; this machine works on a copy of it in the
/// temporary folder, named by the workspace's location (its password elided).
pub fn model_dir(workspace: &Path) -> PathBuf {
    match WorkspaceAt::of(workspace) {
        WorkspaceAt::File(_) => {
            let mut name = workspace.as_os_str().to_os_string();
            name.push(".model");
            PathBuf::from(name)
        }
        at @ WorkspaceAt::Postgres(_) => {
            let key = xxhash_rust::xxh3::xxh3_64(at.to_string().as_bytes());
            std::env::temp_dir()
                .join("vigil-team-models")
                .join(format!("{key:016x}"))
        }
    }
}

pub(super) fn check_cancelled(progress: &dyn Progress) -> Result<()> {
    if progress.is_cancelled() {
        Err(WorkbenchError::Cancelled)
    } else {
        Ok(())
    }
}

/// A detector trained on `data` and what the training record says of it.
pub struct Fitted {
    pub detector: Box<dyn Detector>,
    pub training: TrainingRecord,
    /// Whether the part pretrained without labels was kept from the model in the directory
    /// trained into (`fit_in`), only the rest learning the labels.
    pub kept_pretrained: bool,
}

/// Trains a new `kind` detector on the users `options` allows.
pub fn fit(
    data: &Dataset,
    kind: DetectorKind,
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<Fitted> {
    let mut detector = new_detector(kind);
    let started = Instant::now();
    progress.report(Stage::Training(kind.name()), 0, None);
    match detector.fit(data, options, progress) {
        Err(DetectError::Neural(e)) if fall_back_to_cpu() => {
            // A GPU that fails mid-training (out of memory, a lost device) is given up for the
            // rest of the run; the same training starts again on the CPU.
            eprintln!("vigil: the GPU failed ({e}); training {kind} again on the CPU");
            progress.report(Stage::TrainingOnCpu(kind.name()), 0, None);
            detector = new_detector(kind);
            detector.fit(data, options, progress)?;
        }
        other => other?,
    }
    let mut training = supervision(data, options);
    training.train_secs = started.elapsed().as_secs_f64();
    Ok(Fitted {
        detector,
        training,
        kept_pretrained: false,
    })
}

/// How many users and events the detector could learn a label from, and how many it could
/// not because their label was not known yet.
fn supervision(data: &Dataset, options: &TrainOptions) -> TrainingRecord {
    let mut r = TrainingRecord::default();
    for u in (0..data.users()).filter(|&u| options.train_users[u]) {
        if data.labels.user[u].is_known() {
            r.labelled_users += 1;
        } else {
            r.unknown_users += 1;
        }
    }
    let targets = options.event_targets(data);
    for (e, &t) in targets.iter().enumerate() {
        match t {
            Label::Unknown if options.learns_from_event(data, e) => r.unknown_events += 1,
            Label::Unknown => {}
            t => {
                r.labelled_events += 1;
                r.fraud_events += usize::from(t.is_fraud());
            }
        }
    }
    r
}

/// Writes a fitted detector to `dir` as a model directory.
pub fn save(dir: &Path, fitted: &Fitted, data: &Dataset, seed: u64) -> Result<ModelMeta> {
    Ok(save_model(
        dir,
        fitted.detector.as_ref(),
        data,
        seed,
        fitted.training.clone(),
    )?)
}

/// The model kept in `dir` when it is of `kind` and fits `data`; anything else (no model, a
/// model that does not load or fit) means training again.
pub(super) fn kept_model(
    dir: &Path,
    kind: DetectorKind,
    data: &mut Dataset,
    progress: &dyn Progress,
) -> Option<Result<ModelState>> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    let (detector, meta) = load_model(dir).ok()?;
    if meta.detector != kind {
        return None;
    }
    align_features(&meta, dir, data).ok()?;
    Some(read_model(
        detector,
        meta,
        data,
        dir.to_path_buf(),
        progress,
    ))
}

/// The model in `given` (a directory `vigil train` wrote), which must load and fit `data`: an
/// error says why not. A retrain would keep its successor in `keep_in`, not over `given`.
pub(super) fn given_model(
    given: &Path,
    data: &mut Dataset,
    keep_in: PathBuf,
    progress: &dyn Progress,
) -> Result<ModelState> {
    let (detector, meta) = load_model(given)?;
    align_features(&meta, given, data)?;
    read_model(detector, meta, data, keep_in, progress)
}

/// A model read from disk, scoring `data` (already in the model's columns).
fn read_model(
    detector: Box<dyn Detector>,
    meta: ModelMeta,
    data: &Dataset,
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<ModelState> {
    progress.report(Stage::Scoring, 0, None);
    let scores = detector.score(data, progress)?;
    ModelState {
        trained_at: meta.trained_at,
        train_secs: meta.training.train_secs,
        labelled_users: meta.training.labelled_users,
        from_disk: true,
        ..ModelState::new(detector, scores, dir)
    }
    .with_readings(data, progress)
}

/// The quick first look (`defaults::FIRST_LOOK`, unsupervised) trained on `data`: scores an
/// analyst can start on in seconds. It is not kept: the model directory is the chosen one's.
pub fn first_look(
    data: &Arc<Dataset>,
    capacity: usize,
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<ModelState> {
    let (fitted, scores, own_thresholds) = fit_and_score(
        data,
        (super::defaults::FIRST_LOOK, &dir),
        (super::defaults::SEED, capacity),
        progress,
    )?;
    Ok(ModelState {
        own_thresholds,
        trained_at: format_rfc3339(chrono::Utc::now().timestamp_millis()),
        train_secs: fitted.training.train_secs,
        labelled_users: fitted.training.labelled_users,
        ..ModelState::new(fitted.detector, scores, dir)
    })
}

/// Learns `data`'s labels on the label-free part of `kept` (a model of this log read from its
/// directory), or, when it has none, trains a new one of its kind.
fn refit(
    mut kept: Box<dyn Detector>,
    data: &Dataset,
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<Fitted> {
    let started = Instant::now();
    progress.report(Stage::Training(kept.kind().name()), 0, None);
    if !kept.refit_labels(data, options, progress)? {
        return fit(data, kept.kind(), options, progress);
    }
    let mut training = supervision(data, options);
    training.train_secs = started.elapsed().as_secs_f64();
    Ok(Fitted {
        detector: kept,
        training,
        kept_pretrained: true,
    })
}

/// Trains `kind` on `data` for the model directory `dir`: a model that pretrains keeps the
/// pretrained part of the one in `dir` when that one read this very log.
pub fn fit_in(
    dir: &Path,
    data: &Dataset,
    kind: DetectorKind,
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<Fitted> {
    match kept_pretrained(dir, kind, data) {
        Some(kept) => refit(kept, data, options, progress),
        None => fit(data, kind, options, progress),
    }
}

/// The model kept in `dir` when it is a `kind` that pretrains (`DetectorKind::pretrains`) and
/// was pretrained on `data`'s very events: what a retrain keeps. Any other (or none) is
/// trained anew.
fn kept_pretrained(dir: &Path, kind: DetectorKind, data: &Dataset) -> Option<Box<dyn Detector>> {
    if !kind.pretrains() {
        return None;
    }
    let (detector, meta) = load_model(dir).ok()?;
    let same_log = meta.training_data.hash == Fingerprint::of(data).hash;
    (detector.kind() == kind && same_log).then_some(detector)
}

/// Trains `kind` on every account of `data` and scores them; the account thresholds are
/// those of a team reviewing `capacity` accounts a day. A model that pretrains keeps the
/// pretrained part of the one in `dir` when that one read this log. Returns the model's own
/// thresholds too.
fn fit_and_score(
    data: &Arc<Dataset>,
    (kind, dir): (DetectorKind, &Path),
    (seed, capacity): (u64, usize),
    progress: &dyn Progress,
) -> Result<(Fitted, Scores, Thresholds)> {
    let options = TrainOptions::all_users(data, seed);
    let mut fitted = fit_in(dir, data, kind, &options, progress)?;
    check_cancelled(progress)?;
    let scores = fitted.detector.score(data, progress)?;
    let (own, _) = capacity_thresholds(&mut fitted, data, &scores.user, capacity, progress)?;
    Ok((fitted, scores, own))
}

/// Puts in the fitted detector the account thresholds of a team reviewing `capacity` accounts
/// a day, from its scores of `data`'s accounts (its events are scored only where the account
/// scores come from them). Returns the scores they were set on: each labelled account's
/// out-of-fold one where the model has one.
pub fn thresholds_by_capacity(
    fitted: &mut Fitted,
    data: &Dataset,
    capacity: usize,
    progress: &dyn Progress,
) -> Result<Vec<f32>> {
    let scores = if fitted
        .detector
        .kind()
        .scores_accounts_from_account_features()
    {
        fitted.detector.score(&data.accounts_only(), progress)?
    } else {
        fitted.detector.score(data, progress)?
    };
    let (_, graded) = capacity_thresholds(fitted, data, &scores.user, capacity, progress)?;
    Ok(graded)
}

/// Where the account thresholds went by cost: the suspicious one at the least costly
/// threshold on the labelled accounts, against what the capacity's threshold cost.
#[derive(Clone, Copy, Debug)]
pub struct ByCost {
    pub least: CostPoint,
    pub at_capacity: CostPoint,
    /// Labelled accounts the costs were counted on.
    pub accounts: usize,
}

/// Moves the account thresholds to where `costs` are least on the labelled accounts of
/// `data`, each at its score in `graded` (as the capacity's were set, `thresholds_by_capacity`):
/// the suspicious threshold to the least costly one, the high one no lower. A missed fraud's
/// amount is its account's in `data`'s log. Without a labelled account nothing moves.
pub fn thresholds_by_cost(
    fitted: &mut Fitted,
    data: &Dataset,
    graded: &[f32],
    costs: &Costs,
) -> Option<ByCost> {
    let labels = &data.labels.user;
    let accounts = labels.iter().filter(|l| l.is_known()).count();
    if accounts == 0 {
        return None;
    }
    let amounts = data.log.amount_per_user().unwrap_or_default();
    let curve = CostCurve::new(graded, labels, &amounts, costs);
    let mut thresholds = fitted.detector.thresholds(Level::User);
    let at_capacity = curve.at(thresholds.suspicious);
    let least = curve.minimum();
    thresholds.suspicious = least.threshold.clamp(0.0, 1.0);
    thresholds.high = thresholds.high.max(thresholds.suspicious);
    fitted.detector.set_thresholds(Level::User, thresholds);
    Some(ByCost {
        least,
        at_capacity,
        accounts,
    })
}

/// Sets the capacity's account thresholds from `user_scores`; returns the model's own and the
/// scores they were set on. Each labelled account counts at its out-of-fold score where the
/// model has one: at its in-sample score, a legit account the model learnt sits far below
/// where the accounts of the coming days will, and thresholds set so would flag several times
/// the capacity on them.
fn capacity_thresholds(
    fitted: &mut Fitted,
    data: &Dataset,
    user_scores: &[f32],
    capacity: usize,
    progress: &dyn Progress,
) -> Result<(Thresholds, Vec<f32>)> {
    let own = fitted.detector.thresholds(Level::User);
    let options = TrainOptions::all_users(data, super::defaults::SEED);
    let graded = fitted.detector.out_of_fold(data, &options, progress)?;
    let scores = graded.scores_to_grade(user_scores);
    let thresholds = daily_flags(data, &scores).thresholds(capacity, own);
    fitted.detector.set_thresholds(Level::User, thresholds);
    Ok((own, scores))
}

/// How many accounts a day each threshold of account scores flags on `data`'s log: each day,
/// the accounts active that day whose score is at or above it. Accounts known as fraud are
/// blocked already and take none of a day's review: counted, they would set the thresholds by
/// the model's in-sample certainty about them, and a new victim would never reach high.
pub fn daily_flags(data: &Dataset, user_scores: &[f32]) -> DailyFlags {
    daily_flags_within(data, user_scores, |_| true)
}

/// `daily_flags` of the events at the times `within` keeps (a window the scores were asked
/// for), over the days from the first of them to the last.
pub fn daily_flags_within(
    data: &Dataset,
    user_scores: &[f32],
    within: impl Fn(i64) -> bool,
) -> DailyFlags {
    let ts = &data.log.columns.ts_ms;
    let mut active = data.index.active_days(ts, &within);
    for (days, label) in active.iter_mut().zip(&data.labels.user) {
        if label.is_fraud() {
            *days = 0;
        }
    }
    let (first, last) = ts
        .iter()
        .filter(|&&t| within(t))
        .fold((i64::MAX, i64::MIN), |(a, b), &t| (a.min(t), b.max(t)));
    DailyFlags::new(user_scores, &active, days_spanned(first, last))
}

/// Trains `kind` on every account of `data` with the labels it carries, scores, and keeps the
/// model in `dir` (a failure to save is noted, not fatal: the scores are good).
pub fn train_and_score(
    data: &Arc<Dataset>,
    kind: DetectorKind,
    (seed, capacity): (u64, usize),
    dir: PathBuf,
    progress: &dyn Progress,
) -> Result<ModelState> {
    let (fitted, scores, own_thresholds) =
        fit_and_score(data, (kind, &dir), (seed, capacity), progress)?;
    let (trained_at, save_error) = match save(&dir, &fitted, data, seed) {
        Ok(meta) => (meta.trained_at, None),
        Err(e) => (
            format_rfc3339(chrono::Utc::now().timestamp_millis()),
            Some(e.to_string()),
        ),
    };
    ModelState {
        own_thresholds,
        trained_at,
        train_secs: fitted.training.train_secs,
        labelled_users: fitted.training.labelled_users,
        save_error,
        ..ModelState::new(fitted.detector, scores, dir)
    }
    .with_readings(data, progress)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Mapping, load};
    use crate::progress::NoProgress;
    use crate::sample::{SampleConfig, generate, write_log};

    /// A retrain of the behaviour model on the log it was pretrained on keeps the encoder (the
    /// label-free part) and learns the labels again: a retrain seeded otherwise keeps the first
    /// pretraining's curve. On a log it did not read, the encoder is pretrained anew.
    #[test]
    fn a_retrain_keeps_the_behaviour_encoder_pretrained_on_the_same_log() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let dataset = |users: usize| {
            let shop = generate(&SampleConfig {
                users,
                days: 21,
                seed: 4,
                ..SampleConfig::default()
            });
            let path = dir.path().join(format!("shop{users}.csv"));
            write_log(&shop, &path).expect("the shop is written");
            let log = Arc::new(
                load(&path, &Mapping::default(), &NoProgress)
                    .expect("loads")
                    .log,
            );
            let (data, _) = super::super::session::labelled_dataset(&log, &[], &NoProgress)
                .expect("featurises");
            Arc::new(data)
        };
        let (data, other) = (dataset(60), dataset(70));
        // Labels become known a week after their event: three weeks leave two of them.
        assert!(
            data.labels.labelled_users() > 10,
            "the generated log has labels"
        );
        let models = dir.path().join("model");
        let kind = DetectorKind::Behaviour;
        let train = |data: &Arc<Dataset>, seed: u64| {
            train_and_score(data, kind, (seed, 100), models.clone(), &NoProgress).expect("trains")
        };
        let first = train(&data, 1);
        assert!(
            first.detector.selection(Level::User).is_some(),
            "the heads learnt"
        );
        let retrained = train(&data, 2);
        assert_eq!(retrained.curve, first.curve, "the encoder is kept");
        let elsewhere = train(&other, 2);
        assert_ne!(elsewhere.curve, first.curve, "another log is pretrained on");
    }

    /// The capacity's thresholds are set on the scores of a model that did not learn each
    /// account's label: counted so, as the coming days' accounts will score, suspicious flags
    /// the capacity a day, within a fifth. Set on in-sample scores, the legit accounts the
    /// model learnt sit lower and it flags more.
    #[test]
    fn capacity_thresholds_are_set_on_out_of_fold_scores() {
        let loaded = load(
            &super::super::bundled_sample(),
            &Mapping::default(),
            &NoProgress,
        )
        .expect("the bundled sample loads");
        let log = Arc::new(loaded.log);
        let (data, _) = super::super::session::labelled_dataset(&log, &[], &NoProgress)
            .expect("the bundled sample featurises");
        let options = TrainOptions::all_users(&data, super::super::defaults::SEED);
        let mut fitted = fit(&data, DetectorKind::Ensemble, &options, &NoProgress).expect("fits");
        let scores = fitted.detector.score(&data, &NoProgress).expect("scores");
        let graded = fitted
            .detector
            .out_of_fold(&data, &options, &NoProgress)
            .expect("folds");
        assert!(matches!(graded, Graded::OutOfFold(_)));
        let honest = daily_flags(&data, &graded.scores_to_grade(&scores.user));
        let in_sample = daily_flags(&data, &scores.user);
        let own = fitted.detector.thresholds(Level::User);
        // A capacity the model's own threshold overflows.
        let capacity = (honest.per_day(own.suspicious) / 2.0).floor().max(1.0) as usize;
        capacity_thresholds(&mut fitted, &data, &scores.user, capacity, &NoProgress)
            .expect("sets thresholds");
        let suspicious = fitted.detector.thresholds(Level::User).suspicious;
        let flagged = honest.per_day(suspicious);
        let c = capacity as f64;
        assert!(
            (0.8 * c..=c).contains(&flagged),
            "{flagged:.1} a day at a capacity of {capacity} (in sample {:.1})",
            in_sample.per_day(suspicious)
        );
    }
}
