//! What every detector is: its kind, what it is trained on, what it returns (scores in [0, 1]
//! and the thresholds that turn them into risk levels) and how it explains itself.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::DetectError;
use super::event_reasons::event_reasons;
use super::graded::Graded;
use super::outlook::NextEventOutlook;
use super::reasons::{Reason, reasons_for};
use super::segment_distance::SegmentDistance;
use super::selection::Selection;
use super::self_supervision::SelfSupervision;
use super::state::State;
use crate::features::{Dataset, Matrix, Scaler, behaviour_context_from, sequence_context_from};
use crate::log::{EventLog, Label, UserCode};
use crate::progress::Progress;
use crate::risk::Thresholds;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectorKind {
    Zscore,
    Iforest,
    Autoencoder,
    Gbdt,
    Mlp,
    Gru,
    CnnGru,
    Behaviour,
    Ensemble,
}

impl DetectorKind {
    pub const ALL: [DetectorKind; 9] = [
        Self::Zscore,
        Self::Iforest,
        Self::Autoencoder,
        Self::Gbdt,
        Self::Mlp,
        Self::Gru,
        Self::CnnGru,
        Self::Behaviour,
        Self::Ensemble,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Zscore => "zscore",
            Self::Iforest => "iforest",
            Self::Autoencoder => "autoencoder",
            Self::Gbdt => "gbdt",
            Self::Mlp => "mlp",
            Self::Gru => "gru",
            Self::CnnGru => "cnn_gru",
            Self::Behaviour => "behaviour",
            Self::Ensemble => "ensemble",
        }
    }

    /// Whether the detector reads each account's events as sequences (a window per run of a
    /// day's events) rather than one event's features at a time.
    pub fn reads_sequences(self) -> bool {
        matches!(self, Self::Gru | Self::CnnGru)
    }

    /// Whether the detector reads each account's earlier events themselves, not only the
    /// features they leave: the sequence models and the behaviour model.
    pub fn reads_account_events(self) -> bool {
        self.reads_sequences() || self == Self::Behaviour
    }

    /// Where the scored part of a log must begin for its events from `from_ms` on to score as
    /// in the whole log (the features' look-back before it is read as history): there, for
    /// most detectors; at the start of that day for the sequence ones, whose windows begin
    /// with the day; a week before the start of that seven-day period for the behaviour
    /// model, whose passes chunk each period. Every detector's event score reads a bounded
    /// past.
    pub fn event_context_from(self, from_ms: i64) -> i64 {
        match self {
            Self::Behaviour => behaviour_context_from(from_ms),
            _ if self.reads_sequences() => sequence_context_from(from_ms),
            _ => from_ms,
        }
    }

    /// Whether account scores come from account features alone, so that scoring accounts
    /// keeps no event's features. A model of account events scores an account by its events.
    pub fn scores_accounts_from_account_features(self) -> bool {
        !self.reads_account_events()
    }

    /// Whether training may keep the features of a sample of events only (every event still
    /// read as history). A model of account events needs every event of their days.
    pub fn learns_from_an_event_sample(self) -> bool {
        !self.reads_account_events()
    }

    /// Whether the detector learns from labels when it has them: the supervised ones, and
    /// the heads of the ensemble and of the behaviour model.
    pub fn learns_from_labels(self) -> bool {
        self.is_supervised() || matches!(self, Self::Ensemble | Self::Behaviour)
    }

    /// Whether part of the model is pretrained without labels, once per log, and kept when a
    /// retrain learns new labels (`Detector::refit_labels`): the behaviour model's encoder.
    pub fn pretrains(self) -> bool {
        self == Self::Behaviour
    }

    /// Whether the detector needs labels to learn at all.
    pub fn is_supervised(self) -> bool {
        matches!(self, Self::Gbdt | Self::Mlp | Self::Gru | Self::CnnGru)
    }
}

impl std::fmt::Display for DetectorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DetectorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown detector '{s}'; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Which rows a detector may learn from, and how.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub seed: u64,
    /// 0 means the detector's default.
    pub epochs: usize,
    /// Per user code: may the detector learn from this user (their events and label)?
    pub train_users: Vec<bool>,
    /// Learn from no event at or after this time (its features are scored, not learnt from).
    pub event_cutoff_ms: Option<i64>,
    /// How many candidate models a supervised model's search over time grows (1: no search).
    pub search_budget: usize,
    /// How many of the log's events each event of the dataset other than fraud stands for:
    /// more than 1 when the dataset holds a training sample (every fraud event, a share of the
    /// rest), so that the search grades candidates as the whole log would.
    pub sample_weight: f64,
}

impl TrainOptions {
    pub fn all_users(data: &Dataset, seed: u64) -> Self {
        Self {
            seed,
            epochs: 0,
            train_users: vec![true; data.users()],
            event_cutoff_ms: None,
            search_budget: super::selection::DEFAULT_SEARCH_BUDGET,
            sample_weight: 1.0,
        }
    }

    /// Whether event `e` of `data` is one the detector may learn from.
    pub fn learns_from_event(&self, data: &Dataset, e: usize) -> bool {
        data.log
            .user_of(e)
            .is_some_and(|u| self.train_users.get(u.index()) == Some(&true))
            && self
                .event_cutoff_ms
                .is_none_or(|cut| data.log.columns.ts_ms[e] < cut)
    }

    /// Every event's training target: its label where known and learnable, else unknown
    /// (which teaches nothing: an unknown label is never taken as legit).
    pub fn event_targets(&self, data: &Dataset) -> Vec<Label> {
        let mut targets = data.labels.event_targets(&data.log);
        for (e, t) in targets.iter_mut().enumerate() {
            if !self.learns_from_event(data, e) {
                *t = Label::Unknown;
            }
        }
        targets
    }
}

/// What is scored: accounts or single events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    User,
    Event,
}

/// Scores of one dataset: per user code and per event, each in [0, 1].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scores {
    pub user: Vec<f32>,
    pub event: Vec<f32>,
}

/// A loss value per epoch, for the model panel's training curve.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingCurve {
    pub train_loss: Vec<f32>,
    pub validation_loss: Vec<f32>,
}

pub trait Detector: Send + Sync {
    fn kind(&self) -> DetectorKind;

    /// Learns from the users `options.train_users` allows, using their labels where the
    /// detector is supervised (labels are optional for the unsupervised ones).
    fn fit(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(), DetectError>;

    /// Learns `data`'s labels again, keeping as it is the part of the model that never reads
    /// one (`DetectorKind::pretrains`); `false`, doing nothing, for a detector without such a
    /// part, which must be fitted anew.
    fn refit_labels(
        &mut self,
        _data: &Dataset,
        _options: &TrainOptions,
        _progress: &dyn Progress,
    ) -> Result<bool, DetectError> {
        Ok(false)
    }

    /// Scores every user and every event of `data`.
    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError>;

    /// `score`, where only the scores of the events from `from_ms` on are asked for: the
    /// earlier ones are context (a block's look-back, `DetectorKind::event_context_from`),
    /// which a detector may leave unscored or score from less than it would. Account scores
    /// are then not for use either. By default every event is scored.
    fn score_from(
        &self,
        data: &Dataset,
        _from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Scores, DetectError> {
        self.score(data, progress)
    }

    /// The account-feature statistics of the training users, which reasons compare against.
    fn account_scaler(&self) -> Option<&Scaler>;

    /// Each account as a vector of the network's own reading of its events (one row per
    /// user), for detectors that have one (the sequence models); `None` for the others.
    fn account_embedding(
        &self,
        _data: &Dataset,
        _progress: &dyn Progress,
    ) -> Result<Option<Matrix>, DetectError> {
        Ok(None)
    }

    /// What the model expects of each asked account's next event after its cut-off, read
    /// from its events of `log` before it (`predict` reads it beside its own features), for a
    /// model with a next-event head (the behaviour model); `None` for the others.
    fn next_event_outlook(
        &self,
        _log: &EventLog,
        _asked: &[(UserCode, i64)],
        _progress: &dyn Progress,
    ) -> Result<Option<NextEventOutlook>, DetectError> {
        Ok(None)
    }

    /// The segments of the training accounts, in the space `account_scaler` scales to, when
    /// the detector reads each account's distance from its segment.
    fn account_segments(&self) -> Option<&SegmentDistance> {
        None
    }

    /// Each labelled training account scored by a model that did not learn its label, from
    /// a detector trained on `data` with `options`: what the window's figures are graded on.
    /// Detectors that cannot refit cheaply say their figures are in sample.
    fn out_of_fold(
        &self,
        _data: &Dataset,
        _options: &TrainOptions,
        _progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        Ok(Graded::before_folding(self.kind().learns_from_labels()))
    }

    /// What the search over time chose for the level's boosted trees, where it has them.
    fn selection(&self, _level: Level) -> Option<&Selection> {
        None
    }

    /// What a model that learns without labels learnt, graded on passes it did not train on
    /// (the behaviour model); `None` for the others.
    fn self_supervision(&self) -> Option<&SelfSupervision> {
        None
    }

    /// The event-feature statistics of the training events, which event reasons compare
    /// against.
    fn event_scaler(&self) -> Option<&Scaler>;

    fn thresholds(&self, level: Level) -> Thresholds;

    /// Puts the level's thresholds in place of the ones training chose (a team's own, such as
    /// those for its review capacity); they are kept with the model.
    fn set_thresholds(&mut self, level: Level, thresholds: Thresholds);

    fn training_curve(&self) -> TrainingCurve {
        TrainingCurve::default()
    }

    /// The detector's learned state: JSON parameters and named f32 arrays (weights).
    fn state(&self) -> Result<State, DetectError>;

    /// Top reasons for event `e`'s score, in words.
    fn explain_event(&self, data: &Dataset, e: usize) -> Vec<Reason> {
        match self.event_scaler() {
            Some(scaler) => event_reasons(data, scaler, e, 3),
            None => Vec::new(),
        }
    }

    /// The reasons of each of `events` (what `explain_event` says of each), worked out
    /// together where that is cheaper (a network reads their passes in batches).
    fn explain_events(&self, data: &Dataset, events: &[usize]) -> Vec<Vec<Reason>> {
        events
            .iter()
            .map(|&e| self.explain_event(data, e))
            .collect()
    }

    /// The reasons of each of `users` (what `explain` says of each), worked out together
    /// where that is cheaper.
    fn explain_accounts(&self, data: &Dataset, users: &[UserCode]) -> Vec<Vec<Reason>> {
        users.iter().map(|&u| self.explain(data, u)).collect()
    }

    /// Top reasons for user `u`'s score, in words: the features furthest from the population,
    /// and the distance from the account's segment when that is beyond its normal range. The
    /// latter is said beside the features, not instead of one: an account unusual for its
    /// peers is evidence of another kind, and single features a few spreads out would always
    /// outrank it.
    fn explain(&self, data: &Dataset, u: UserCode) -> Vec<Reason> {
        let Some(scaler) = self.account_scaler() else {
            return Vec::new();
        };
        let row = data.account.values.row(u.index());
        let mut reasons = reasons_for(&data.account.specs, scaler, row, 3);
        let one_row = Matrix {
            rows: 1,
            cols: row.len(),
            data: row.to_vec(),
        };
        if let Some(r) = self
            .account_segments()
            .and_then(|s| s.reason(scaler.transform(&one_row).row(0)))
        {
            reasons.push(r);
            reasons.sort_by(|a, b| b.deviation.abs().total_cmp(&a.deviation.abs()));
        }
        reasons
    }
}
