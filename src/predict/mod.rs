//! Behaviour prediction at a cut-off T for a horizon H: the probability of a purchase in
//! [T, T+H), of churn (an active user doing nothing in it), and the most likely next event.
//!
//! Nothing at or after T is read to train or to predict: the log is cut at T first, the model
//! learns from earlier cut-offs (T-H, T-5H/4, ...) whose answers all lie before T, and only the
//! evaluation reads [T, T+H), to grade the predictions against what really happened. Each
//! target is graded beside its baseline: a recency-frequency logistic regression and the base
//! rate for purchase and churn, the user's most frequent event for the next event.

mod evaluate;
mod features;
mod standardise;
mod targets;
mod timeline;
mod vocabulary;

use ahash::AHashMap;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use evaluate::Figures;
pub use vocabulary::OTHER;

use crate::detect::DetectError;
use crate::detect::neural::Classifier;
use crate::log::EventLog;
use crate::log::timeparse::format_rfc3339;
use crate::progress::Progress;
use standardise::Standardiser;
use targets::training_cutoffs;
use timeline::Timelines;
use vocabulary::Vocabulary;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Purchase,
    Churn,
    NextEvent,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Purchase => "purchase",
            Target::Churn => "churn",
            Target::NextEvent => "next-event",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PredictError {
    #[error(
        "no event type looks like a purchase (order, buy, purchase, checkout, pay, 下单, 购买, ...); the log has: {}",
        types.join(", ")
    )]
    NoPurchaseType { types: Vec<String> },
    #[error("horizon: expected a positive duration such as 30d")]
    BadHorizon,
    #[error("nothing happened before {at}: a prediction needs history before its cut-off")]
    NothingBefore { at: String },
    #[error(
        "only {history_days:.1} days of history before {at}, the first event being at {first}: \
         the model learns from what happened in the horizon ({horizon_days:.1} days) after \
         an earlier cut-off, so choose a later --at or a shorter --horizon"
    )]
    TooLittleHistory {
        at: String,
        first: String,
        history_days: f64,
        horizon_days: f64,
    },
    #[error(
        "no {target} examples to learn from before {at} (no user qualifies at any earlier cut-off)"
    )]
    NoExamples { target: &'static str, at: String },
    #[error(transparent)]
    Model(#[from] DetectError),
}

#[derive(Clone, Debug)]
pub struct PredictOptions {
    pub target: Target,
    /// The cut-off T, in ms since the epoch.
    pub at_ms: i64,
    pub horizon_ms: i64,
    pub seed: u64,
    /// Training epochs; 0 chooses from the data size.
    pub epochs: usize,
}

impl PredictOptions {
    /// The checks that need no log, so a bad argument is refused before one is read.
    pub fn check(&self) -> Result<(), PredictError> {
        match self.horizon_ms > 0 {
            true => Ok(()),
            false => Err(PredictError::BadHorizon),
        }
    }
}

/// One user's prediction. For purchase and churn, `probability` is that of "yes"; for the next
/// event it is that of the predicted class.
#[derive(Clone, Debug, Serialize)]
pub struct UserPrediction {
    pub user: String,
    pub predicted: u32,
    pub probability: f32,
    pub baseline_predicted: u32,
    pub baseline_probability: f32,
    /// What happened in [T, T+H), when the log reaches past T.
    pub actual: Option<u32>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    /// Users graded (those asked that have an answer in the log).
    pub users: usize,
    /// For purchase and churn: the share of graded users whose answer was yes.
    pub positive_rate: f64,
    /// The model first, then its baselines.
    pub figures: Vec<Figures>,
    /// Set when the log ends inside the horizon: later events are unknown, not absent.
    pub partial: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Prediction {
    pub target: Target,
    pub at_ms: i64,
    pub horizon_ms: i64,
    /// The class names: "no"/"yes", or the event types for the next event.
    pub classes: Vec<String>,
    /// The event types counted as purchases.
    pub purchase_types: Vec<String>,
    pub training_cutoffs: Vec<i64>,
    pub training_examples: usize,
    pub rows: Vec<UserPrediction>,
    pub evaluation: Option<Evaluation>,
}

/// Cut-offs further back add little and cost time.
const MAX_CUTOFFS: usize = 4;
/// Training rows beyond this are sampled (seeded): the networks gain nothing from more.
const MAX_TRAINING_ROWS: usize = 400_000;
/// The hidden layers of the averaged networks, and how many seeds of each.
const SHAPES: [&[usize]; 2] = [&[64, 32], &[16]];
const BAG: usize = 3;
/// Prior weight of the population's event mix in the most-frequent-event baseline.
const BASELINE_PRIOR: f32 = 1.0;

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
            history_days: (at - first) as f64 / 86_400_000.0,
            horizon_days: horizon as f64 / 86_400_000.0,
        });
    }
    let classes = match options.target {
        Target::NextEvent => vocabulary.classes.clone(),
        _ => vec!["no".to_string(), "yes".to_string()],
    };
    let width = vocabulary.classes.len();
    let cols = features::names(&vocabulary.classes).len();

    progress.report("prediction features", 0, None);
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
            positive_rate: truth.iter().filter(|&&t| t == 1).count() as f64
                / truth.len().max(1) as f64,
            figures,
            partial: (end < at + horizon - 86_400_000).then(|| {
                format!(
                    "the log ends {:.1} days into the {:.1}-day horizon: later events are unknown",
                    (end - at) as f64 / 86_400_000.0,
                    horizon as f64 / 86_400_000.0
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

/// Feature rows with their answers, for the model and for both baselines.
#[derive(Default)]
struct Examples {
    features: Vec<f32>,
    baseline: Vec<f32>,
    /// The user's class counts before the cut-off (for the most-frequent-event baseline).
    mix: Vec<f32>,
    answers: Vec<u32>,
}

impl Examples {
    fn push(
        &mut self,
        ev: &timeline::Events,
        n: usize,
        cutoff: i64,
        horizon: i64,
        width: usize,
        answer: u32,
    ) {
        features::row(ev, n, cutoff, horizon, width, &mut self.features);
        features::baseline_row(ev, n, cutoff, &mut self.baseline);
        let start = self.mix.len();
        self.mix.resize(start + width, 0.0);
        for &c in &ev.class[..n] {
            self.mix[start + c as usize] += 1.0;
        }
        self.answers.push(answer);
    }

    /// Keeps a seeded sample of at most `most` examples.
    fn sample(&mut self, most: usize, seed: u64) {
        let n = self.answers.len();
        if n <= most {
            return;
        }
        let mut keep: Vec<usize> = (0..n).collect();
        keep.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x9e7));
        keep.truncate(most);
        keep.sort_unstable();
        let pick_rows = |v: &[f32], cols: usize| -> Vec<f32> {
            keep.iter()
                .flat_map(|&i| v[i * cols..(i + 1) * cols].iter().copied())
                .collect()
        };
        let (f, b, m) = (
            self.features.len() / n,
            self.baseline.len() / n,
            self.mix.len() / n,
        );
        self.features = pick_rows(&self.features, f);
        self.baseline = pick_rows(&self.baseline, b);
        self.mix = pick_rows(&self.mix, m);
        self.answers = keep.iter().map(|&i| self.answers[i]).collect();
    }
}

/// The fitted model and baseline of one target.
struct Models {
    target: Target,
    scaler: Standardiser,
    /// Networks of both shapes and several seeds, averaged. One alone varies by a few
    /// thousandths of ROC-AUC from seed to seed, about the margin over the baseline on real
    /// logs; a wide one learns interactions where there are some (CDNOW), a narrow one learns
    /// less noise where there are few (a generated shop's churn), and their average holds up
    /// on both, where neither alone did.
    models: Vec<Classifier>,
    baseline_scaler: Standardiser,
    /// The recency-frequency logistic regression (purchase and churn).
    baseline: Option<Classifier>,
    /// The share of "yes" among the training examples.
    base_rate: f32,
    /// The population's class mix, the prior of the most-frequent-event baseline.
    class_prior: Vec<f32>,
}

impl Models {
    fn fit(
        options: &PredictOptions,
        train: &Examples,
        cols: usize,
        classes: usize,
        width: usize,
        progress: &dyn Progress,
    ) -> Result<Self, PredictError> {
        let x = features::matrix(train.features.clone(), cols);
        let scaler = Standardiser::fit(&x);
        let x = scaler.transform(x);
        let stage = match options.target {
            Target::Purchase => "training the purchase model",
            Target::Churn => "training the churn model",
            Target::NextEvent => "training the next-event model",
        };
        let mut models = Vec::with_capacity(SHAPES.len() * BAG);
        for hidden in SHAPES {
            for b in 0..BAG as u64 {
                let mut model = Classifier::new(cols, classes, hidden)?;
                model.fit(
                    &x,
                    &train.answers,
                    options.seed + b,
                    options.epochs,
                    stage,
                    progress,
                )?;
                models.push(model);
            }
        }
        let b = features::matrix(train.baseline.clone(), features::BASELINE_COLS);
        let baseline_scaler = Standardiser::fit(&b);
        let baseline = match options.target {
            Target::NextEvent => None,
            _ => {
                let mut logistic = Classifier::new(features::BASELINE_COLS, 2, &[])?;
                let b = baseline_scaler.transform(b);
                logistic.fit(
                    &b,
                    &train.answers,
                    options.seed,
                    0,
                    "training the baseline",
                    progress,
                )?;
                Some(logistic)
            }
        };
        let mut class_prior = vec![0f32; width];
        for row in train.mix.chunks(width.max(1)) {
            let total: f32 = row.iter().sum::<f32>().max(1.0);
            for (p, v) in class_prior.iter_mut().zip(row) {
                *p += v / total;
            }
        }
        let total: f32 = class_prior.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        class_prior.iter_mut().for_each(|p| *p /= total);
        let yes = train.answers.iter().filter(|&&a| a == 1).count();
        Ok(Self {
            target: options.target,
            scaler,
            models,
            baseline_scaler,
            baseline,
            base_rate: yes as f32 / train.answers.len().max(1) as f32,
            class_prior,
        })
    }

    fn baseline_name(&self) -> &'static str {
        match self.target {
            Target::NextEvent => "most frequent event",
            _ => "recency-frequency logistic",
        }
    }

    fn model(&self, asked: &Examples, cols: usize) -> Result<Vec<f32>, PredictError> {
        let x = self
            .scaler
            .transform(features::matrix(asked.features.clone(), cols));
        let mut sum = vec![0f32; x.rows * self.models[0].classes];
        for model in &self.models {
            for (s, p) in sum.iter_mut().zip(model.probabilities(&x)?) {
                *s += p / self.models.len() as f32;
            }
        }
        Ok(sum)
    }

    /// The baseline's probabilities: the logistic regression's, or each user's own event mix
    /// smoothed towards the population's (its most likely class is the user's most frequent).
    fn baseline(&self, asked: &Examples) -> Result<Vec<f32>, PredictError> {
        if let Some(logistic) = &self.baseline {
            let b = features::matrix(asked.baseline.clone(), features::BASELINE_COLS);
            return Ok(logistic.probabilities(&self.baseline_scaler.transform(b))?);
        }
        let width = self.class_prior.len().max(1);
        Ok(asked
            .mix
            .chunks(width)
            .flat_map(|row| {
                let total: f32 = row.iter().sum::<f32>() + BASELINE_PRIOR;
                row.iter()
                    .zip(&self.class_prior)
                    .map(move |(c, p)| (c + BASELINE_PRIOR * p) / total)
            })
            .collect())
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
