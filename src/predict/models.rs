//! The networks of one target and its baselines: fitted on the training examples, asked for
//! probabilities of the users at the cut-off.

use super::examples::Examples;
use super::features;
use super::request::{PredictError, PredictOptions, Target};
use super::standardise::Standardiser;
use crate::detect::neural::Classifier;
use crate::progress::{Progress, Stage};

/// The hidden layers of the averaged networks, and how many seeds of each.
const SHAPES: [&[usize]; 2] = [&[64, 32], &[16]];
const BAG: usize = 3;
/// Prior weight of the population's event mix in the most-frequent-event baseline.
const BASELINE_PRIOR: f32 = 1.0;

/// Networks of both shapes and several seeds over one set of feature columns, averaged. One
/// alone varies by a few thousandths of ROC-AUC from seed to seed, about the margin over the
/// baseline on real logs; a wide one learns interactions where there are some (CDNOW), a
/// narrow one learns less noise where there are few (a generated shop's churn), and their
/// average holds up on both, where neither alone did.
struct Networks {
    cols: usize,
    scaler: Standardiser,
    models: Vec<Classifier>,
}

impl Networks {
    fn fit(
        options: &PredictOptions,
        features: &[f32],
        cols: usize,
        answers: &[u32],
        classes: usize,
        progress: &dyn Progress,
    ) -> Result<Self, PredictError> {
        let x = features::matrix(features.to_vec(), cols);
        let scaler = Standardiser::fit(&x);
        let x = scaler.transform(x);
        let stage = match options.target {
            Target::Purchase => Stage::TrainingPurchase,
            Target::Churn => Stage::TrainingChurn,
            Target::NextEvent => Stage::TrainingNextEvent,
        };
        let mut models = Vec::with_capacity(SHAPES.len() * BAG);
        for hidden in SHAPES {
            for b in 0..BAG as u64 {
                let mut model = Classifier::new(cols, classes, hidden)?;
                let seed = options.seed + b;
                model.fit(&x, answers, seed, options.epochs, stage, progress)?;
                models.push(model);
            }
        }
        Ok(Self {
            cols,
            scaler,
            models,
        })
    }

    fn probabilities(&self, features: &[f32]) -> Result<Vec<f32>, PredictError> {
        let x = (self.scaler).transform(features::matrix(features.to_vec(), self.cols));
        let mut sum = vec![0f32; x.rows * self.models[0].classes];
        for model in &self.models {
            for (s, p) in sum.iter_mut().zip(model.probabilities(&x)?) {
                *s += p / self.models.len() as f32;
            }
        }
        Ok(sum)
    }
}

/// The fitted model and baseline of one target.
pub struct Models {
    target: Target,
    networks: Networks,
    /// The same networks reading the behaviour model's expectations beside the features, when
    /// the examples carry them.
    with_encoder: Option<Networks>,
    baseline_scaler: Standardiser,
    /// The recency-frequency logistic regression (purchase and churn).
    baseline: Option<Classifier>,
    /// The share of "yes" among the training examples.
    pub base_rate: f32,
    /// The population's class mix, the prior of the most-frequent-event baseline.
    class_prior: Vec<f32>,
}

impl Models {
    pub fn fit(
        options: &PredictOptions,
        train: &Examples,
        cols: usize,
        classes: usize,
        width: usize,
        progress: &dyn Progress,
    ) -> Result<Self, PredictError> {
        let answers = &train.answers;
        let networks = Networks::fit(options, &train.features, cols, answers, classes, progress)?;
        let with_encoder = match train.encoder_cols {
            0 => None,
            extra => {
                let both = train.with_encoder(cols);
                let cols = cols + extra;
                Some(Networks::fit(
                    options, &both, cols, answers, classes, progress,
                )?)
            }
        };
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
                    Stage::TrainingBaseline,
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
            networks,
            with_encoder,
            baseline_scaler,
            baseline,
            base_rate: yes as f32 / train.answers.len().max(1) as f32,
            class_prior,
        })
    }

    pub fn baseline_name(&self) -> &'static str {
        match self.target {
            Target::NextEvent => "most frequent event",
            _ => "recency-frequency logistic",
        }
    }

    pub fn model(&self, asked: &Examples) -> Result<Vec<f32>, PredictError> {
        self.networks.probabilities(&asked.features)
    }

    /// The model that reads the behaviour model's expectations too, when it was fitted.
    pub fn model_with_encoder(&self, asked: &Examples) -> Result<Option<Vec<f32>>, PredictError> {
        let Some(networks) = &self.with_encoder else {
            return Ok(None);
        };
        let both = asked.with_encoder(self.networks.cols);
        Ok(Some(networks.probabilities(&both)?))
    }

    /// The baseline's probabilities: the logistic regression's, or each user's own event mix
    /// smoothed towards the population's (its most likely class is the user's most frequent).
    pub fn baseline(&self, asked: &Examples) -> Result<Vec<f32>, PredictError> {
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
