//! From the model's surprise to scores. An account's events are unusual in two ways the
//! model sees: they surprise it (an account unlike anyone's past: a takeover's new device, a
//! refund where a purchase was expected), or they surprise it far less than anyone's (a
//! script: card testing, a bot, brushing, each event the one the model expected). On the
//! generated shop the first direction alone ranked fraud below legit (event AP 0.08): most
//! fraud there is scripted. Each event is scored by the rarer of the two, among the training
//! events; an account by its three riskiest events.

use serde::{Deserialize, Serialize};

use crate::detect::{Calibration, Scores};
use crate::features::{Dataset, TokenBatch};

/// An account scores as the mean of this many of its riskiest events: one odd event is
/// weaker evidence than a few.
const ACCOUNT_TOP_EVENTS: usize = 3;

/// What the model made of one scored event.
#[derive(Clone, Copy, Debug)]
pub(super) struct EventSurprise {
    /// The event's own surprise: the sum of its fields' negative log-likelihoods.
    pub own: f32,
    /// The mean surprise of the events its pass read up to it (the pass's first event,
    /// predicted from nothing, left out when there are others): how predictable the
    /// account's recent behaviour was.
    pub pass_mean: f32,
}

impl EventSurprise {
    const NONE: Self = Self {
        own: f32::NAN,
        pass_mean: f32::NAN,
    };
}

/// Every scored event of `batch`, from the surprise of every event it predicted (in order),
/// handed to `put` with the event's index.
pub(super) fn chunk_surprise(
    batch: &TokenBatch,
    surprise: &[f32],
    mut put: impl FnMut(usize, EventSurprise),
) {
    let p = &batch.predicted;
    let (mut pass, mut sum, mut n) = (usize::MAX, 0.0f32, 0u32);
    for (i, &own) in surprise.iter().enumerate() {
        let token = p.from_token[i] as usize;
        if token / batch.len != pass {
            (pass, sum, n) = (token / batch.len, 0.0, 0);
        }
        if !token.is_multiple_of(batch.len) {
            sum += own;
            n += 1;
        }
        if p.in_chunk[i] {
            let pass_mean = if n > 0 { sum / n as f32 } else { own };
            put(p.event[i] as usize, EventSurprise { own, pass_mean });
        }
    }
}

/// The calibrations that turn surprise into scores, fitted on the training events.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ScoreScale {
    own: Calibration,
    regularity: Calibration,
    event: Calibration,
    user: Calibration,
}

impl ScoreScale {
    /// The scale of the `learnable` events' surprise (in `surprise`, one per event of
    /// `data`), the accounts ranked among those `train_users` marks.
    pub fn fit(
        data: &Dataset,
        surprise: &[EventSurprise],
        learnable: &[usize],
        train_users: &[bool],
    ) -> Self {
        let learnt: Vec<EventSurprise> = learnable.iter().map(|&e| surprise[e]).collect();
        let own: Vec<f32> = learnt.iter().map(|s| s.own).collect();
        let regularity: Vec<f32> = learnt.iter().map(|s| -s.pass_mean).collect();
        let mut scale = Self {
            own: Calibration::empirical(&own),
            regularity: Calibration::empirical(&regularity),
            event: Calibration::Identity,
            user: Calibration::Identity,
        };
        let rarer: Vec<f32> = learnt.iter().map(|&s| scale.rarer(s)).collect();
        scale.event = Calibration::empirical(&rarer);
        let events: Vec<f32> = surprise.iter().map(|&s| scale.event_score(s)).collect();
        let accounts: Vec<f32> = account_scores(data, &events)
            .into_iter()
            .zip(train_users)
            .filter(|(_, train)| **train)
            .map(|(s, _)| s)
            .collect();
        scale.user = Calibration::empirical(&accounts);
        scale
    }

    /// The rarer of the event's surprise and its pass's regularity, as a share of the
    /// training events below it.
    fn rarer(&self, s: EventSurprise) -> f32 {
        if !s.own.is_finite() {
            return f32::NAN;
        }
        self.own
            .apply(s.own)
            .max(self.regularity.apply(-s.pass_mean))
    }

    pub fn event_score(&self, s: EventSurprise) -> f32 {
        self.event.apply(self.rarer(s))
    }

    /// Every account's and event's score from every event's surprise.
    pub fn scores(&self, data: &Dataset, surprise: &[EventSurprise]) -> Scores {
        let event: Vec<f32> = surprise.iter().map(|&s| self.event_score(s)).collect();
        let user = account_scores(data, &event)
            .into_iter()
            .map(|s| self.user.apply(s))
            .collect();
        Scores { user, event }
    }
}

/// The surprise of every event of `data`, none yet.
pub(super) fn no_surprise(data: &Dataset) -> Vec<EventSurprise> {
    vec![EventSurprise::NONE; data.log.len()]
}

/// Each account's raw score: the mean of its `ACCOUNT_TOP_EVENTS` riskiest event scores (NaN
/// for an account without a scored event).
fn account_scores(data: &Dataset, events: &[f32]) -> Vec<f32> {
    data.index
        .users()
        .map(|u| {
            let mut own: Vec<f32> = data
                .index
                .events(u)
                .iter()
                .map(|&e| events[e as usize])
                .filter(|s| s.is_finite())
                .collect();
            own.sort_unstable_by(|a, b| b.total_cmp(a));
            own.truncate(ACCOUNT_TOP_EVENTS);
            own.iter().sum::<f32>() / own.len() as f32
        })
        .collect()
}
