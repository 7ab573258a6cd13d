//! The behaviour detector: a Transformer that learns what normal behaviour looks like from
//! every event, labelled or not, by predicting each event's fields from the account's events
//! before it (next-event prediction). What it makes of each event (its surprise, and how
//! predictable its pass was) becomes scores in `scoring.rs`. The encoder never reads a label;
//! given labels, the ensemble's heads learn from them with its readings offered
//! (`supervised.rs`).

use candle_core::{DType, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::net::{BehaviourNet, Classes};
use super::scoring::{EventSurprise, ScoreScale, chunk_surprise};
use crate::detect::ensemble::{Ensemble, learns_labels};
use crate::detect::holdout::{cap_keeping_positives, split_validation};
use crate::detect::neural::compute_device;
use crate::detect::neural::tabular::{arrays_to_vars, vars_to_arrays};
use crate::detect::neural::train::{LoopParams, fit, init_seeded};
use crate::detect::state::{State, params_from_json, params_to_json};
use crate::detect::{
    DetectError, Detector, DetectorKind, Graded, Level, LevelThresholds, NextEventOutlook, Reason,
    Scores, Selection, SelfSupervision, Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{
    Dataset, LogTokens, Matrix, Pass, Scaler, TokenBatch, TokenVocab, passes_of, same_padding,
};
use crate::log::{EventLog, UserCode, UserIndex};
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
    /// The heads' parameters, in a saved model whose heads learnt from labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heads: Option<Box<serde_json::value::RawValue>>,
}

pub struct BehaviourDetector {
    pub(super) learned: Option<Learned>,
    varmap: VarMap,
    pub(super) net: Option<BehaviourNet>,
    /// The ensemble's heads that learnt from labels with the encoder's readings offered.
    pub(super) heads: Option<Box<Ensemble>>,
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
            heads: None,
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
        let mut learned: Learned = params_from_json(&state.params)?;
        let mut d = Self::new();
        d.build_net(&learned.vocab)?;
        arrays_to_vars(&d.varmap, &state.arrays, prefix)?;
        if let Some(heads) = learned.heads.take() {
            d.restore_heads(&heads, &state.arrays)?;
        }
        d.learned = Some(learned);
        Ok(d)
    }

    /// A hash of the encoder's weights: which encoder read a log (`read.rs`).
    pub(super) fn encoder_hash(&self) -> Result<u64, DetectError> {
        let mut arrays = vars_to_arrays(&self.varmap, "")?;
        arrays.sort_by(|a, b| a.name.cmp(&b.name));
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for a in &arrays {
            h.update(a.name.as_bytes());
            for v in &a.data {
                h.update(&v.to_le_bytes());
            }
        }
        Ok(h.digest())
    }

    /// The heads, at a level where they learnt from labels.
    pub(super) fn heads_at(&self, level: Level) -> Option<&Ensemble> {
        self.heads.as_deref().filter(|h| h.learnt_labels(level))
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
        per_batch: impl FnMut(&BehaviourNet, &TokenBatch) -> Result<(), DetectError>,
    ) -> Result<(), DetectError> {
        let (log, index) = (&data.log, &data.index);
        self.over_log_batches(log, index, vocab, passes, stage, progress, per_batch)
    }

    /// `over_batches`, over any log and its accounts' index.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn over_log_batches(
        &self,
        log: &EventLog,
        index: &UserIndex,
        vocab: &TokenVocab,
        passes: &[Pass],
        stage: Stage,
        progress: &dyn Progress,
        mut per_batch: impl FnMut(&BehaviourNet, &TokenBatch) -> Result<(), DetectError>,
    ) -> Result<(), DetectError> {
        let net = self.net.as_ref().ok_or(DetectError::NotTrained)?;
        let tokens = LogTokens::new(vocab, log);
        // Passes of one padded length per batch (`same_padding`): `passes` come sorted by
        // length.
        let chunks: Vec<&[Pass]> = passes
            .chunk_by(same_padding)
            .flat_map(|like| like.chunks(SCORE_PASSES))
            .collect();
        let batches = chunks.len() as u64;
        for (b, chunk) in chunks.into_iter().enumerate() {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            progress.report(stage, b as u64, Some(batches));
            per_batch(net, &TokenBatch::gather(&tokens, index, chunk))?;
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
pub(super) fn passes_by_length(data: &Dataset) -> Vec<Pass> {
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
        let with_labels = learns_labels(data, options);
        let read = self.read_all(data, &vocab, with_labels, progress)?;
        self.learned = Some(Learned {
            scale: ScoreScale::fit(data, &read.surprise, &learnable, &options.train_users),
            vocab,
            thresholds: LevelThresholds::UNSUPERVISED,
            curve,
            learnt,
            heads: None,
        });
        self.fit_heads(data, options, (&read, false), progress)
    }

    /// The heads fitted anew on `data`'s labels, on the encoder as it is.
    fn refit_labels(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<bool, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let read = self.read_all(data, &learned.vocab, true, progress)?;
        self.fit_heads(data, options, (&read, true), progress)?;
        Ok(true)
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        self.scores(data, i64::MIN, progress)
    }

    /// Reads only the passes that score an event from `from_ms` on.
    fn score_from(
        &self,
        data: &Dataset,
        from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Scores, DetectError> {
        self.scores(data, from_ms, progress)
    }

    /// The heads' accounts refitted without their labels, where the heads learnt from them.
    fn out_of_fold(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        self.heads_out_of_fold(data, options, progress)
    }

    fn selection(&self, level: Level) -> Option<&Selection> {
        self.heads_at(level)?.selection(level)
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
        let read = self.read_all(data, &learned.vocab, true, progress)?;
        Ok(read.account_means(data))
    }

    fn next_event_outlook(
        &self,
        log: &EventLog,
        asked: &[(UserCode, i64)],
        progress: &dyn Progress,
    ) -> Result<Option<NextEventOutlook>, DetectError> {
        self.expect_next_events(log, asked, progress).map(Some)
    }

    fn self_supervision(&self) -> Option<&SelfSupervision> {
        self.learned.as_ref().map(|l| &l.learnt)
    }

    /// The fields of the event the model least expected given the account's past.
    fn explain_event(&self, data: &Dataset, e: usize) -> Vec<Reason> {
        self.explain_events(data, &[e]).pop().unwrap_or_default()
    }

    /// What the model least expected of each event, then, where the heads learnt from
    /// labels, the event features they read that stand out most.
    fn explain_events(&self, data: &Dataset, events: &[usize]) -> Vec<Vec<Reason>> {
        let mut own = self
            .event_reasons(data, events)
            .unwrap_or_else(|_| vec![Vec::new(); events.len()]);
        if let Some(heads) = self.heads_at(Level::Event) {
            for (reasons, features) in own.iter_mut().zip(heads.explain_events(data, events)) {
                reasons.extend(features);
            }
        }
        own
    }

    /// What the model least expected of the account's most surprising event.
    fn explain(&self, data: &Dataset, u: UserCode) -> Vec<Reason> {
        self.explain_accounts(data, &[u]).pop().unwrap_or_default()
    }

    /// What the model least expected of each account's most surprising event, then, where
    /// the heads learnt from labels, the account features that stand out most.
    fn explain_accounts(&self, data: &Dataset, users: &[UserCode]) -> Vec<Vec<Reason>> {
        let mut own = self
            .account_reasons(data, users)
            .unwrap_or_else(|_| vec![Vec::new(); users.len()]);
        if let Some(heads) = self.heads_at(Level::User) {
            for (reasons, features) in own.iter_mut().zip(heads.explain_accounts(data, users)) {
                reasons.extend(features);
            }
        }
        own
    }

    fn event_scaler(&self) -> Option<&Scaler> {
        None
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        if let Some(heads) = self.heads_at(level) {
            return heads.thresholds(level);
        }
        let kept = self.learned.as_ref().map(|l| &l.thresholds);
        kept.unwrap_or(&LevelThresholds::UNSUPERVISED).at(level)
    }

    fn set_thresholds(&mut self, level: Level, thresholds: Thresholds) {
        if let Some(heads) = self.heads.as_mut().filter(|h| h.learnt_labels(level)) {
            heads.set_thresholds(level, thresholds);
        } else if let Some(l) = self.learned.as_mut() {
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
        let mut learned = self.learned.clone().ok_or(DetectError::NotTrained)?;
        let mut arrays = vars_to_arrays(&self.varmap, "")?;
        if let Some((params, weights)) = self.heads_state()? {
            learned.heads = Some(params);
            arrays.extend(weights);
        }
        Ok(State {
            params: params_to_json(&learned)?,
            arrays,
        })
    }
}
