//! Detectors on feature rows (zscore, iforest, autoencoder, mlp): one model on account features
//! for users, one on event features for events, each with its own scaling and calibration.

use serde::{Deserialize, Serialize};

use super::calibrate::UNSUPERVISED_THRESHOLDS;
use super::graded::Graded;
use super::holdout::{event_sample, sample_key};
use super::level_model::{LevelModel, Rows};
use super::out_of_fold::{kept_or_folded, thresholds_out_of_fold, user_out_of_fold};
use super::segment_distance::SegmentDistance;
use super::selection::Selection;
use super::state::{State, params_from_json, params_to_json};
use super::{
    DetectError, Detector, DetectorKind, Level, Scores, Thresholds, TrainOptions, TrainingCurve,
};
use crate::features::{Dataset, Matrix, Scaler};
use crate::log::Label;
use crate::progress::Progress;

/// The users a detector learns from, with their labels (unknown for the rest).
pub(super) fn user_rows(data: &Dataset, options: &TrainOptions) -> (Vec<usize>, Vec<Label>) {
    let rows = (0..data.users())
        .filter(|&u| options.train_users[u])
        .collect();
    (rows, data.labels.user.clone())
}

/// The events a detector learns from (those of training users before any cut-off that have
/// features), capped with every labelled fraud event kept, as rows of the event features; and
/// every row's training target.
pub(super) fn event_rows(data: &Dataset, options: &TrainOptions) -> (Vec<usize>, Vec<Label>) {
    let targets = options.event_targets(data);
    let featured = data.featured_events();
    let y: Vec<Label> = featured.iter().map(|&e| targets[e]).collect();
    let rows: Vec<usize> = (0..featured.len())
        .filter(|&r| options.learns_from_event(data, featured[r]))
        .collect();
    let (log_rows, places) = (&data.log.columns.row, data.log.places_in_row());
    let key = |r: usize| sample_key(options.seed, log_rows[featured[r]], places[featured[r]]);
    (event_sample(rows, |r| y[r].is_fraud(), key), y)
}

#[derive(Serialize, Deserialize)]
struct Learned {
    kind: DetectorKind,
    user: LevelModel,
    event: LevelModel,
}

pub struct TabularDetector {
    kind: DetectorKind,
    learned: Option<Learned>,
    /// The out-of-fold scores worked out when fitting (a supervised detector's user
    /// thresholds are fitted on them), kept for `out_of_fold` on the same data.
    graded: Option<Graded>,
}

impl TabularDetector {
    pub fn new(kind: DetectorKind) -> Self {
        Self {
            kind,
            learned: None,
            graded: None,
        }
    }

    pub fn from_state(
        kind: DetectorKind,
        state: &State,
        prefix: &str,
    ) -> Result<Self, DetectError> {
        let mut learned: Learned = params_from_json(&state.params)?;
        learned
            .user
            .restore(&state.arrays, &format!("{prefix}user."))?;
        learned
            .event
            .restore(&state.arrays, &format!("{prefix}event."))?;
        Ok(Self {
            kind,
            learned: Some(learned),
            graded: None,
        })
    }
}

impl TabularDetector {
    /// Fits both levels on the given rows (and targets) of the account and event features;
    /// returns each level's calibrated scores of its rows.
    pub(super) fn fit_rows(
        &mut self,
        data: &Dataset,
        (user_rows, user_y): &(Vec<usize>, Vec<Label>),
        (event_rows, event_y): &(Vec<usize>, Vec<Label>),
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(Vec<f32>, Vec<f32>), DetectError> {
        let fit_level = |level: Level, x: &Matrix, rows: &[usize], y: &[Label]| {
            LevelModel::fit(
                self.kind,
                level,
                Rows::of(data, level, x, rows, y),
                options,
                progress,
            )
        };
        let (user, user_scores) = fit_level(Level::User, &data.account.values, user_rows, user_y)?;
        let (event, event_scores) =
            fit_level(Level::Event, &data.events.values, event_rows, event_y)?;
        self.learned = Some(Learned {
            kind: self.kind,
            user,
            event,
        });
        Ok((user_scores, event_scores))
    }

    /// The user-level model refitted fold by fold: cheap for every tabular detector.
    fn fold_user_level(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        if !self.kind.is_supervised() {
            return Ok(Graded::Unsupervised);
        }
        let chosen = self.selection(Level::User);
        user_out_of_fold(
            data,
            options,
            self.kind,
            &data.account.values,
            chosen,
            progress,
        )
    }

    /// The trained model of one level.
    pub(super) fn level(&self, level: Level) -> Result<&LevelModel, DetectError> {
        let l = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        Ok(match level {
            Level::User => &l.user,
            Level::Event => &l.event,
        })
    }
}

impl Detector for TabularDetector {
    fn kind(&self) -> DetectorKind {
        self.kind
    }

    fn fit(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let users = user_rows(data, options);
        let events = event_rows(data, options);
        self.fit_rows(data, &users, &events, options, progress)?;
        let graded = self.fold_user_level(data, options, progress)?;
        if let (Some(t), Some(l)) = (
            thresholds_out_of_fold(&graded, &data.labels.user),
            self.learned.as_mut(),
        ) {
            l.user.set_thresholds(t);
        }
        self.graded = Some(graded);
        Ok(())
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        let l = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        Ok(Scores {
            user: l.user.score(&data.account.values, progress)?,
            event: data.event_scores_from_rows(l.event.score(&data.events.values, progress)?),
        })
    }

    fn account_scaler(&self) -> Option<&Scaler> {
        self.learned.as_ref().map(|l| l.user.scaler())
    }

    fn account_segments(&self) -> Option<&SegmentDistance> {
        self.learned.as_ref().and_then(|l| l.user.segments())
    }

    fn selection(&self, level: Level) -> Option<&Selection> {
        self.level(level).ok().and_then(|l| l.selection())
    }

    fn out_of_fold(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        kept_or_folded(&self.graded, || {
            self.fold_user_level(data, options, progress)
        })
    }

    fn event_scaler(&self) -> Option<&Scaler> {
        self.learned.as_ref().map(|l| l.event.scaler())
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        match (&self.learned, level) {
            (Some(l), Level::User) => l.user.thresholds(),
            (Some(l), Level::Event) => l.event.thresholds(),
            (None, _) => UNSUPERVISED_THRESHOLDS,
        }
    }

    fn set_thresholds(&mut self, level: Level, thresholds: Thresholds) {
        if let Some(l) = self.learned.as_mut() {
            match level {
                Level::User => l.user.set_thresholds(thresholds),
                Level::Event => l.event.set_thresholds(thresholds),
            }
        }
    }

    fn training_curve(&self) -> TrainingCurve {
        self.learned
            .as_ref()
            .map(|l| l.user.curve().clone())
            .unwrap_or_default()
    }

    fn state(&self) -> Result<State, DetectError> {
        let l = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let mut arrays = l.user.arrays("user.")?;
        arrays.extend(l.event.arrays("event.")?);
        Ok(State {
            params: params_to_json(l)?,
            arrays,
        })
    }
}
