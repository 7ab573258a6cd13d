//! The sequence detectors (gru, cnn_gru): each user's events of each day, cut into windows,
//! go through a network that scores every step; a user scores as their riskiest event. An
//! event reads its own day's earlier events and its features' bounded look-back, no more.

use candle_core::{DType, Module, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::compute_device;
use super::nets::SequenceNet;
use super::tabular::{arrays_to_vars, vars_to_arrays};
use super::train::{LoopParams, fit, init_seeded, weighted_bce};
use crate::detect::calibrate::{SUPERVISED_DEFAULT_THRESHOLDS, fit_thresholds};
use crate::detect::holdout::{cap_keeping_positives, split_validation};
use crate::detect::state::{State, params_from_json, params_to_json};
use crate::detect::{
    DetectError, Detector, DetectorKind, Level, Scores, Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{
    Dataset, GroupMeans, Matrix, Scaler, Sequences, build_sequences, day_windows,
};
use crate::log::Label;
use crate::progress::{Progress, Stage};

/// The longest window. Logs whose users have few events a day get shorter windows: padding a
/// two-event day to 32 steps would only cost time.
const MAX_STEPS: usize = 32;

/// Steps per window: the 90th percentile of featured events per user-day (windows start
/// afresh each day), up to a power of two.
fn window_steps(data: &Dataset) -> usize {
    let mut counts: Vec<usize> = day_windows(data, usize::MAX)
        .iter()
        .map(|(_, events)| events.len())
        .collect();
    counts.sort_unstable();
    let p90 = counts.get(counts.len() * 9 / 10).copied().unwrap_or(1);
    p90.next_power_of_two().clamp(4, MAX_STEPS)
}

/// Training sees at most this many windows (all with fraud, a sample of the rest).
const MAX_TRAIN_WINDOWS: usize = 40_000;
/// Windows scored per batch.
const SCORE_BATCH: usize = 1024;
/// A fraud step weighs at most this many legit ones, however rare fraud is.
const MAX_POSITIVE_WEIGHT: f32 = 50.0;
/// The share of training windows held out to stop training early.
const VALIDATION_SHARE: f64 = 0.2;
/// Windows per gradient step.
const BATCH_WINDOWS: usize = 128;
const LEARNING_RATE: f64 = 3e-3;
/// Epochs without a better validation loss before training stops.
const PATIENCE_EPOCHS: usize = 4;
/// Epochs when none are given: about this many windows seen in all, within `EPOCHS`.
const WINDOWS_SEEN: usize = 200_000;
const EPOCHS: std::ops::RangeInclusive<usize> = 5..=30;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Learned {
    steps: usize,
    event_scaler: Scaler,
    account_scaler: Scaler,
    type_codes: Vec<String>,
    in_dim: usize,
    user_thresholds: Thresholds,
    event_thresholds: Thresholds,
    curve: TrainingCurve,
}

pub struct SequenceDetector {
    kind: DetectorKind,
    learned: Option<Learned>,
    varmap: VarMap,
    net: Option<SequenceNet>,
}

impl SequenceDetector {
    pub fn new(kind: DetectorKind) -> Self {
        Self {
            kind,
            learned: None,
            varmap: VarMap::new(),
            net: None,
        }
    }

    fn build_net(&mut self, in_dim: usize) -> Result<(), DetectError> {
        self.varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&self.varmap, DType::F32, compute_device());
        self.net = Some(SequenceNet::new(
            in_dim,
            self.kind == DetectorKind::CnnGru,
            vb,
        )?);
        Ok(())
    }

    pub fn from_state(
        kind: DetectorKind,
        state: &State,
        prefix: &str,
    ) -> Result<Self, DetectError> {
        let learned: Learned = params_from_json(&state.params)?;
        let mut d = Self::new(kind);
        d.build_net(learned.in_dim)?;
        arrays_to_vars(&d.varmap, &state.arrays, prefix)?;
        d.learned = Some(learned);
        Ok(d)
    }

    fn sequences(&self, data: &Dataset, learned: &Learned) -> Sequences {
        // A type this log lacks keeps its slot, empty: the network's inputs stay in place.
        let codes: Vec<Option<u32>> = learned
            .type_codes
            .iter()
            .map(|name| data.log.columns.event.dict.lookup(name))
            .collect();
        let scaled = learned.event_scaler.transform(&data.events.values);
        build_sequences(data, &codes, scaled, learned.steps)
    }

    /// Runs `per_batch` on every window, a batch at a time (`(batch, steps, dim)` inputs), and
    /// concatenates what it returns.
    fn over_windows(
        &self,
        seqs: &Sequences,
        what: Stage,
        progress: &dyn Progress,
        per_batch: impl Fn(&SequenceNet, &Tensor) -> candle_core::Result<Tensor>,
    ) -> Result<Vec<f32>, DetectError> {
        let net = self.net.as_ref().ok_or(DetectError::NotTrained)?;
        let mut out = Vec::new();
        let all: Vec<usize> = (0..seqs.windows()).collect();
        for (b, batch) in all.chunks(SCORE_BATCH).enumerate() {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            progress.report(what, b as u64, Some(all.len().div_ceil(SCORE_BATCH) as u64));
            let x = Tensor::from_vec(
                seqs.gather(batch),
                (batch.len(), seqs.len, seqs.dim),
                compute_device(),
            )?;
            out.extend(per_batch(net, &x)?.flatten_all()?.to_vec1::<f32>()?);
        }
        Ok(out)
    }

    /// Per-step fraud probabilities for the given windows.
    fn step_scores(
        &self,
        seqs: &Sequences,
        progress: &dyn Progress,
    ) -> Result<Vec<f32>, DetectError> {
        self.over_windows(seqs, Stage::Scoring, progress, |net, x| {
            candle_nn::ops::sigmoid(&net.forward(x)?)
        })
    }
}

impl Learned {
    /// What training fixes before the network learns: the window length, the scalers of the
    /// training events and accounts, the event types with a slot of their own.
    fn new(data: &Dataset, options: &TrainOptions, train_events: &[usize]) -> Self {
        let account_rows: Vec<usize> = (0..data.users())
            .filter(|&u| options.train_users[u])
            .collect();
        let type_codes: Vec<String> = data.main_types.iter().map(|t| t.1.clone()).collect();
        Self {
            steps: window_steps(data),
            in_dim: type_codes.len() + 1 + data.events.values.cols,
            event_scaler: Scaler::fit(&data.events.values.select_rows(train_events)),
            account_scaler: Scaler::fit(&data.account.values.select_rows(&account_rows)),
            type_codes,
            user_thresholds: SUPERVISED_DEFAULT_THRESHOLDS,
            event_thresholds: SUPERVISED_DEFAULT_THRESHOLDS,
            curve: TrainingCurve::default(),
        }
    }
}

/// The training target of every step of every window: its event's label (unknown for padding).
struct StepTargets<'a> {
    seqs: &'a Sequences,
    targets: &'a [Label],
}

impl StepTargets<'_> {
    fn at(&self, w: usize, s: usize) -> Label {
        match self.seqs.events[w * self.seqs.len + s] {
            u32::MAX => Label::Unknown,
            e => self.targets[e as usize],
        }
    }

    fn has_fraud(&self, w: usize) -> bool {
        (0..self.seqs.len).any(|s| self.at(w, s).is_fraud())
    }

    /// The windows of training users with a known label, capped (keeping every fraud one);
    /// an error without labels or without both classes.
    fn training_windows(
        &self,
        detector: &'static str,
        options: &TrainOptions,
    ) -> Result<Vec<usize>, DetectError> {
        let steps = self.seqs.len;
        let windows: Vec<usize> = (0..self.seqs.windows())
            .filter(|&w| options.train_users[self.seqs.window_user[w].index()])
            .filter(|&w| (0..steps).any(|s| self.at(w, s).is_known()))
            .collect();
        if windows.is_empty() {
            return Err(DetectError::NeedsLabels { detector });
        }
        let positive = windows.iter().filter(|&&w| self.has_fraud(w)).count();
        let negative = windows.len() - positive;
        if positive == 0 || negative == 0 {
            return Err(DetectError::OneClass {
                detector,
                positive,
                negative,
            });
        }
        let has_fraud = |w: usize| self.has_fraud(w);
        Ok(cap_keeping_positives(
            windows,
            has_fraud,
            MAX_TRAIN_WINDOWS,
            options.seed,
        ))
    }

    /// How much a fraud step weighs against a legit one, from the step counts of `windows`
    /// (fraud steps are rarer than fraud windows).
    fn positive_weight(&self, windows: &[usize]) -> f32 {
        let (mut fraud, mut legit) = (0usize, 0usize);
        for &w in windows {
            for s in 0..self.seqs.len {
                match self.at(w, s) {
                    Label::Fraud => fraud += 1,
                    Label::Legit => legit += 1,
                    Label::Unknown => {}
                }
            }
        }
        (legit as f32 / fraud.max(1) as f32).clamp(1.0, MAX_POSITIVE_WEIGHT)
    }
}

impl SequenceDetector {
    /// Trains a new network on `windows`, each step weighted by its label (padding and unknown
    /// steps teach nothing); returns the loss curve.
    fn train_net(
        &mut self,
        steps: &StepTargets,
        windows: &[usize],
        in_dim: usize,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<TrainingCurve, DetectError> {
        let positive_weight = steps.positive_weight(windows);
        self.build_net(in_dim)?;
        init_seeded(&self.varmap, options.seed)?;
        let has_fraud = |w: usize| steps.has_fraud(w);
        let (train, val) = split_validation(windows, has_fraud, VALIDATION_SHARE, options.seed);
        let params = LoopParams {
            epochs: if options.epochs > 0 {
                options.epochs
            } else {
                (WINDOWS_SEEN / train.len().max(1)).clamp(*EPOCHS.start(), *EPOCHS.end())
            },
            batch: BATCH_WINDOWS,
            learning_rate: LEARNING_RATE,
            patience: PATIENCE_EPOCHS,
            seed: options.seed,
            stage: Stage::Training(self.kind.name()),
        };
        let device = compute_device();
        let net = self.net.as_ref().ok_or(DetectError::NotTrained)?;
        let (seqs, len) = (steps.seqs, steps.seqs.len);
        let loss_of = |batch: &[usize]| -> candle_core::Result<Tensor> {
            let x = Tensor::from_vec(seqs.gather(batch), (batch.len(), len, seqs.dim), device)?;
            let mut t = Vec::with_capacity(batch.len() * len);
            let mut wts = Vec::with_capacity(batch.len() * len);
            for &w in batch {
                for s in 0..len {
                    let y = steps.at(w, s);
                    t.push(f32::from(y.is_fraud()));
                    wts.push(match y {
                        Label::Fraud => positive_weight,
                        Label::Legit => 1.0,
                        Label::Unknown => 0.0,
                    });
                }
            }
            let t = Tensor::from_vec(t, (batch.len(), len), device)?;
            let wts = Tensor::from_vec(wts, (batch.len(), len), device)?;
            weighted_bce(&net.forward(&x)?, &t, &wts)
        };
        fit(&self.varmap, &params, &train, &val, &loss_of, progress)
    }

    /// The thresholds from the training users' own scores.
    fn fit_thresholds(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        train_events: &[usize],
        targets: &[Label],
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let scores = self.score(data, progress)?;
        let user_labels: Vec<Label> = (0..data.users())
            .map(|u| {
                if options.train_users[u] {
                    data.labels.user[u]
                } else {
                    Label::Unknown
                }
            })
            .collect();
        let event_labels: Vec<Label> = train_events.iter().map(|&e| targets[e]).collect();
        let event_scores: Vec<f32> = train_events.iter().map(|&e| scores.event[e]).collect();
        if let Some(l) = &mut self.learned {
            l.user_thresholds = fit_thresholds(&scores.user, &user_labels);
            l.event_thresholds = fit_thresholds(&event_scores, &event_labels);
        }
        Ok(())
    }
}

impl Detector for SequenceDetector {
    fn kind(&self) -> DetectorKind {
        self.kind
    }

    fn fit(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let name = self.kind.name();
        if data.events.rows.is_some() {
            return Err(DetectError::NeedsEveryEvent { detector: name });
        }
        let train_events: Vec<usize> = (0..data.log.len())
            .filter(|&e| options.learns_from_event(data, e))
            .collect();
        let mut learned = Learned::new(data, options, &train_events);
        let seqs = self.sequences(data, &learned);
        let targets = options.event_targets(data);
        let steps = StepTargets {
            seqs: &seqs,
            targets: &targets,
        };
        let windows = steps.training_windows(name, options)?;
        learned.curve = self.train_net(&steps, &windows, learned.in_dim, options, progress)?;
        self.learned = Some(learned);
        self.fit_thresholds(data, options, &train_events, &targets, progress)
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let seqs = self.sequences(data, learned);
        let p = self.step_scores(&seqs, progress)?;
        let mut scores = Scores {
            user: vec![0.0; data.users()],
            event: vec![0.0; data.log.len()],
        };
        for (i, &e) in seqs.events.iter().enumerate() {
            if e != u32::MAX {
                scores.event[e as usize] = p[i];
                let u = seqs.window_user[i / seqs.len].index();
                scores.user[u] = scores.user[u].max(p[i]);
            }
        }
        Ok(scores)
    }

    fn account_scaler(&self) -> Option<&Scaler> {
        self.learned.as_ref().map(|l| &l.account_scaler)
    }

    /// Each account as the network reads it: the mean of its GRU states over its events
    /// (zeros for an account without events).
    fn account_embedding(
        &self,
        data: &Dataset,
        progress: &dyn Progress,
    ) -> Result<Option<Matrix>, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let seqs = self.sequences(data, learned);
        let states = self.over_windows(&seqs, Stage::ReadingAccounts, progress, |net, x| {
            net.states(x)
        })?;
        let width = if seqs.events.is_empty() {
            0
        } else {
            states.len() / seqs.events.len()
        };
        let mut means = GroupMeans::new(data.users(), width);
        for (i, &e) in seqs.events.iter().enumerate() {
            if e != u32::MAX {
                let u = seqs.window_user[i / seqs.len].index();
                means.add(u, &states[i * width..(i + 1) * width]);
            }
        }
        Ok(Some(means.means()))
    }

    fn event_scaler(&self) -> Option<&Scaler> {
        self.learned.as_ref().map(|l| &l.event_scaler)
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        match (&self.learned, level) {
            (Some(l), Level::User) => l.user_thresholds,
            (Some(l), Level::Event) => l.event_thresholds,
            (None, _) => SUPERVISED_DEFAULT_THRESHOLDS,
        }
    }

    fn set_thresholds(&mut self, level: Level, thresholds: Thresholds) {
        if let Some(l) = self.learned.as_mut() {
            match level {
                Level::User => l.user_thresholds = thresholds,
                Level::Event => l.event_thresholds = thresholds,
            }
        }
    }

    fn training_curve(&self) -> TrainingCurve {
        self.learned
            .as_ref()
            .map(|l| l.curve.clone())
            .unwrap_or_default()
    }

    fn state(&self) -> Result<State, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        Ok(State {
            params: params_to_json(learned)?,
            arrays: vars_to_arrays(&self.varmap, "")?,
        })
    }
}
