//! The behaviour detector: a Transformer that learns what normal behaviour looks like from
//! every event, labelled or not, by predicting each event's fields from the account's events
//! before it (next-event prediction). What it makes of each event (its surprise, and how
//! predictable its pass was) becomes scores in `scoring.rs`. Labels are never read.

use candle_core::{DType, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::net::{BehaviourNet, Classes, WIDTH};
use super::scoring::{EventSurprise, ScoreScale, chunk_surprise, no_surprise};
use crate::detect::holdout::{cap_keeping_positives, split_validation};
use crate::detect::neural::compute_device;
use crate::detect::neural::tabular::{arrays_to_vars, vars_to_arrays};
use crate::detect::neural::train::{LoopParams, fit, init_seeded};
use crate::detect::state::{State, params_from_json, params_to_json};
use crate::detect::{
    DetectError, Detector, DetectorKind, Level, LevelThresholds, Reason, Scores, SelfSupervision,
    Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{
    Dataset, GroupMeans, LogTokens, Matrix, Pass, Scaler, TokenBatch, TokenVocab, passes_of,
};
use crate::log::UserCode;
use crate::progress::{Progress, Stage};

pub(super) const NAME: &str = "behaviour";
/// Pretraining reads at most this many passes (a sample of the log's).
const MAX_TRAIN_PASSES: usize = 20_000;
/// Passes per gradient step.
const BATCH_PASSES: usize = 256;
/// Passes per scoring batch, sorted by length so that a batch pads little.
const SCORE_PASSES: usize = 512;
const LEARNING_RATE: f64 = 4e-3;
/// Epochs when none are given: about this many passes read in all, within `EPOCHS`.
const PASSES_SEEN: usize = 120_000;
const EPOCHS: std::ops::RangeInclusive<usize> = 3..=30;
const PATIENCE_EPOCHS: usize = 2;
/// The share of training passes held out to stop pretraining early.
const VALIDATION_SHARE: f64 = 0.1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct Learned {
    pub(super) vocab: TokenVocab,
    pub(super) scale: ScoreScale,
    thresholds: LevelThresholds,
    curve: TrainingCurve,
    learnt: SelfSupervision,
}

pub struct BehaviourDetector {
    pub(super) learned: Option<Learned>,
    varmap: VarMap,
    pub(super) net: Option<BehaviourNet>,
}

impl Default for BehaviourDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl BehaviourDetector {
    pub fn new() -> Self {
        Self {
            learned: None,
            varmap: VarMap::new(),
            net: None,
        }
    }

    fn build_net(&mut self, vocab: &TokenVocab) -> Result<(), DetectError> {
        self.varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&self.varmap, DType::F32, compute_device());
        let classes = Classes {
            types: vocab.type_classes(),
            amounts: vocab.amount_classes(),
            roles: vocab.roles.len(),
        };
        self.net = Some(BehaviourNet::new(classes, vb)?);
        Ok(())
    }

    pub fn from_state(state: &State, prefix: &str) -> Result<Self, DetectError> {
        let learned: Learned = params_from_json(&state.params)?;
        let mut d = Self::new();
        d.build_net(&learned.vocab)?;
        arrays_to_vars(&d.varmap, &state.arrays, prefix)?;
        d.learned = Some(learned);
        Ok(d)
    }

    /// What the model made of every event (`EventSurprise::NONE` for one without an
    /// account).
    fn surprise(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        progress: &dyn Progress,
    ) -> Result<Vec<EventSurprise>, DetectError> {
        let passes = passes_by_length(data);
        let mut out = no_surprise(data);
        self.each_surprise(data, vocab, &passes, progress, |e, s| out[e] = s)?;
        Ok(out)
    }

    /// What the model made of every event `passes` score, handed to `put` with its index.
    pub(super) fn each_surprise(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        passes: &[Pass],
        progress: &dyn Progress,
        mut put: impl FnMut(usize, EventSurprise),
    ) -> Result<(), DetectError> {
        let stage = Stage::Scoring;
        self.over_batches(data, vocab, passes, stage, progress, |net, batch| {
            let surprise = net
                .surprise(batch, compute_device())?
                .sum(1)?
                .to_vec1::<f32>()?;
            chunk_surprise(batch, &surprise, &mut put);
            Ok(())
        })
    }

    /// Runs `per_batch` on `passes`, a batch at a time, with a cancel check before each.
    pub(super) fn over_batches(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        passes: &[Pass],
        stage: Stage,
        progress: &dyn Progress,
        mut per_batch: impl FnMut(&BehaviourNet, &TokenBatch) -> Result<(), DetectError>,
    ) -> Result<(), DetectError> {
        let net = self.net.as_ref().ok_or(DetectError::NotTrained)?;
        let tokens = LogTokens::new(vocab, &data.log);
        let batches = passes.len().div_ceil(SCORE_PASSES) as u64;
        for (b, chunk) in passes.chunks(SCORE_PASSES).enumerate() {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            progress.report(stage, b as u64, Some(batches));
            per_batch(net, &TokenBatch::gather(&tokens, &data.index, chunk))?;
        }
        Ok(())
    }

    /// Pretrains the network on the passes whose scored events are all learnable; returns
    /// the loss curve and what it learnt, graded on the held-out passes.
    fn pretrain(
        &mut self,
        data: &Dataset,
        vocab: &TokenVocab,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(TrainingCurve, SelfSupervision), DetectError> {
        let passes = passes_of(&data.log, &data.index);
        let learnable = |p: &Pass| {
            let events = &data.index.events(p.user)[p.target as usize..p.end as usize];
            events
                .iter()
                .all(|&e| options.learns_from_event(data, e as usize))
        };
        let rows: Vec<usize> = (0..passes.len())
            .filter(|&i| learnable(&passes[i]))
            .collect();
        if rows.is_empty() {
            return Err(DetectError::NoEvents { detector: NAME });
        }
        let scored: usize = rows.iter().map(|&i| passes[i].scored()).sum();
        let with_history: usize = rows.iter().map(|&i| passes[i].scored_after_others()).sum();
        let with_history = with_history as f64 / scored.max(1) as f64;
        let rows = cap_keeping_positives(rows, |_| false, MAX_TRAIN_PASSES, options.seed);
        let (train, val) = split_validation(&rows, |_| false, VALIDATION_SHARE, options.seed);
        self.build_net(vocab)?;
        init_seeded(&self.varmap, options.seed)?;
        let net = self.net.as_ref().ok_or(DetectError::NotTrained)?;
        let tokens = LogTokens::new(vocab, &data.log);
        let loss_of = |batch: &[usize]| -> candle_core::Result<Tensor> {
            let picked: Vec<Pass> = batch.iter().map(|&i| passes[i]).collect();
            let batch = TokenBatch::gather(&tokens, &data.index, &picked);
            net.surprise(&batch, compute_device())?.sum(1)?.mean(0)
        };
        let params = LoopParams {
            epochs: if options.epochs > 0 {
                options.epochs
            } else {
                (PASSES_SEEN / train.len().max(1)).clamp(*EPOCHS.start(), *EPOCHS.end())
            },
            batch: BATCH_PASSES,
            learning_rate: LEARNING_RATE,
            patience: PATIENCE_EPOCHS,
            seed: options.seed,
            stage: Stage::Training(NAME),
        };
        let curve = fit(&self.varmap, &params, &train, &val, &loss_of, progress)?;
        let graded = if val.is_empty() { &train } else { &val };
        let picked: Vec<Pass> = graded.iter().map(|&i| passes[i]).collect();
        let learnt = SelfSupervision {
            with_history,
            ..self.grade_next_types(data, vocab, &picked)?
        };
        Ok((curve, learnt))
    }
}

/// Every pass of `data`, shortest first: a batch of passes of like length pads little.
fn passes_by_length(data: &Dataset) -> Vec<Pass> {
    let mut passes = passes_of(&data.log, &data.index);
    passes.sort_by_key(Pass::tokens);
    passes
}

impl Detector for BehaviourDetector {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Behaviour
    }

    fn fit(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let learnable: Vec<usize> = (0..data.log.len())
            .filter(|&e| options.learns_from_event(data, e))
            .collect();
        if learnable.is_empty() {
            return Err(DetectError::NoEvents { detector: NAME });
        }
        let vocab = TokenVocab::learn(&data.log, &learnable);
        if vocab.types.is_empty() {
            return Err(DetectError::NoEventTypes { detector: NAME });
        }
        let (curve, learnt) = self.pretrain(data, &vocab, options, progress)?;
        let surprise = self.surprise(data, &vocab, progress)?;
        self.learned = Some(Learned {
            scale: ScoreScale::fit(data, &surprise, &learnable, &options.train_users),
            vocab,
            thresholds: LevelThresholds::UNSUPERVISED,
            curve,
            learnt,
        });
        Ok(())
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let surprise = self.surprise(data, &learned.vocab, progress)?;
        Ok(learned.scale.scores(data, &surprise))
    }

    fn account_scaler(&self) -> Option<&Scaler> {
        None
    }

    /// Each account as the model reads it: the mean of its events' readings (zeros for an
    /// account without events).
    fn account_embedding(
        &self,
        data: &Dataset,
        progress: &dyn Progress,
    ) -> Result<Option<Matrix>, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let passes = passes_by_length(data);
        let mut means = GroupMeans::new(data.users(), WIDTH);
        let stage = Stage::ReadingAccounts;
        self.over_batches(
            data,
            &learned.vocab,
            &passes,
            stage,
            progress,
            |net, batch| {
                let readings = net.readings(batch, compute_device())?.to_vec2::<f32>()?;
                let p = &batch.predicted;
                for (i, reading) in readings.into_iter().enumerate() {
                    let e = p.event[i] as usize;
                    if let Some(u) = data.log.user_of(e).filter(|_| p.in_chunk[i]) {
                        means.add(u.index(), &reading);
                    }
                }
                Ok(())
            },
        )?;
        Ok(Some(means.means()))
    }

    fn self_supervision(&self) -> Option<&SelfSupervision> {
        self.learned.as_ref().map(|l| &l.learnt)
    }

    /// The fields of the event the model least expected given the account's past.
    fn explain_event(&self, data: &Dataset, e: usize) -> Vec<Reason> {
        self.explain_events(data, &[e]).pop().unwrap_or_default()
    }

    fn explain_events(&self, data: &Dataset, events: &[usize]) -> Vec<Vec<Reason>> {
        self.event_reasons(data, events)
            .unwrap_or_else(|_| vec![Vec::new(); events.len()])
    }

    /// What the model least expected of the account's most surprising event.
    fn explain(&self, data: &Dataset, u: UserCode) -> Vec<Reason> {
        self.explain_accounts(data, &[u]).pop().unwrap_or_default()
    }

    fn explain_accounts(&self, data: &Dataset, users: &[UserCode]) -> Vec<Vec<Reason>> {
        self.account_reasons(data, users)
            .unwrap_or_else(|_| vec![Vec::new(); users.len()])
    }

    fn event_scaler(&self) -> Option<&Scaler> {
        None
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        let kept = self.learned.as_ref().map(|l| &l.thresholds);
        kept.unwrap_or(&LevelThresholds::UNSUPERVISED).at(level)
    }

    fn set_thresholds(&mut self, level: Level, thresholds: Thresholds) {
        if let Some(l) = self.learned.as_mut() {
            l.thresholds.set(level, thresholds);
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
