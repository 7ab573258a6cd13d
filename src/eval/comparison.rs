//! The comparison table: each detector trained on one side of a split and graded on the other.

use std::time::Instant;

use serde::Serialize;

use super::cost::{CostCurve, CostPoint, Costs};
use super::daily::{ScoredEvent, daily_top_k_precision};
use super::metrics::{Metrics, metrics};
use super::setup::{EvalError, Setup};
use crate::detect::{DetectError, DetectorKind, Level, TrainOptions, new_detector};
use crate::log::Label;
use crate::progress::Progress;
use crate::ranked::Ranked;

/// One row of the comparison table.
#[derive(Clone, Debug, Serialize)]
pub struct EvalRow {
    pub detector: String,
    #[serde(flatten)]
    pub metrics: Metrics,
    pub train_secs: f64,
    pub score_secs: f64,
    /// At event level: the mean daily precision of the `top_k` riskiest accounts.
    pub daily_top_k_precision: Option<f64>,
    pub top_k: Option<usize>,
    /// At event level with a split in time: the AP on the events of the accounts not known
    /// as fraud at the split (the new victims an analyst has not blocked yet).
    pub new_victims_ap: Option<f64>,
    /// The cost over the threshold, when costs were given.
    pub cost: Option<CostReport>,
    /// Why the detector could not be evaluated (e.g. a supervised one without labels).
    pub error: Option<String>,
}

/// Thresholds where `eval` reports the cost, besides the detector's own and the least costly.
pub const COST_THRESHOLDS: [f32; 11] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/// What the graded rows cost at the detector's threshold, at `COST_THRESHOLDS` and at the
/// threshold of least cost.
#[derive(Clone, Debug, Serialize)]
pub struct CostReport {
    /// At the detector's suspicious threshold.
    pub at_threshold: CostPoint,
    pub least: CostPoint,
    pub grid: Vec<CostPoint>,
}

impl CostReport {
    fn new(curve: &CostCurve, threshold: f32) -> Self {
        Self {
            at_threshold: curve.at(threshold),
            least: curve.minimum(),
            grid: COST_THRESHOLDS.iter().map(|&t| curve.at(t)).collect(),
        }
    }
}

/// Each row's amount for a missed fraud's loss: the event's, or the sum of the account's
/// events' in the test log (NaN without an amount column).
fn amounts(setup: &Setup, level: Level) -> Vec<f64> {
    let log = &setup.test.log;
    let (amounts, rows) = match level {
        Level::Event => (log.columns.amount.clone(), log.len()),
        Level::User => (log.amount_per_user(), setup.test.users()),
    };
    amounts.unwrap_or_else(|| vec![f64::NAN; rows])
}

/// The test rows graded at `level`: the held-out accounts, or the test events.
fn graded_rows(setup: &Setup, level: Level) -> Vec<usize> {
    match level {
        Level::User => (0..setup.test.users())
            .filter(|&u| setup.test_users[u])
            .collect(),
        Level::Event => (0..setup.test.log.len())
            .filter(|&e| setup.test_events[e])
            .collect(),
    }
}

/// With a split in time, the AP of the test events whose account was not known as fraud at
/// the split (the training side's labels are those known then).
fn new_victims_ap(setup: &Setup, scores: &[f32], targets: &[Label]) -> Option<f64> {
    setup.event_cutoff_ms?;
    let known = &setup.train.labels.user;
    let users = &setup.test.log.columns.user.codes;
    let (s, y): (Vec<f32>, Vec<Label>) = (0..setup.test.log.len())
        .filter(|&e| setup.test_events[e] && targets[e].is_known())
        .filter(|&e| !known.get(users[e] as usize).is_some_and(|l| l.is_fraud()))
        .map(|e| (scores[e], targets[e]))
        .unzip();
    Some(Ranked::labelled(&s, &y).average_precision())
}

/// Trains and tests each detector in turn. A detector that cannot run here (say, a supervised
/// one without labels) gets its error in its row; cancelling stops the whole comparison.
/// At event level the rows also carry the daily precision of the `top_k` riskiest accounts.
pub fn compare(
    setup: &Setup,
    kinds: &[DetectorKind],
    level: Level,
    (seed, epochs, top_k): (u64, usize, usize),
    costs: Option<&Costs>,
    progress: &dyn Progress,
) -> Result<Vec<EvalRow>, EvalError> {
    let amounts = costs.map(|_| amounts(setup, level)).unwrap_or_default();
    let mut rows = Vec::new();
    let test = &setup.test;
    let targets = setup.truth.event_targets(&test.log);
    for &kind in kinds {
        let mut detector = new_detector(kind);
        let options = TrainOptions {
            seed,
            epochs,
            train_users: setup.train_users.clone(),
            event_cutoff_ms: setup.event_cutoff_ms,
            search_budget: crate::detect::DEFAULT_SEARCH_BUDGET,
            // The split's training side holds every event of its period.
            sample_weight: 1.0,
        };
        let started = Instant::now();
        let fitted = detector.fit(&setup.train, &options, progress);
        let train_secs = started.elapsed().as_secs_f64();
        let mut row = EvalRow {
            detector: kind.name().into(),
            metrics: Metrics::default(),
            train_secs,
            score_secs: 0.0,
            daily_top_k_precision: None,
            top_k: None,
            new_victims_ap: None,
            cost: None,
            error: None,
        };
        match fitted {
            Err(DetectError::Cancelled) => return Err(DetectError::Cancelled.into()),
            Err(e) => row.error = Some(e.to_string()),
            Ok(()) => {
                let started = Instant::now();
                let scores = detector.score(test, progress)?;
                row.score_secs = started.elapsed().as_secs_f64();
                let threshold = detector.thresholds(level).suspicious;
                let graded = graded_rows(setup, level);
                let (scores_of, truth) = match level {
                    Level::User => (&scores.user, &setup.truth.user),
                    Level::Event => (&scores.event, &targets),
                };
                let s: Vec<f32> = graded.iter().map(|&i| scores_of[i]).collect();
                let y: Vec<Label> = graded.iter().map(|&i| truth[i]).collect();
                row.metrics = metrics(&s, &y, threshold);
                row.cost = costs.map(|costs| {
                    let a: Vec<f64> = graded.iter().map(|&i| amounts[i]).collect();
                    CostReport::new(&CostCurve::new(&s, &y, &a, costs), threshold)
                });
                if level == Level::Event {
                    let c = &test.log.columns;
                    let events: Vec<ScoredEvent> = (0..test.log.len())
                        .filter(|&e| setup.test_events[e] && targets[e].is_known())
                        .map(|e| ScoredEvent {
                            ts_ms: c.ts_ms[e],
                            user: c.user.codes[e],
                            score: scores.event[e],
                            fraud: targets[e].is_fraud(),
                        })
                        .collect();
                    row.daily_top_k_precision = Some(daily_top_k_precision(&events, top_k));
                    row.top_k = Some(top_k);
                    row.new_victims_ap = new_victims_ap(setup, &scores.event, &targets);
                }
            }
        }
        rows.push(row);
    }
    Ok(rows)
}
