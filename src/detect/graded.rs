//! What the window's figures are graded on: out-of-sample scores of the labelled accounts
//! where a model can give them (`super::out_of_fold`).

/// What the labelled accounts' out-of-sample scores are.
#[derive(Clone, Debug, PartialEq)]
pub enum Graded {
    /// The detector never learns from a label: its scores are out of sample as they are.
    Unsupervised,
    /// Per user: the score from a model fitted without the user's label; NaN for users whose
    /// label the model did not learn (their score is out of sample already).
    OutOfFold(Vec<f32>),
    /// None to be had (too few labels to fold, or a detector that cannot refit cheaply): the
    /// figures are on the labels the model learnt from.
    InSample,
}

impl Graded {
    /// What a model is graded on before anything is computed: in sample when it learns
    /// from labels (`DetectorKind::learns_from_labels`).
    pub fn before_folding(learns_from_labels: bool) -> Self {
        if learns_from_labels {
            Self::InSample
        } else {
            Self::Unsupervised
        }
    }

    pub fn is_out_of_sample(&self) -> bool {
        !matches!(self, Self::InSample)
    }

    /// The scores to grade `scores` by: each account's out-of-fold score where it has one.
    pub fn scores_to_grade(&self, scores: &[f32]) -> Vec<f32> {
        match self {
            Self::OutOfFold(oof) => scores
                .iter()
                .zip(oof)
                .map(|(&s, &o)| if o.is_finite() { o } else { s })
                .collect(),
            _ => scores.to_vec(),
        }
    }
}
