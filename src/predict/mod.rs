//! Behaviour prediction at a cut-off T for a horizon H: the probability of a purchase in
//! [T, T+H), of churn (an active user doing nothing in it), and the most likely next event.
//!
//! Nothing at or after T is read to train or to predict: the log is cut at T first, the model
//! learns from earlier cut-offs (T-H, T-5H/4, ...) whose answers all lie before T, and only the
//! evaluation reads [T, T+H), to grade the predictions against what really happened. Each
//! target is graded beside its baseline: a recency-frequency logistic regression and the base
//! rate for purchase and churn, the user's most frequent event for the next event.

mod evaluate;
mod examples;
mod features;
mod models;
mod outcome;
mod request;
mod standardise;
mod targets;
mod timeline;
mod vocabulary;

use ahash::AHashMap;

pub use evaluate::Figures;
pub use outcome::{Evaluation, Prediction, UserPrediction};
pub use request::{PredictError, PredictOptions, Target};
pub use vocabulary::OTHER;

use crate::log::EventLog;
use crate::log::timeparse::format_rfc3339;
use crate::progress::{Progress, Stage};
use crate::time_units::{DAY_MS, days};
use examples::Examples;
use models::Models;
use targets::training_cutoffs;
use timeline::Timelines;
use vocabulary::Vocabulary;

/// Cut-offs further back add little and cost time.
const MAX_CUTOFFS: usize = 4;
/// Training rows beyond this are sampled (seeded): the networks gain nothing from more.
const MAX_TRAINING_ROWS: usize = 400_000;

/// Trains the target's model on the log before `options.at_ms`, predicts every user it asks,
/// and grades model and baselines against the log's own [T, T+H) when the log reaches there.
pub fn predict(
    log: &EventLog,
    options: &PredictOptions,
    progress: &dyn Progress,
) -> Result<Prediction, PredictError> {
    options.check()?;
    let (at, horizon) = (options.at_ms, options.horizon_ms);
    let (vocabulary, before) = {
        let keep: Vec<bool> = log.columns.ts_ms.iter().map(|&t| t < at).collect();
        let before = log.filtered(&keep);
        if before.is_empty() {
            return Err(PredictError::NothingBefore {
                at: format_rfc3339(at),
            });
        }
        let vocabulary = Vocabulary::new(&before);
        let timelines = Timelines::new(&before, &vocabulary);
        (vocabulary, timelines)
    };
    if options.target == Target::Purchase {
        vocabulary.require_purchases()?;
    }
    let first = before.first_ts().unwrap_or(at);
    let cutoffs = training_cutoffs(first, at, horizon, MAX_CUTOFFS);
    if cutoffs.is_empty() {
        return Err(PredictError::TooLittleHistory {
            at: format_rfc3339(at),
            first: format_rfc3339(first),
            history_days: days(at - first),
            horizon_days: days(horizon),
        });
    }
    let classes = match options.target {
        Target::NextEvent => vocabulary.classes.clone(),
        _ => vec!["no".to_string(), "yes".to_string()],
    };
    let width = vocabulary.classes.len();
    let cols = features::names(&vocabulary.classes).len();

    progress.report(Stage::PredictionFeatures, 0, None);
    let mut train = Examples::default();
    for &cutoff in &cutoffs {
        for u in 0..before.user_count() {
            let ev = before.events(u);
            let n = ev.before(cutoff);
            if let Some(answer) = options.target.trains_on(&ev, n, cutoff, horizon) {
                train.push(&ev, n, cutoff, horizon, width, answer);
            }
        }
    }
    if train.answers.is_empty() {
        return Err(PredictError::NoExamples {
            target: options.target.name(),
            at: format_rfc3339(at),
        });
    }
    let training_examples = train.answers.len();
    train.sample(MAX_TRAINING_ROWS, options.seed);

    let mut asked = Examples::default();
    let mut users = Vec::new();
    for u in 0..before.user_count() {
        let ev = before.events(u);
        let n = ev.len();
        if options.target.asks(&ev, n, at, horizon) {
            asked.push(&ev, n, at, horizon, width, 0);
            users.push(u);
        }
    }

    let models = Models::fit(options, &train, cols, classes.len(), width, progress)?;
    let model_p = models.model(&asked, cols)?;
    let baseline_p = models.baseline(&asked)?;

    let actual = actual_answers(log, &vocabulary, &before, &users, options);
    let k = classes.len();
    let rows: Vec<UserPrediction> = users
        .iter()
        .enumerate()
        .map(|(i, &u)| {
            let (predicted, probability) = pick(&model_p[i * k..(i + 1) * k], options.target);
            let (baseline_predicted, baseline_probability) =
                pick(&baseline_p[i * k..(i + 1) * k], options.target);
            UserPrediction {
                user: before.users[u].clone(),
                predicted,
                probability,
                baseline_predicted,
                baseline_probability,
                actual: actual.as_ref().and_then(|a| a[i]),
            }
        })
        .collect();
    let evaluation = actual.map(|a| {
        let graded: Vec<usize> = (0..a.len()).filter(|&i| a[i].is_some()).collect();
        let truth: Vec<u32> = graded.iter().filter_map(|&i| a[i]).collect();
        let select = |p: &[f32]| -> Vec<f32> {
            graded
                .iter()
                .flat_map(|&i| p[i * k..(i + 1) * k].iter().copied())
                .collect()
        };
        let mut figures = vec![
            evaluate::figures("model", &select(&model_p), k, &truth),
            evaluate::figures(models.baseline_name(), &select(&baseline_p), k, &truth),
        ];
        if k == 2 {
            let rate = models.base_rate;
            let flat: Vec<f32> = truth.iter().flat_map(|_| [1.0 - rate, rate]).collect();
            figures.push(evaluate::figures("base rate", &flat, k, &truth));
        }
        let end = log.time_range_ms().map_or(at, |(_, last)| last);
        Evaluation {
            users: truth.len(),
            positive_rate: match k {
                2 => truth.iter().filter(|&&t| t == 1).count() as f64 / truth.len().max(1) as f64,
                _ => f64::NAN,
            },
            figures,
            partial: (end < at + horizon - DAY_MS).then(|| {
                format!(
                    "the log ends {:.1} days into the {:.1}-day horizon: later events are unknown",
                    days(end - at),
                    days(horizon)
                )
            }),
        }
    });
    Ok(Prediction {
        target: options.target,
        at_ms: at,
        horizon_ms: horizon,
        classes,
        purchase_types: vocabulary.purchase_types().to_vec(),
        training_cutoffs: cutoffs,
        training_examples,
        rows,
        evaluation,
    })
}

/// The class a row of probabilities predicts, and the probability reported: "yes" for the
/// yes/no targets, the predicted class's for the next event.
fn pick(p: &[f32], target: Target) -> (u32, f32) {
    let best = (0..p.len())
        .max_by(|&a, &b| p[a].total_cmp(&p[b]))
        .unwrap_or(0);
    match target {
        Target::NextEvent => (best as u32, p[best]),
        _ => (best as u32, p[1]),
    }
}

/// What happened in [T, T+H) to each asked user, or `None` when the log has nothing from T on
/// (there is nothing to grade against).
fn actual_answers(
    log: &EventLog,
    vocabulary: &Vocabulary,
    before: &Timelines,
    users: &[usize],
    options: &PredictOptions,
) -> Option<Vec<Option<u32>>> {
    let (at, horizon) = (options.at_ms, options.horizon_ms);
    if log.time_range_ms().is_none_or(|(_, last)| last < at) {
        return None;
    }
    let keep: Vec<bool> = log
        .columns
        .ts_ms
        .iter()
        .map(|&t| t >= at && t < at.saturating_add(horizon))
        .collect();
    let after = Timelines::new(&log.filtered(&keep), vocabulary);
    let index: AHashMap<&str, usize> = after
        .users
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let empty = Timelines::empty();
    Some(
        users
            .iter()
            .map(|&u| {
                let ev = match index.get(before.users[u].as_str()) {
                    Some(&a) => after.events(a),
                    None => empty.events(0),
                };
                options.target.answer(&ev, at, horizon)
            })
            .collect(),
    )
}
