//! The default detector. Without labels it is the unsupervised detectors' consensus (the mean
//! of their calibrated scores, calibrated again). With labels it is semi-supervised:
//! boosted trees that read the features plus the unsupervised scores, so a few dozen labels are enough to
//! learn which kinds of "unusual" are fraud.

use serde::{Deserialize, Serialize};

use super::calibrate::{Calibration, UNSUPERVISED_THRESHOLDS};
use super::state::{State, params_from_json, params_to_json};
use super::tabular::{LevelModel, TabularDetector, event_rows, user_rows};
use super::{
    DetectError, Detector, DetectorKind, Level, Scores, Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{Dataset, Matrix, Scaler};
use crate::log::LABEL_UNKNOWN;
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
        let mut bases = Vec::new();
        for (i, &kind) in BASES.iter().enumerate() {
            let params = state
                .params
                .get("bases")
                .and_then(|b| b.get(i))
                .cloned()
                .unwrap_or_default();
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
        let mut heads: Heads =
            params_from_json(state.params.get("heads").cloned().unwrap_or_default())?;
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

    /// Each base detector's scores, as extra columns.
    fn base_scores(
        &self,
        data: &Dataset,
        progress: &dyn Progress,
    ) -> Result<(Matrix, Matrix), DetectError> {
        let mut user = Vec::new();
        let mut event = Vec::new();
        for b in &self.bases {
            let s = b.score(data, progress)?;
            user.push(s.user);
            event.push(s.event);
        }
        Ok((Matrix::from_columns(&user), Matrix::from_columns(&event)))
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

fn fit_head(
    features: &Matrix,
    base: &Matrix,
    rows: &[usize],
    y: &[i8],
    options: &TrainOptions,
    progress: &dyn Progress,
) -> Result<Head, DetectError> {
    let labelled = rows.iter().filter(|&&r| y[r] != LABEL_UNKNOWN).count();
    let classes = (
        rows.iter().any(|&r| y[r] == 1),
        rows.iter().any(|&r| y[r] == 0),
    );
    if labelled >= MIN_LABELS && classes == (true, true) {
        let x = features.hstack(base);
        let model = LevelModel::fit(
            DetectorKind::Gbdt,
            &x,
            rows,
            y,
            options.seed,
            options.epochs,
            progress,
        )?;
        return Ok(Head::Supervised(Box::new(model)));
    }
    let mean = mean_rows(base);
    let train: Vec<f32> = rows.iter().map(|&r| mean[r]).collect();
    Ok(Head::Consensus {
        calibration: Calibration::empirical(&train),
    })
}

fn apply_head(
    head: &Head,
    features: &Matrix,
    base: &Matrix,
    progress: &dyn Progress,
) -> Result<Vec<f32>, DetectError> {
    match head {
        Head::Consensus { calibration } => Ok(mean_rows(base)
            .into_iter()
            .map(|m| calibration.apply(m))
            .collect()),
        Head::Supervised(model) => model.score(&features.hstack(base), progress),
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
        for b in &mut self.bases {
            b.fit(data, options, progress)?;
        }
        let (user_base, event_base) = self.base_scores(data, progress)?;
        let fit_level = |x: &Matrix, base: &Matrix, (rows, y): (Vec<usize>, Vec<i8>)| {
            fit_head(x, base, &rows, &y, options, progress)
        };
        let user = fit_level(&data.account.values, &user_base, user_rows(data, options))?;
        let event = fit_level(&data.events.values, &event_base, event_rows(data, options))?;
        self.heads = Some(Heads { user, event });
        Ok(())
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        let heads = self.heads.as_ref().ok_or(DetectError::NotTrained)?;
        let (user_base, event_base) = self.base_scores(data, progress)?;
        Ok(Scores {
            user: apply_head(&heads.user, &data.account.values, &user_base, progress)?,
            event: apply_head(&heads.event, &data.events.values, &event_base, progress)?,
        })
    }

    fn account_scaler(&self) -> Option<&Scaler> {
        self.bases.first().and_then(|b| b.account_scaler())
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
        let heads = params_to_json(heads)?;
        Ok(State {
            params: serde_json::json!({ "bases": params, "heads": heads }),
            arrays,
        })
    }
}
