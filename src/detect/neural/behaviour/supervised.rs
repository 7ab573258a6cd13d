//! The behaviour model with labels: the ensemble's heads are offered the encoder's readings of
//! every event and account beside the features (`detect::Readings`), and at each level the
//! search over time keeps as many of their columns as earn their place. The encoder itself
//! never reads a label, so a retrain after new labels refits the heads alone
//! (`Detector::refit_labels`).

use serde_json::value::RawValue;

use super::detector::BehaviourDetector;
use super::net::WIDTH;
use super::read::ReadAll;
use crate::detect::ensemble::{Ensemble, learns_labels};
use crate::detect::neural::Array;
use crate::detect::readings::Readings;
use crate::detect::state::State;
use crate::detect::{DetectError, Graded, Level, Scores, TrainOptions};
use crate::features::{Dataset, Matrix};
use crate::progress::Progress;

/// Heads' weights are kept under this prefix among the encoder's.
const HEADS_PREFIX: &str = "heads.";
/// The readings' first columns per event: its score, its surprise and its pass's mean
/// surprise. Its reading follows.
const EVENT_SUMMARY: usize = 3;
/// The first per account: its score. Its mean reading follows.
const USER_SUMMARY: usize = 1;

/// The heads' parameters and weights, as a model directory keeps them.
pub(super) type SavedHeads = (Box<RawValue>, Vec<Array>);

/// How many of the readings' columns the heads may read.
#[derive(Clone, Copy)]
enum Offer {
    /// Each of none, the summary, and the summary with the reading: the search over time
    /// decides.
    Search,
    /// As many as the heads read before, per level (a retrain after new labels).
    As { user: usize, event: usize },
}

impl Offer {
    /// What the `heads` read, or a search where there are none.
    fn as_read_by(heads: Option<&Ensemble>) -> Self {
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

impl BehaviourDetector {
    /// Fits the heads on `data`'s labels with the encoder's `read` offered: as many of its
    /// columns as the search keeps, or, `as_before`, as many as the heads read before (a
    /// retrain after new labels). No heads when the training accounts' labels are too few.
    pub(super) fn fit_heads(
        &mut self,
        data: &Dataset,
        options: &TrainOptions,
        (read, as_before): (&ReadAll, bool),
        progress: &dyn Progress,
    ) -> Result<(), DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let offer = match as_before {
            true => Offer::as_read_by(self.heads.as_deref()),
            false => Offer::Search,
        };
        let own = learned.scale.scores(data, &read.surprise);
        let readings = offered(read, data, &own, offer);
        self.heads = None;
        let Some(readings) = readings.filter(|_| learns_labels(data, options)) else {
            return Ok(());
        };
        let mut heads = Ensemble::new();
        heads.fit_reading(data, options, Some(&readings), progress)?;
        self.heads = Some(Box::new(heads));
        Ok(())
    }

    /// The encoder's scores, or the heads' at the levels where they learnt from labels, of
    /// the events from `from_ms` on (`Detector::score_from`).
    pub(super) fn scores(
        &self,
        data: &Dataset,
        from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Scores, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let heads = self.heads.as_deref();
        let reads = heads.is_some_and(|h| h.reads(Level::User) + h.reads(Level::Event) > 0);
        let read = self.read_from(data, &learned.vocab, reads, from_ms, progress)?;
        let own = learned.scale.scores(data, &read.surprise);
        let Some(heads) = heads else {
            return Ok(own);
        };
        let offer = Offer::as_read_by(Some(heads));
        let readings = offered(&read, data, &own, offer);
        let supervised = heads.score_reading(data, readings.as_ref(), progress)?;
        let pick = |level, own, supervised| match heads.learnt_labels(level) {
            true => supervised,
            false => own,
        };
        Ok(Scores {
            user: pick(Level::User, own.user, supervised.user),
            event: pick(Level::Event, own.event, supervised.event),
        })
    }

    /// The heads' accounts refitted without their labels, where the heads learnt from them.
    pub(super) fn heads_out_of_fold(
        &self,
        data: &Dataset,
        options: &TrainOptions,
        progress: &dyn Progress,
    ) -> Result<Graded, DetectError> {
        let (Some(heads), Some(learned)) = (self.heads_at(Level::User), &self.learned) else {
            return Ok(Graded::Unsupervised);
        };
        let readings = if heads.reads(Level::User) > 0 {
            let read = self.read_all(data, &learned.vocab, true, progress)?;
            let own = learned.scale.scores(data, &read.surprise);
            offered(&read, data, &own, Offer::as_read_by(Some(heads)))
        } else {
            None
        };
        heads.out_of_fold_reading(data, options, readings.as_ref(), progress)
    }

    /// The heads' saved parameters and weights (the weights under `HEADS_PREFIX`), when
    /// there are heads.
    pub(super) fn heads_state(&self) -> Result<Option<SavedHeads>, DetectError> {
        use crate::detect::Detector;
        let Some(heads) = &self.heads else {
            return Ok(None);
        };
        let state = heads.state()?;
        let arrays = state
            .arrays
            .into_iter()
            .map(|mut a| {
                a.name = format!("{HEADS_PREFIX}{}", a.name);
                a
            })
            .collect();
        Ok(Some((state.params, arrays)))
    }

    /// The heads rebuilt from their saved parameters and the weights kept under
    /// `HEADS_PREFIX`.
    pub(super) fn restore_heads(
        &mut self,
        params: &RawValue,
        arrays: &[Array],
    ) -> Result<(), DetectError> {
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
        self.heads = Some(Box::new(Ensemble::from_state(&state)?));
        Ok(())
    }
}

/// The columns the heads are offered of `read` (with `own`, the encoder's scores of it), as
/// `offer` says (none when the readings were not kept). Per featured event row: its score,
/// its surprise, its pass's mean surprise and its reading. Per account: its score and the
/// mean of its events' readings.
fn offered(read: &ReadAll, data: &Dataset, own: &Scores, offer: Offer) -> Option<Readings> {
    let readings = read.readings.as_ref()?;
    let featured = data.featured_events();
    let mut event = Matrix::zeros(featured.len(), EVENT_SUMMARY + WIDTH);
    for (r, &e) in featured.iter().enumerate() {
        let s = read.surprise[e];
        let (summary, reading) = event.row_mut(r).split_at_mut(EVENT_SUMMARY);
        summary.copy_from_slice(&[own.event[e], s.own, s.pass_mean]);
        reading.copy_from_slice(&readings[e * WIDTH..(e + 1) * WIDTH]);
    }
    let user =
        Matrix::from_columns(std::slice::from_ref(&own.user)).hstack(&read.account_means(data)?);
    let (user_widths, event_widths) = offer.widths();
    Some(Readings {
        user,
        event,
        user_widths,
        event_widths,
    })
}
