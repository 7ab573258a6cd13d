//! The behaviour model with labels: the ensemble's heads are offered the encoder's readings of
//! every event and account beside the features (`detect::Readings`), and at each level the
//! search over time keeps them only where they grade better on the latest labelled period.
//! The encoder itself never reads a label, so a retrain after new labels refits the heads
//! alone (`BehaviourDetector::refit_labels`).

use std::sync::Arc;

use serde_json::value::RawValue;

use super::detector::{BehaviourDetector, passes_by_length};
use super::net::WIDTH;
use super::read_cache::{ReadKey, cached, keep};
use super::scoring::{EventSurprise, ScoreScale, chunk_surprise, no_surprise};
use crate::detect::ensemble::{Ensemble, learns_labels};
use crate::detect::neural::{Array, compute_device};
use crate::detect::readings::Readings;
use crate::detect::state::State;
use crate::detect::{DetectError, Level, Scores, TrainOptions};
use crate::features::{Dataset, GroupMeans, Matrix, Pass, TokenVocab};
use crate::progress::{Progress, Stage};

/// Heads' weights are kept under this prefix among the encoder's.
const HEADS_PREFIX: &str = "heads.";
/// The readings' first columns per event: its score, its surprise and its pass's mean
/// surprise. Its reading follows.
const EVENT_SUMMARY: usize = 3;
/// The first per account: its score. Its mean reading follows.
const USER_SUMMARY: usize = 1;

/// How many of the readings' columns the heads may read.
#[derive(Clone, Copy)]
pub(super) enum Offer {
    /// Each of none, the summary, and the summary with the reading: the search over time
    /// decides.
    Search,
    /// As many as the heads read before, per level (a retrain after new labels).
    As { user: usize, event: usize },
}

impl Offer {
    /// What the `heads` read, or a search where there are none.
    pub fn as_read_by(heads: Option<&Ensemble>) -> Self {
        match heads {
            Some(h) => Self::As {
                user: h.reads(Level::User),
                event: h.reads(Level::Event),
            },
            None => Self::Search,
        }
    }

    fn widths(self) -> (Vec<usize>, Vec<usize>) {
        match self {
            Self::Search => (
                vec![0, USER_SUMMARY, USER_SUMMARY + WIDTH],
                vec![0, EVENT_SUMMARY, EVENT_SUMMARY + WIDTH],
            ),
            Self::As { user, event } => (vec![user], vec![event]),
        }
    }
}

/// What the encoder made of every event of a dataset.
pub(super) struct ReadAll {
    pub surprise: Vec<EventSurprise>,
    /// `WIDTH` values per event of the log (NaN for one the model did not read), when asked.
    readings: Option<Vec<f32>>,
}

impl BehaviourDetector {
    /// Every event of `data` through the encoder: its surprise, and its reading when
    /// `keep_readings`; the last such read is kept (`read_cache.rs`).
    pub(super) fn read_all(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        keep_readings: bool,
        progress: &dyn Progress,
    ) -> Result<Arc<ReadAll>, DetectError> {
        let key = ReadKey::new(self.encoder_hash()?, data);
        if let Some(read) = cached(&key, keep_readings) {
            return Ok(read);
        }
        let passes = passes_by_length(data);
        let read = Arc::new(self.read_passes(data, vocab, &passes, keep_readings, progress)?);
        keep(key, read.clone());
        Ok(read)
    }

    /// `read_all`, computed.
    fn read_passes(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        passes: &[Pass],
        keep_readings: bool,
        progress: &dyn Progress,
    ) -> Result<ReadAll, DetectError> {
        let mut surprise = no_surprise(data);
        let mut readings = keep_readings.then(|| vec![f32::NAN; data.log.len() * WIDTH]);
        let stage = Stage::Scoring;
        self.over_batches(data, vocab, passes, stage, progress, |net, batch| {
            let device = compute_device();
            let (fields, read) = match readings {
                Some(_) => {
                    let (fields, read) = net.surprise_and_readings(batch, device)?;
                    (fields, Some(read.to_vec2::<f32>()?))
                }
                None => (net.surprise(batch, device)?, None),
            };
            let own = fields.sum(1)?.to_vec1::<f32>()?;
            chunk_surprise(batch, &own, |e, s| surprise[e] = s);
            if let (Some(out), Some(read)) = (readings.as_mut(), read) {
                let p = &batch.predicted;
                for (i, row) in read.into_iter().enumerate().filter(|(i, _)| p.in_chunk[*i]) {
                    let e = p.event[i] as usize;
                    out[e * WIDTH..(e + 1) * WIDTH].copy_from_slice(&row);
                }
            }
            Ok(())
        })?;
        Ok(ReadAll { surprise, readings })
    }
}

impl ReadAll {
    pub(super) fn has_readings(&self) -> bool {
        self.readings.is_some()
    }

    /// The columns the heads are offered, as `offer` says. Per featured event row: its score,
    /// its surprise, its pass's mean surprise and its reading. Per account: its score and the
    /// mean of its events' readings.
    pub(super) fn offered(
        &self,
        data: &Dataset,
        scale: &ScoreScale,
        offer: Offer,
    ) -> Option<Readings> {
        let readings = self.readings.as_ref()?;
        let scores = scale.scores(data, &self.surprise);
        let featured = data.featured_events();
        let mut event = Matrix::zeros(featured.len(), EVENT_SUMMARY + WIDTH);
        for (r, &e) in featured.iter().enumerate() {
            let s = self.surprise[e];
            let (summary, reading) = event.row_mut(r).split_at_mut(EVENT_SUMMARY);
            summary.copy_from_slice(&[scores.event[e], s.own, s.pass_mean]);
            reading.copy_from_slice(&readings[e * WIDTH..(e + 1) * WIDTH]);
        }
        let user = Matrix::from_columns(&[scores.user]).hstack(&self.account_means(data)?);
        let (user_widths, event_widths) = offer.widths();
        Some(Readings {
            user,
            event,
            user_widths,
            event_widths,
        })
    }

    /// Each account's mean reading of its events (zeros for one without), when the readings
    /// were kept.
    pub(super) fn account_means(&self, data: &Dataset) -> Option<Matrix> {
        let readings = self.readings.as_ref()?;
        let mut means = GroupMeans::new(data.users(), WIDTH);
        for (e, reading) in readings.chunks_exact(WIDTH).enumerate() {
            if let Some(u) = data.log.user_of(e).filter(|_| reading[0].is_finite()) {
                means.add(u.index(), reading);
            }
        }
        Some(means.means())
    }
}

/// The ensemble's heads fitted on `data` with the encoder's `readings` offered; `None` when
/// the training accounts' labels are too few for a head to learn from.
pub(super) fn fit_heads(
    data: &Dataset,
    options: &TrainOptions,
    readings: &Readings,
    progress: &dyn Progress,
) -> Result<Option<Box<Ensemble>>, DetectError> {
    if !learns_labels(data, options) {
        return Ok(None);
    }
    let mut heads = Ensemble::new();
    heads.fit_reading(data, options, Some(readings), progress)?;
    Ok(Some(Box::new(heads)))
}

/// Each level's scores: the heads' where they learnt from labels, else the encoder's own.
pub(super) fn merged(own: Scores, heads: &Ensemble, supervised: Scores) -> Scores {
    Scores {
        user: if heads.learnt_labels(Level::User) {
            supervised.user
        } else {
            own.user
        },
        event: if heads.learnt_labels(Level::Event) {
            supervised.event
        } else {
            own.event
        },
    }
}

/// Whether the heads read the encoder's readings at either level.
pub(super) fn heads_read(heads: Option<&Ensemble>) -> bool {
    heads.is_some_and(|h| h.reads(Level::User) + h.reads(Level::Event) > 0)
}

/// The heads' saved parameters and weights (the weights under `HEADS_PREFIX`).
pub(super) fn heads_state(heads: &Ensemble) -> Result<(Box<RawValue>, Vec<Array>), DetectError> {
    use crate::detect::Detector;
    let state = heads.state()?;
    let arrays = state
        .arrays
        .into_iter()
        .map(|mut a| {
            a.name = format!("{HEADS_PREFIX}{}", a.name);
            a
        })
        .collect();
    Ok((state.params, arrays))
}

/// The heads rebuilt from their saved parameters and the weights kept under `HEADS_PREFIX`.
pub(super) fn restore_heads(
    params: &RawValue,
    arrays: &[Array],
) -> Result<Box<Ensemble>, DetectError> {
    let arrays = arrays
        .iter()
        .filter_map(|a| {
            let name = a.name.strip_prefix(HEADS_PREFIX)?;
            Some(Array {
                name: name.to_string(),
                ..a.clone()
            })
        })
        .collect();
    let state = State {
        params: params.to_owned(),
        arrays,
    };
    Ok(Box::new(Ensemble::from_state(&state)?))
}
