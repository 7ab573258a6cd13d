//! What a retrain started from the triage takes with it to its job thread, and the report of
//! a model's quality that the triage keeps before and after it.

use std::path::PathBuf;
use std::sync::Arc;

use super::error::Result;
use super::session::{Retrained, retrain};
use crate::cases::Case;
use crate::detect::DetectorKind;
use crate::eval::Metrics;
use crate::features::Dataset;
use crate::progress::Progress;

/// Metrics of one model on the labels known when it was compared.
#[derive(Clone, Debug, Default)]
pub struct ModelReport {
    pub detector: String,
    pub labels: usize,
    pub metrics: Metrics,
    /// Graded on scores from models that did not learn the labels graded (out of fold), or
    /// on the labels the model learnt from.
    pub out_of_sample: bool,
}

/// What a retrain needs, taken from the triage when it starts (it then runs elsewhere).
pub struct RetrainInput {
    pub data: Arc<Dataset>,
    pub cases: Vec<Case>,
    pub kind: DetectorKind,
    /// The team's daily review capacity, which the new thresholds flag.
    pub capacity: usize,
    pub dir: PathBuf,
}

impl RetrainInput {
    /// Accounts with a fraud or legit verdict: what the retrain learns from the analyst.
    pub fn verdicts(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.verdict.is_some_and(|v| v.label().is_known()))
            .count()
    }

    pub fn run(self, progress: &dyn Progress) -> Result<Retrained> {
        let model = (self.kind, self.capacity);
        retrain(&self.data, &self.cases, model, self.dir, progress)
    }
}
