//! The default detector. Without labels it is the unsupervised detectors' consensus (the mean
//! of their calibrated scores, calibrated again). With labels it is semi-supervised:
//! boosted trees that read the features plus the unsupervised scores, so a few dozen labels are enough to
//! learn which kinds of "unusual" are fraud.

use serde::{Deserialize, Serialize};

use super::calibrate::{Calibration, TieBreak, UNSUPERVISED_THRESHOLDS};
use super::graded::Graded;
use super::level_model::{LevelModel, Rows, blocks};
use super::out_of_fold::{kept_or_folded, thresholds_out_of_fold, user_out_of_fold};
use super::readings::Readings;
use super::segment_distance::SegmentDistance;
use super::selection::{MIN_GAIN, Selection};
use super::state::{State, params_from_json, params_to_json};
use super::tabular::{TabularDetector, event_rows, user_rows};
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
    /// Mean of the base scores, calibrated; with the thresholds a team chose in place of the
    /// rank-based ones (absent in models kept before they could be).
    Consensus {
        calibration: Calibration,
        #[serde(default)]
        thresholds: Option<Thresholds>,
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
    /// A supervised head's ties (rows in the same leaves of every tree) are broken by the
    /// bases' consensus: among accounts the trees cannot tell apart, the more unusual first.
    #[serde(default)]
    user_ties: TieBreak,
    #[serde(default)]
    event_ties: TieBreak,
    /// How many of another model's readings of the rows (`Readings`) each level's supervised
    /// head reads beside the features (absent in models kept before it could: none).
    #[serde(default)]
    user_reads: usize,
    #[serde(default)]
    event_reads: usize,
}

impl Heads {
    fn at(&self, level: Level) -> (&Head, &TieBreak, usize) {
        match level {
            Level::User => (&self.user, &self.user_ties, self.user_reads),
            Level::Event => (&self.event, &self.event_ties, self.event_reads),
        }
    }
}

/// A level's head as fitted: the head, how its ties are broken, and how many of the readings'
/// columns it reads.
struct FittedHead {
    head: Head,
    ties: TieBreak,
    reads: usize,
}

pub struct Ensemble {
    bases: Vec<TabularDetector>,
    heads: Option<Heads>,
    /// The out-of-fold scores worked out when fitting (the thresholds are fitted on them),
    /// kept for `out_of_fold` on the same data.
    graded: Option<Graded>,
}

impl Ensemble {
    pub fn new() -> Self {
        Self {
            bases: BASES.iter().map(|&k| TabularDetector::new(k)).collect(),
            heads: None,
            graded: None,
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
            graded: None,
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

    /// The head of one level, fitted on its training rows (their features plus the bases'
    /// scores of them, one column per base), and how its ties are broken. Given `readings`
    /// (columns for every row of `x`, and the widths a head may read of them, narrowest
    /// first), a head is fitted for each width, and a wider one is kept only when its search
    /// over time graded it better than the narrower one kept by more than `MIN_GAIN`, as a
    /// search keeps a candidate over the default: more columns give the search more ways to
    /// fit the one held-out period's noise. On two generated shops, trees offered all 35
    /// columns of the behaviour model's event readings graded 0.005 to 0.006 better on
    /// validation than without, and 0.014 and 0.036 worse on the next week.
    #[allow(clippy::too_many_arguments)]
    fn fit_level(
        data: &Dataset,
        x: &Matrix,
        level: Level,
        (rows, y): &(Vec<usize>, Vec<Label>),
        base: Vec<Vec<f32>>,
        readings: Option<(&Matrix, &[usize])>,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<FittedHead, DetectError> {
        let base = Matrix::from_columns(&base);
        let learnt: Vec<Label> = rows.iter().map(|&r| y[r]).collect();
        if enough_labels(&learnt) {
            // Only a supervised head needs its rows' features copied.
            let fit_reading = |width: usize| {
                let mut head_rows = Rows::of(data, level, x, rows, y);
                head_rows.xs = head_rows.xs.hstack(&base);
                if let Some((read, _)) = readings.filter(|_| width > 0) {
                    let read = read.select_rows(rows).first_columns(width);
                    head_rows.xs = head_rows.xs.hstack(&read);
                }
                LevelModel::fit(DetectorKind::Gbdt, level, head_rows, options, progress)
            };
            let widths = readings.map_or(&[0][..], |(_, widths)| widths);
            let mut best: Option<((LevelModel, Vec<f32>), usize)> = None;
            for &width in widths {
                let fitted = fit_reading(width)?;
                let wider = |kept: &(LevelModel, Vec<f32>)| {
                    validation_ap(&fitted.0) > validation_ap(&kept.0) + MIN_GAIN
                };
                if best.as_ref().is_none_or(|(kept, _)| wider(kept)) {
                    best = Some((fitted, width));
                }
            }
            let Some(((model, scores), reads)) = best else {
                return Err(DetectError::NotTrained);
            };
            return Ok(FittedHead {
                head: Head::Supervised(Box::new(model)),
                ties: TieBreak::fit(&scores),
                reads,
            });
        }
        let calibration = Calibration::empirical(&mean_rows(&base));
        let head = Head::Consensus {
            calibration,
            thresholds: None,
        };
        Ok(FittedHead {
            head,
            ties: TieBreak::default(),
            reads: 0,
        })
    }

    /// Only the user head learns from labels: it alone is refitted per fold, on the same base
    /// scores (the bases never read a label).
    fn fold_user_head(
        &self,
        data: &Dataset,
        readings: Option<&Readings>,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        let heads = self.heads.as_ref().ok_or(DetectError::NotTrained)?;
        let Head::Supervised(head) = &heads.user else {
            return Ok(Graded::Unsupervised);
        };
        let x = &data.account.values;
        let mut base = Vec::with_capacity(x.rows);
        for rows in blocks(x.rows) {
            let block = self.base_block(Level::User, &x.select_rows(&rows))?;
            base.extend_from_slice(&block.data);
        }
        let base = Matrix {
            rows: x.rows,
            cols: self.bases.len(),
            data: base,
        };
        let mut x = x.hstack(&base);
        if heads.user_reads > 0 {
            let read = readings.ok_or(DetectError::ReadingsMissing)?;
            x = x.hstack(&read.user.first_columns(heads.user_reads));
        }
        user_out_of_fold(
            data,
            options,
            DetectorKind::Gbdt,
            &x,
            head.selection(),
            progress,
        )
    }

    /// Every row of `x` scored by its level's head, a block at a time.
    fn score_level(
        &self,
        level: Level,
        (head, ties, reads): (&Head, &TieBreak, usize),
        x: &Matrix,
        readings: Option<&Readings>,
        progress: &dyn Progress,
    ) -> Result<Vec<f32>, DetectError> {
        let read = match (reads, readings) {
            (0, _) => None,
            (_, Some(r)) => Some(r.at(level).0),
            (_, None) => return Err(DetectError::ReadingsMissing),
        };
        let mut out = Vec::with_capacity(x.rows);
        for rows in blocks(x.rows) {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            let block = x.select_rows(&rows);
            let base = self.base_block(level, &block)?;
            let read = read.map(|r| r.select_rows(&rows).first_columns(reads));
            out.extend(apply_head(head, ties, &block, &base, read.as_ref())?);
        }
        Ok(out)
    }

    /// `Detector::fit`, the heads also offered `readings` of the dataset's rows.
    pub fn fit_reading(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        readings: Option<&Readings>,
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
        let read = |level| readings.map(|r| r.at(level));
        let user = Self::fit_level(
            data,
            &data.account.values,
            Level::User,
            &users,
            user_base,
            read(Level::User),
            options,
            progress,
        )?;
        let event = Self::fit_level(
            data,
            &data.events.values,
            Level::Event,
            &events,
            event_base,
            read(Level::Event),
            options,
            progress,
        )?;
        self.heads = Some(Heads {
            user: user.head,
            event: event.head,
            user_ties: user.ties,
            event_ties: event.ties,
            user_reads: user.reads,
            event_reads: event.reads,
        });
        let graded = self.fold_user_head(data, readings, options, progress)?;
        if let (Some(t), Some(Head::Supervised(m))) = (
            thresholds_out_of_fold(&graded, &data.labels.user),
            self.heads.as_mut().map(|h| &mut h.user),
        ) {
            m.set_thresholds(t);
        }
        self.graded = Some(graded);
        Ok(())
    }

    /// `Detector::score`, given the readings the heads were offered.
    pub fn score_reading(
        &self,
        data: &Dataset,
        readings: Option<&Readings>,
        progress: &dyn Progress,
    ) -> Result<Scores, DetectError> {
        let heads = self.heads.as_ref().ok_or(DetectError::NotTrained)?;
        let user = heads.at(Level::User);
        let event = heads.at(Level::Event);
        Ok(Scores {
            user: self.score_level(Level::User, user, &data.account.values, readings, progress)?,
            event: data.event_scores_from_rows(self.score_level(
                Level::Event,
                event,
                &data.events.values,
                readings,
                progress,
            )?),
        })
    }

    /// `Detector::out_of_fold`, given the readings the heads were offered.
    pub fn out_of_fold_reading(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        readings: Option<&Readings>,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        kept_or_folded(&self.graded, || {
            self.fold_user_head(data, readings, options, progress)
        })
    }

    /// Whether the level's head learnt from labels (else it is the bases' consensus).
    pub fn learnt_labels(&self, level: Level) -> bool {
        self.heads
            .as_ref()
            .is_some_and(|h| matches!(h.at(level).0, Head::Supervised(_)))
    }

    /// How many of the readings' columns the level's head reads (0: none).
    pub fn reads(&self, level: Level) -> usize {
        self.heads.as_ref().map_or(0, |h| h.at(level).2)
    }
}

/// Whether the training accounts' labels are enough for a supervised head to learn from: at
/// least `MIN_LABELS`, fraud and legit among them.
pub fn learns_labels(data: &Dataset, options: &TrainOptions) -> bool {
    let learnt: Vec<Label> = data
        .labels
        .user
        .iter()
        .zip(&options.train_users)
        .filter(|(_, train)| **train)
        .map(|(l, _)| *l)
        .collect();
    enough_labels(&learnt)
}

/// Whether a head learns from `learnt` labels: at least `MIN_LABELS` known, fraud and legit
/// among them (else it is the bases' consensus).
fn enough_labels(learnt: &[Label]) -> bool {
    learnt.iter().filter(|l| l.is_known()).count() >= MIN_LABELS
        && learnt.contains(&Label::Fraud)
        && learnt.contains(&Label::Legit)
}

/// What a head's search over time graded it on its held-out rows (none: lowest).
fn validation_ap(model: &LevelModel) -> f64 {
    model
        .selection()
        .map_or(f64::NEG_INFINITY, |s| s.validation_ap)
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

fn apply_head(
    head: &Head,
    ties: &TieBreak,
    features: &Matrix,
    base: &Matrix,
    read: Option<&Matrix>,
) -> Result<Vec<f32>, DetectError> {
    let consensus = mean_rows(base);
    match head {
        Head::Consensus { calibration, .. } => Ok(consensus
            .into_iter()
            .map(|m| calibration.apply(m))
            .collect()),
        Head::Supervised(model) => Ok(model
            .score_block(&match read {
                Some(read) => features.hstack(base).hstack(read),
                None => features.hstack(base),
            })?
            .into_iter()
            .zip(consensus)
            .map(|(p, c)| ties.apply(p, c))
            .collect()),
    }
}

fn head_thresholds(head: &Head) -> Thresholds {
    match head {
        Head::Consensus { thresholds, .. } => thresholds.unwrap_or(UNSUPERVISED_THRESHOLDS),
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
        self.fit_reading(data, options, None, progress)
    }

    fn score(&self, data: &Dataset, progress: &dyn Progress) -> Result<Scores, DetectError> {
        self.score_reading(data, None, progress)
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

    fn out_of_fold(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        self.out_of_fold_reading(data, options, None, progress)
    }

    fn selection(&self, level: Level) -> Option<&Selection> {
        match self.heads.as_ref()?.at(level).0 {
            Head::Supervised(m) => m.selection(),
            Head::Consensus { .. } => None,
        }
    }

    fn thresholds(&self, level: Level) -> Thresholds {
        match (&self.heads, level) {
            (Some(h), Level::User) => head_thresholds(&h.user),
            (Some(h), Level::Event) => head_thresholds(&h.event),
            (None, _) => UNSUPERVISED_THRESHOLDS,
        }
    }

    fn set_thresholds(&mut self, level: Level, to: Thresholds) {
        let Some(h) = self.heads.as_mut() else { return };
        match match level {
            Level::User => &mut h.user,
            Level::Event => &mut h.event,
        } {
            Head::Consensus { thresholds, .. } => *thresholds = Some(to),
            Head::Supervised(m) => m.set_thresholds(to),
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::log::{self, Mapping, read_labels};
    use crate::progress::NoProgress;

    /// The bundled sample with its generator's labels.
    fn sample() -> Dataset {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
        let loaded = log::load(&dir.join("shop.csv.gz"), &Mapping::default(), &NoProgress).unwrap();
        let labels = read_labels(&dir.join("shop_labels.csv")).unwrap();
        Dataset::build(Arc::new(loaded.log), &labels, 0, &NoProgress).unwrap()
    }

    #[test]
    fn calibrated_scores_tie_no_more_than_the_raw_ones_and_keep_their_order() {
        let data = sample();
        let mut e = Ensemble::new();
        e.fit(&data, &TrainOptions::all_users(&data, 7), &NoProgress)
            .unwrap();
        let heads = e.heads.as_ref().unwrap();
        assert!(matches!(heads.user, Head::Supervised(_)));
        let untied = TieBreak::default();
        let raw = e
            .score_level(
                Level::User,
                (&heads.user, &untied, 0),
                &data.account.values,
                None,
                &NoProgress,
            )
            .unwrap();
        let calibrated = e.score(&data, &NoProgress).unwrap().user;
        let distinct = |v: &[f32]| {
            let mut v = v.to_vec();
            v.sort_by(f32::total_cmp);
            v.dedup();
            v.len()
        };
        let (raw_n, calibrated_n) = (distinct(&raw), distinct(&calibrated));
        assert!(calibrated_n > raw_n, "{calibrated_n} vs {raw_n} distinct");
        // Every raw level's calibrated scores lie strictly below the next level's.
        let mut by_level: BTreeMap<u32, (f32, f32)> = BTreeMap::new();
        for (&r, &c) in raw.iter().zip(&calibrated) {
            let span = by_level.entry(r.to_bits()).or_insert((c, c));
            *span = (span.0.min(c), span.1.max(c));
        }
        let spans: Vec<(f32, f32)> = by_level.values().copied().collect();
        assert!(
            spans.windows(2).all(|w| w[0].1 < w[1].0),
            "a tie-break reordered scores the model told apart"
        );
    }
}
