//! The `score` stage: a part of whole users over the whole log, with the window's event
//! features the family stages computed, scored by a trained model into the rows `vigil score`
//! writes for the window (events, and the accounts active in it).

use std::path::PathBuf;

use super::super::error::{Result, WorkbenchError};
use super::super::scored_rows::{Scored, Window, write_scores};
use super::given::given_dataset;
use super::part::PartSource;
use crate::detect::{Level, align_features, load_model};
use crate::features::UserKnowledge;
use crate::language::Language;
use crate::progress::Progress;

pub struct ScorePartRequest {
    pub source: PartSource,
    pub model: PathBuf,
    /// The window's event features (every family's columns, and each event's account's
    /// `shared:<entity>` values), keyed by the part's rows; every event's for a sequence model.
    pub features: PathBuf,
    /// Each event type's count over the whole log (`users` stage, summed).
    pub type_counts: PathBuf,
    pub from_ms: i64,
    pub until_ms: i64,
    pub language: Language,
    pub events_out: PathBuf,
    pub accounts_out: PathBuf,
}

/// What a part's scoring wrote.
pub struct PartScored {
    pub events: usize,
    pub accounts: usize,
}

pub fn score_part(
    request: &ScorePartRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<PartScored> {
    let (detector, meta) = load_model(&request.model)?;
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    let (mut data, featured) =
        given_dataset(part, &request.features, &request.type_counts, progress)?;
    // A sequence model's account scores as its riskiest event, and its windows read each
    // day's events: every event needs its features (the job computes them all for such a
    // model), or the account would score as only some of its events.
    if !meta.detector.scores_accounts_from_account_features() && featured < data.log.len() {
        return Err(WorkbenchError::Request(format!(
            "{}: a {} model scores accounts by all their events, but {} of the part's {} \
             events have features",
            request.features.display(),
            meta.detector,
            featured,
            data.log.len()
        )));
    }
    align_features(&meta, &request.model, &mut data)?;
    let scores = detector.score(&data, progress)?;
    let scored = Scored {
        data: &data,
        detector: detector.as_ref(),
        scores: &scores,
        language: request.language,
    };
    let window = Window {
        from: request.from_ms,
        until: request.until_ms,
    };
    let write = |level: Level, out: &PathBuf| {
        write_scores(out, level, &scored, window).map_err(|e| WorkbenchError::cannot_write(out, e))
    };
    Ok(PartScored {
        events: write(Level::Event, &request.events_out)?,
        accounts: write(Level::User, &request.accounts_out)?,
    })
}
