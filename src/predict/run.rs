//! A prediction at a cut-off T, step by step: the log before T, training examples at earlier
//! cut-offs (whose answers all lie before T), the users the target asks about at T, the models
//! and baselines, and, when the log reaches past T, the grading against what happened.

use ahash::AHashMap;

use super::encoder::{next_event_head, read_expectations};
use super::evaluate;
use super::examples::{At, Examples};
use super::features;
use super::models::Models;
use super::outcome::{Evaluation, Prediction, UserPrediction};
use super::request::{PredictError, PredictOptions, Target};
use super::targets::training_cutoffs;
use super::timeline::Timelines;
use super::vocabulary::Vocabulary;
use crate::detect::Detector;
use crate::log::EventLog;
use crate::log::timeparse::format_rfc3339;
use crate::progress::{Progress, Stage};
use crate::time_units::{DAY_MS, days};

/// The figures' names of the model reading the behaviour model's expectations, and of the
/// behaviour model's own next-event prediction.
const WITH_ENCODER: &str = "model + behaviour encoder";
const HEAD: &str = "behaviour model alone";
/// Cut-offs further back add little and cost time.
const MAX_CUTOFFS: usize = 4;
/// Training rows beyond this are sampled (seeded): the networks gain nothing from more.
const MAX_TRAINING_ROWS: usize = 400_000;

/// Trains the target's model on the log before `options.at_ms`, predicts every user it asks,
/// and grades model and baselines against the log's own [T, T+H) when the log reaches there.
///
/// Given a model with a next-event head (`encoder`: the behaviour model, pretrained on events
/// before `at` only), the networks are fitted a second time with its expectations of each
/// user beside the features, and both are graded.
pub fn predict(
    log: &EventLog,
    options: &PredictOptions,
    encoder: Option<&dyn Detector>,
    progress: &dyn Progress,
) -> Result<Prediction, PredictError> {
    options.check()?;
    let (at, horizon) = (options.at_ms, options.horizon_ms);
    let (vocabulary, before_log, before) = history(log, at)?;
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
    let mut train = training_examples(&before, &cutoffs, options, width);
    if train.answers.is_empty() {
        return Err(PredictError::NoExamples {
            target: options.target.name(),
            at: format_rfc3339(at),
        });
    }
    let training_examples = train.answers.len();
    train.sample(MAX_TRAINING_ROWS, options.seed);
    let (mut asked, users) = asked_at(&before, options, width);
    if let Some(encoder) = encoder {
        read_expectations(encoder, &before_log, &vocabulary, &mut train, progress)?;
        read_expectations(encoder, &before_log, &vocabulary, &mut asked, progress)?;
    }

    let models = Models::fit(options, &train, cols, classes.len(), width, progress)?;
    let answers = Answers {
        k: classes.len(),
        model: models.model(&asked)?,
        with_encoder: models.model_with_encoder(&asked)?,
        head: match options.target {
            Target::NextEvent => next_event_head(&asked, width),
            _ => None,
        },
        baseline: models.baseline(&asked)?,
        actual: actual_answers(log, &vocabulary, &before, &users, options),
    };
    let rows = users
        .iter()
        .enumerate()
        .map(|(i, &u)| answers.row(i, before.users[u].clone(), options.target))
        .collect();
    let evaluation = answers.evaluation(&models, log, options);
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

/// The log before `at`, with its event vocabulary and each user's timeline.
fn history(log: &EventLog, at: i64) -> Result<(Vocabulary, EventLog, Timelines), PredictError> {
    let keep: Vec<bool> = log.columns.ts_ms.iter().map(|&t| t < at).collect();
    let before = log.filtered(&keep);
    if before.is_empty() {
        return Err(PredictError::NothingBefore {
            at: format_rfc3339(at),
        });
    }
    let vocabulary = Vocabulary::new(&before);
    let timelines = Timelines::new(&before, &vocabulary);
    Ok((vocabulary, before, timelines))
}

/// Every user the target trains on at each of the `cutoffs`, with what happened after it.
fn training_examples(
    before: &Timelines,
    cutoffs: &[i64],
    options: &PredictOptions,
    width: usize,
) -> Examples {
    let horizon = options.horizon_ms;
    let mut train = Examples::default();
    for &cutoff in cutoffs {
        for u in 0..before.user_count() {
            let ev = before.events(u);
            let n = ev.before(cutoff);
            if let Some(answer) = options.target.trains_on(&ev, n, cutoff, horizon) {
                train.push(&ev, At { user: u, n, cutoff }, horizon, width, answer);
            }
        }
    }
    train
}

/// The users the target asks about at T (their timeline indices) and their examples.
fn asked_at(before: &Timelines, options: &PredictOptions, width: usize) -> (Examples, Vec<usize>) {
    let (at, horizon) = (options.at_ms, options.horizon_ms);
    let mut asked = Examples::default();
    let mut users = Vec::new();
    for u in 0..before.user_count() {
        let ev = before.events(u);
        let n = ev.len();
        if options.target.asks(&ev, n, at, horizon) {
            let cutoff = at;
            asked.push(&ev, At { user: u, n, cutoff }, horizon, width, 0);
            users.push(u);
        }
    }
    (asked, users)
}

/// The model's and the baseline's probabilities of each asked user (`k` per user), and what
/// really happened when the log tells.
struct Answers {
    k: usize,
    model: Vec<f32>,
    /// The model that reads the behaviour model's expectations too, when given one.
    with_encoder: Option<Vec<f32>>,
    /// The behaviour model's own next-event prediction, for the next event.
    head: Option<Vec<f32>>,
    baseline: Vec<f32>,
    actual: Option<Vec<Option<u32>>>,
}

impl Answers {
    /// What each user is told: the model that reads the behaviour model, when there is one.
    fn told(&self) -> &[f32] {
        self.with_encoder.as_deref().unwrap_or(&self.model)
    }

    /// The prediction for the `i`th asked user, called `user`.
    fn row(&self, i: usize, user: String, target: Target) -> UserPrediction {
        let k = self.k;
        let (predicted, probability) = pick(&self.told()[i * k..(i + 1) * k], target);
        let (baseline_predicted, baseline_probability) =
            pick(&self.baseline[i * k..(i + 1) * k], target);
        UserPrediction {
            user,
            predicted,
            probability,
            baseline_predicted,
            baseline_probability,
            actual: self.actual.as_ref().and_then(|a| a[i]),
        }
    }

    /// Model, baseline and base rate graded on the asked users whose answer is known.
    fn evaluation(
        &self,
        models: &Models,
        log: &EventLog,
        options: &PredictOptions,
    ) -> Option<Evaluation> {
        let (at, horizon) = (options.at_ms, options.horizon_ms);
        let a = self.actual.as_ref()?;
        let k = self.k;
        let graded: Vec<usize> = (0..a.len()).filter(|&i| a[i].is_some()).collect();
        let truth: Vec<u32> = graded.iter().filter_map(|&i| a[i]).collect();
        let select = |p: &[f32]| -> Vec<f32> {
            graded
                .iter()
                .flat_map(|&i| p[i * k..(i + 1) * k].iter().copied())
                .collect()
        };
        let mut figures = vec![evaluate::figures("model", &select(&self.model), k, &truth)];
        if let Some(p) = &self.with_encoder {
            figures.push(evaluate::figures(WITH_ENCODER, &select(p), k, &truth));
        }
        if let Some(p) = &self.head {
            figures.push(evaluate::figures(HEAD, &select(p), k, &truth));
        }
        let baseline = models.baseline_name();
        figures.push(evaluate::figures(
            baseline,
            &select(&self.baseline),
            k,
            &truth,
        ));
        if k == 2 {
            let rate = models.base_rate;
            let flat: Vec<f32> = truth.iter().flat_map(|_| [1.0 - rate, rate]).collect();
            figures.push(evaluate::figures("base rate", &flat, k, &truth));
        }
        let end = log.time_range_ms().map_or(at, |(_, last)| last);
        Some(Evaluation {
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
        })
    }
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
