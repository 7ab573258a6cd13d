//! The default detector. Without labels it is the unsupervised detectors' consensus (the mean
//! of their calibrated scores, calibrated again). With labels it is semi-supervised:
//! boosted trees that read the features plus the unsupervised scores, so a few dozen labels are enough to
//! learn which kinds of "unusual" are fraud.

use serde::{Deserialize, Serialize};

use super::calibrate::{Calibration, UNSUPERVISED_THRESHOLDS};
use super::segment_distance::SegmentDistance;
use super::state::{State, params_from_json, params_to_json};
use super::tabular::{LevelModel, TabularDetector, blocks, event_rows, user_rows};
use super::{
    DetectError, Detector, DetectorKind, Level, Scores, Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{Dataset, Matrix, Scaler};
use crate::log::Label;
use crate::progress::Progress;

/// The unsupervised members. Not the autoencoder: it rebuilds its own training rows better
/// than new ones, so its scores shift between training and scoring, and a head trained on them
/// learns the wrong cut (it cost 0.007 ROC-AUC on the fraud_ecommerce test users).
const BASES: [DetectorKind; 2] = [DetectorKind::Zscore, DetectorKind::Iforest];
/// Fewer labelled users than this and the head is not trained: consensus only.
const MIN_LABELS: usize = 10;

#[derive(Serialize, Deserialize)]
enum Head {
    /// Mean of the base scores, calibrated.
    Consensus {
        calibration: Calibration,
    },
    Supervised(Box<LevelModel>),
}

/// The ensemble's parameters: each base's own, and the heads.
#[derive(Serialize, Deserialize)]
struct Parts {
    bases: Vec<Box<serde_json::value::RawValue>>,
    heads: Box<serde_json::value::RawValue>,
}

#[derive(Serialize, Deserialize)]
struct Heads {
    user: Head,
    event: Head,
}

pub struct Ensemble {
    bases: Vec<TabularDetector>,
    heads: Option<Heads>,
}

impl Ensemble {
    pub fn new() -> Self {
        Self {
            bases: BASES.iter().map(|&k| TabularDetector::new(k)).collect(),
            heads: None,
        }
    }

    pub fn from_state(state: &State) -> Result<Self, DetectError> {
        let parts: Parts = params_from_json(&state.params)?;
        let mut bases = Vec::new();
        for (i, &kind) in BASES.iter().enumerate() {
            let params = parts
                .bases
                .get(i)
                .ok_or_else(|| DetectError::Model {
                    path: "meta.json".into(),
                    detail: format!("the ensemble has no base {i}"),
                })?
                .to_owned();
            let base_state = State {
                params,
                arrays: state.arrays.clone(),
            };
            bases.push(TabularDetector::from_state(
                kind,
                &base_state,
                &format!("base{i}."),
            )?);
        }
        let mut heads: Heads = params_from_json(&parts.heads)?;
        if let Head::Supervised(m) = &mut heads.user {
            m.restore(&state.arrays, "head.user.")?;
        }
        if let Head::Supervised(m) = &mut heads.event {
            m.restore(&state.arrays, "head.event.")?;
        }
        Ok(Self {
            bases,
            heads: Some(heads),
        })
    }

    /// The bases' scores of the rows of `block`, one column per base.
    fn base_block(&self, level: Level, block: &Matrix) -> Result<Matrix, DetectError> {
        let columns = self
            .bases
            .iter()
            .map(|b| b.level(level)?.score_block(block))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Matrix::from_columns(&columns))
    }

    /// The head of one level, fitted on its training rows: their features plus the bases'
    /// scores of them (one column per base).
    fn fit_level(
        x: &Matrix,
        level: Level,
        (rows, y): &(Vec<usize>, Vec<Label>),
        base: Vec<Vec<f32>>,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Head, DetectError> {
        let base = Matrix::from_columns(&base);
        let y: Vec<Label> = rows.iter().map(|&r| y[r]).collect();
        let labelled = y.iter().filter(|l| l.is_known()).count();
        if labelled >= MIN_LABELS && y.contains(&Label::Fraud) && y.contains(&Label::Legit) {
            let (model, _) = LevelModel::fit_owned(
                DetectorKind::Gbdt,
                level,
                x.select_rows(rows).hstack(&base),
                y,
                options.seed,
                options.epochs,
                progress,
            )?;
            return Ok(Head::Supervised(Box::new(model)));
        }
        Ok(Head::Consensus {
            calibration: Calibration::empirical(&mean_rows(&base)),
        })
    }

    /// Every row of `x` scored by its level's head, a block at a time.
    fn score_level(
        &self,
        level: Level,
        head: &Head,
        x: &Matrix,
        progress: &dyn Progress,
    ) -> Result<Vec<f32>, DetectError> {
        let mut out = Vec::with_capacity(x.rows);
        for rows in blocks(x.rows) {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            let block = x.select_rows(&rows);
            let base = self.base_block(level, &block)?;
            out.extend(apply_head(head, &block, &base)?);
        }
        Ok(out)
    }
}

impl Default for Ensemble {
    fn default() -> Self {
        Self::new()
    }
}

fn mean_rows(m: &Matrix) -> Vec<f32> {
    (0..m.rows)
        .map(|i| m.row(i).iter().sum::<f32>() / m.cols.max(1) as f32)
        .collect()
}

fn apply_head(head: &Head, features: &Matrix, base: &Matrix) -> Result<Vec<f32>, DetectError> {
    match head {
        Head::Consensus { calibration } => Ok(mean_rows(base)
            .into_iter()
            .map(|m| calibration.apply(m))
            .collect()),
        Head::Supervised(model) => model.score_block(&features.hstack(base)),
    }
}

fn head_thresholds(head: &Head) -> Thresholds {
    match head {
        Head::Consensus { .. } => UNSUPERVISED_THRESHOLDS,
        Head::Supervised(m) => m.thresholds(),
    }
}

impl Detector for Ensemble {
    fn kind(&self) -> DetectorKind {
        DetectorKind::Ensemble
    }

    fn fit(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let users = user_rows(data, options);
        let events = event_rows(data, options);
        let (mut user_base, mut event_base) = (Vec::new(), Vec::new());
        for b in &mut self.bases {
            // The bases' scores of the training rows come with their fit: no second pass.
            let (u, e) = b.fit_rows(data, &users, &events, options, progress)?;
            user_base.push(u);
            event_base.push(e);
        }
        let user = Self::fit_level(
            &data.account.values,
            Level::User,
            &users,
            user_base,
            options,
            progress,
        )?;
        let event = Self::fit_level(
            &data.events.values,
            Level::Event,
            &events,
            event_base,
            options,
            progress,
        )?;
        self.heads = Some(Heads { user, event });
        Ok(())
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        let heads = self.heads.as_ref().ok_or(DetectError::NotTrained)?;
        Ok(Scores {
            user: self.score_level(Level::User, &heads.user, &data.account.values, progress)?,
            event: data.event_scores_from_rows(self.score_level(
                Level::Event,
                &heads.event,
                &data.events.values,
                progress,
            )?),
        })
    }

    fn account_scaler(&self) -> Option<&Scaler> {
        self.bases.first().and_then(|b| b.account_scaler())
    }

    /// The first base's: its segments were fitted in the space `account_scaler` scales to.
    fn account_segments(&self) -> Option<&SegmentDistance> {
        self.bases.first().and_then(|b| b.account_segments())
    }

    fn event_scaler(&self) -> Option<&Scaler> {
        self.bases.first().and_then(|b| b.event_scaler())
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        match (&self.heads, level) {
            (Some(h), Level::User) => head_thresholds(&h.user),
            (Some(h), Level::Event) => head_thresholds(&h.event),
            (None, _) => UNSUPERVISED_THRESHOLDS,
        }
    }

    fn training_curve(&self) -> TrainingCurve {
        match self.heads.as_ref().map(|h| &h.user) {
            Some(Head::Supervised(m)) => m.curve().clone(),
            _ => self
                .bases
                .last()
                .map(|b| b.training_curve())
                .unwrap_or_default(),
        }
    }

    fn state(&self) -> Result<State, DetectError> {
        let heads = self.heads.as_ref().ok_or(DetectError::NotTrained)?;
        let mut arrays = Vec::new();
        let mut params = Vec::new();
        for (i, b) in self.bases.iter().enumerate() {
            let s = b.state()?;
            params.push(s.params);
            arrays.extend(s.arrays.into_iter().map(|mut a| {
                a.name = format!("base{i}.{}", a.name);
                a
            }));
        }
        if let Head::Supervised(m) = &heads.user {
            arrays.extend(m.arrays("head.user.")?);
        }
        if let Head::Supervised(m) = &heads.event {
            arrays.extend(m.arrays("head.event.")?);
        }
        let parts = Parts {
            bases: params,
            heads: params_to_json(heads)?,
        };
        Ok(State {
            params: params_to_json(&parts)?,
            arrays,
        })
    }
}
