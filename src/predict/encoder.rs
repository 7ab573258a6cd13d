//! The behaviour model's expectations as prediction features. For each example, the encoder's
//! next-event head reads the user's last events before the example's cut-off and gives the
//! probability of each next-event class and of each gap before it. The encoder learnt these
//! from every event of the log, labelled or not; the prediction networks learn what they are
//! worth for the target beside the hand-made features (`Models`).

use super::examples::Examples;
use super::request::PredictError;
use super::vocabulary::{OTHER, Vocabulary};
use crate::detect::Detector;
use crate::features::GAP_CLASSES;
use crate::log::{EventLog, UserCode};
use crate::progress::Progress;

/// Sets `examples`' encoder columns: the probability of each of `vocabulary`'s classes for
/// the next event, then of each gap class. `before` is the log the examples' users index.
pub fn read_expectations(
    model: &dyn Detector,
    before: &EventLog,
    vocabulary: &Vocabulary,
    examples: &mut Examples,
    progress: &dyn Progress,
) -> Result<(), PredictError> {
    let asked: Vec<(UserCode, i64)> = examples
        .at
        .iter()
        .map(|&(user, cutoff)| (UserCode::from_index(user), cutoff))
        .collect();
    let outlook = model
        .next_event_outlook(before, &asked, progress)?
        .ok_or_else(|| PredictError::NoNextEventHead {
            detector: model.kind().to_string(),
        })?;
    // The class each of the model's type classes counts as.
    let class_of: Vec<usize> = (0..outlook.type_classes())
        .map(|t| usize::from(vocabulary.class_of(outlook.type_name(t).unwrap_or(OTHER))))
        .collect();
    let width = vocabulary.classes.len();
    let cols = width + GAP_CLASSES;
    let mut columns = vec![0f32; asked.len() * cols];
    let types = outlook.type_classes();
    for (i, row) in columns.chunks_exact_mut(cols).enumerate() {
        for (t, &p) in outlook.type_p[i * types..(i + 1) * types]
            .iter()
            .enumerate()
        {
            row[class_of[t]] += p;
        }
        row[width..].copy_from_slice(&outlook.gap_p[i * GAP_CLASSES..(i + 1) * GAP_CLASSES]);
    }
    examples.encoder = columns;
    examples.encoder_cols = cols;
    Ok(())
}

/// The next-event class probabilities of each example, out of its encoder columns: the
/// model's own prediction of the next event.
pub fn next_event_head(examples: &Examples, width: usize) -> Option<Vec<f32>> {
    let cols = examples.encoder_cols;
    (cols > 0).then(|| {
        examples
            .encoder
            .chunks_exact(cols)
            .flat_map(|row| row[..width].iter().copied())
            .collect()
    })
}
