//! Honest figures: each labelled account scored by a model that never learnt its label. A
//! model graded on the labels it learnt from looks better than it is, and a lead who sets a
//! threshold by such figures is misled.

use super::calibrate::fit_thresholds;
use super::graded::Graded;
use super::holdout::stratified_folds;
use super::level_model::{LevelModel, Rows};
use super::parallel::in_parallel;
use super::selection::Selection;
use super::{DetectError, DetectorKind, Level, Thresholds, TrainOptions};
use crate::features::{Dataset, Matrix};
use crate::log::Label;
use crate::progress::Progress;

/// Each labelled account is scored by the model fitted on the other folds.
const FOLDS: usize = 5;

/// The labelled training users in `FOLDS` stratified folds; none with too few of either class.
fn folds(data: &Dataset, options: &TrainOptions) -> Vec<Vec<usize>> {
    let labels = &data.labels.user;
    let labelled: Vec<usize> = (0..data.users())
        .filter(|&u| options.train_users[u] && labels[u].is_known())
        .collect();
    let fraud = labelled.iter().filter(|&&u| labels[u].is_fraud()).count();
    if fraud < FOLDS || labelled.len() - fraud < FOLDS {
        return Vec::new();
    }
    stratified_folds(&labelled, |u| labels[u].is_fraud(), FOLDS, options.seed)
}

/// Out-of-fold scores of a user-level `kind` model on `x` (one row per user): per fold, the
/// model refitted on the other folds' users, with `chosen` settings where a search chose them.
pub(super) fn user_out_of_fold(
    data: &Dataset,
    options: &TrainOptions,
    kind: DetectorKind,
    x: &Matrix,
    chosen: Option<&Selection>,
    progress: &dyn Progress,
) -> Result<Graded, DetectError> {
    let folds = folds(data, options);
    if folds.is_empty() {
        return Ok(Graded::InSample);
    }
    let fit_fold = |held: &Vec<usize>| -> Result<Vec<f32>, DetectError> {
        let mut left_out = vec![false; data.users()];
        for &u in held {
            left_out[u] = true;
        }
        let rows: Vec<usize> = (0..data.users())
            .filter(|&u| options.train_users[u] && !left_out[u])
            .collect();
        let rows = Rows::of(data, Level::User, x, &rows, &data.labels.user);
        let (model, _) = LevelModel::fit_as(kind, Level::User, rows, options, chosen, progress)?;
        model.score_block(&x.select_rows(held))
    };
    // Trees fold side by side; a network trains on every core already (and on one GPU).
    let scored = if kind == DetectorKind::Gbdt {
        in_parallel(&folds, fit_fold)
    } else {
        folds.iter().map(fit_fold).collect()
    };
    let mut out = vec![f32::NAN; data.users()];
    for (held, scores) in folds.iter().zip(scored) {
        for (&u, s) in held.iter().zip(scores?) {
            out[u] = s;
        }
    }
    Ok(Graded::OutOfFold(out))
}

/// Thresholds fitted on the out-of-fold scores of the labelled accounts (`labels` per user):
/// fitted on the scores of the labels the model learnt, they sit where an overfitted model is
/// sure, and flag a fraction of the fraud it meets.
pub(super) fn thresholds_out_of_fold(graded: &Graded, labels: &[Label]) -> Option<Thresholds> {
    let Graded::OutOfFold(oof) = graded else {
        return None;
    };
    let (scores, labels): (Vec<f32>, Vec<Label>) = oof
        .iter()
        .zip(labels)
        .filter(|(s, l)| s.is_finite() && l.is_known())
        .map(|(&s, &l)| (s, l))
        .unzip();
    Some(fit_thresholds(&scores, &labels))
}

/// The out-of-fold scores kept from fitting, else worked out by `fold` now (a model read from
/// disk keeps none).
pub(super) fn kept_or_folded(
    kept: &Option<Graded>,
    fold: impl FnOnce() -> Result<Graded, DetectError>,
) -> Result<Graded, DetectError> {
    match kept {
        Some(g) => Ok(g.clone()),
        None => fold(),
    }
}
