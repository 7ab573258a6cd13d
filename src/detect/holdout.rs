//! Choosing training rows: the validation split every supervised learner stops early on, and
//! the cap that keeps big logs trainable without losing the rare fraud rows.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::log::{EventLog, Label};

/// Splits rows into training and validation, stratified by `positive` so both halves see
/// fraud; with too few rows there is no validation split.
pub fn split_validation(
    rows: &[usize],
    positive: impl Fn(usize) -> bool,
    fraction: f64,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    if rows.len() < 20 {
        return (rows.to_vec(), Vec::new());
    }
    let (pos, neg) = shuffled_by_class(rows, positive, seed ^ 0x7a11d);
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for group in [pos, neg] {
        let k = (group.len() as f64 * fraction).round() as usize;
        val.extend_from_slice(&group[..k]);
        train.extend_from_slice(&group[k..]);
    }
    (train, val)
}

/// The positive and the other `rows`, each in a seeded random order.
fn shuffled_by_class(
    rows: &[usize],
    positive: impl Fn(usize) -> bool,
    seed: u64,
) -> (Vec<usize>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut pos, mut neg): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| positive(r));
    pos.shuffle(&mut rng);
    neg.shuffle(&mut rng);
    (pos, neg)
}

/// `rows` dealt into `k` folds, positives first, each class shuffled: every fold holds its
/// share of the rare class.
pub fn stratified_folds(
    rows: &[usize],
    positive: impl Fn(usize) -> bool,
    k: usize,
    seed: u64,
) -> Vec<Vec<usize>> {
    let (pos, neg) = shuffled_by_class(rows, positive, seed ^ 0xf01d);
    let mut out = vec![Vec::new(); k.max(1)];
    for (i, r) in pos.into_iter().chain(neg).enumerate() {
        out[i % k.max(1)].push(r);
    }
    out
}

/// At most about `cap` of `rows` (sorted): every positive row, and a seeded sample of the rest
/// (at least half the cap), so a big log trains in bounded time on all the fraud it has.
pub fn cap_keeping_positives(
    rows: Vec<usize>,
    positive: impl Fn(usize) -> bool,
    cap: usize,
    seed: u64,
) -> Vec<usize> {
    if rows.len() <= cap {
        return rows;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (positives, mut rest): (Vec<usize>, Vec<usize>) = rows.iter().partition(|&&r| positive(r));
    rest.shuffle(&mut rng);
    rest.truncate(cap.saturating_sub(positives.len()).max(cap / 2));
    let mut kept: Vec<usize> = positives.into_iter().chain(rest).collect();
    kept.sort_unstable();
    kept
}

/// Event-level models learn from at most this many events (all labelled fraud, then a
/// sample): enough to learn the shape of normal, and a 2-million-event log trains in seconds.
pub const MAX_EVENT_TRAIN_ROWS: usize = 100_000;

/// The key that decides whether an event other than fraud is in a training sample: a hash of
/// the seed and the event's place in its log (its data row, and its place among that row's
/// events). Any machine that holds the event draws the same key, so a cluster that sees each
/// event in some part samples as one machine reading the whole log does.
pub fn sample_key(seed: u64, row: u64, place: u32) -> u64 {
    let mut bytes = [0u8; 20];
    bytes[..8].copy_from_slice(&(seed ^ 0xe7e7).to_le_bytes());
    bytes[8..16].copy_from_slice(&row.to_le_bytes());
    bytes[16..].copy_from_slice(&place.to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// A weighted, stratified sample of events to learn from, decided by counts alone: every
/// positive (fraud) event, and each other event whose `sample_key` falls under the share that
/// leaves about `cap` events in all (at least half of them others). Each kept other event
/// stands for `1 / other_share()` of its kind.
///
/// The rule is its own fixed point: the sample, sampled again by its own counts, is kept
/// whole (its others' keys all fall under the smaller share the whole log gave them). A
/// detector that applies it to the events it is given therefore learns the same from the
/// sample as from the whole table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSample {
    pub positive: u64,
    pub other: u64,
    pub cap: u64,
}

impl EventSample {
    /// The sample of events with these training `targets` (fraud is positive), about `cap`.
    pub fn of_targets(targets: &[Label], cap: usize) -> Self {
        let positive = targets.iter().filter(|t| t.is_fraud()).count() as u64;
        Self {
            positive,
            other: targets.len() as u64 - positive,
            cap: cap as u64,
        }
    }

    /// How many of the log's events other than fraud each one the sample kept stands for, when
    /// it kept `kept` events in all (every fraud event among them).
    pub fn others_per_kept(&self, kept: usize) -> f64 {
        let kept_others = (kept as u64).saturating_sub(self.positive).max(1);
        (self.other as f64 / kept_others as f64).max(1.0)
    }

    /// Which events of `log` (with these training `targets`, and `places`: its
    /// `places_in_row`) the sample keeps, by the keys of `seed`: on a part of a log, with the
    /// counts of the whole, the part's share of it.
    pub fn keeps_events(
        &self,
        log: &EventLog,
        places: &[u32],
        targets: &[Label],
        seed: u64,
    ) -> Vec<bool> {
        (0..log.len())
            .map(|e| {
                let key = sample_key(seed, log.columns.row[e], places[e]);
                self.keeps(targets[e].is_fraud(), key)
            })
            .collect()
    }

    /// How many other events the sample aims at.
    fn wanted_others(&self) -> u64 {
        if self.positive + self.other <= self.cap {
            self.other
        } else {
            self.cap.saturating_sub(self.positive).max(self.cap / 2)
        }
    }

    /// The share of other events kept, in (0, 1].
    pub fn other_share(&self) -> f64 {
        if self.other == 0 {
            1.0
        } else {
            (self.wanted_others() as f64 / self.other as f64).min(1.0)
        }
    }

    /// Whether an event (positive or not, with this `sample_key`) is in the sample. Exact
    /// integer arithmetic: every machine decides alike.
    pub fn keeps(&self, positive: bool, key: u64) -> bool {
        positive
            || self.positive + self.other <= self.cap
            || u128::from(key) * u128::from(self.other) < u128::from(self.wanted_others()) << 64
    }
}

/// The events (or event rows) an event-level model learns from: `EventSample` of `rows` by
/// their classes, at most about `MAX_EVENT_TRAIN_ROWS`. The training command featurises
/// exactly these, so a model trained on the sample equals one trained on the whole table.
pub fn event_sample(
    rows: Vec<usize>,
    positive: impl Fn(usize) -> bool,
    key: impl Fn(usize) -> u64,
) -> Vec<usize> {
    let fraud = rows.iter().filter(|&&r| positive(r)).count() as u64;
    let sample = EventSample {
        positive: fraud,
        other: rows.len() as u64 - fraud,
        cap: MAX_EVENT_TRAIN_ROWS as u64,
    };
    rows.into_iter()
        .filter(|&r| sample.keeps(positive(r), key(r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(positive: &[bool], cap: u64, seed: u64) -> Vec<usize> {
        let fraud = positive.iter().filter(|&&p| p).count() as u64;
        let sample = EventSample {
            positive: fraud,
            other: positive.len() as u64 - fraud,
            cap,
        };
        (0..positive.len())
            .filter(|&r| sample.keeps(positive[r], sample_key(seed, r as u64, 0)))
            .collect()
    }

    #[test]
    fn a_sample_keeps_every_positive_and_about_the_cap() {
        let positive: Vec<bool> = (0..200_000).map(|r| r % 100 == 0).collect();
        let kept = sampled(&positive, 20_000, 7);
        assert!(
            positive
                .iter()
                .enumerate()
                .all(|(r, &p)| !p || kept.contains(&r))
        );
        let others = kept.iter().filter(|&&r| !positive[r]).count();
        // 18,000 others wanted: within a few standard deviations (about 130).
        assert!((17_400..18_600).contains(&others), "{others}");
        // Another seed draws another sample.
        assert_ne!(kept, sampled(&positive, 20_000, 8));
        // A log within the cap is kept whole.
        assert_eq!(sampled(&positive[..15_000], 20_000, 7).len(), 15_000);
    }

    #[test]
    fn the_sample_sampled_again_is_kept_whole() {
        for (n, every) in [(300_000, 50), (300_000, 2)] {
            let positive: Vec<bool> = (0..n).map(|r| r % every == 0).collect();
            let kept = sampled(&positive, 20_000, 3);
            let fraud = kept.iter().filter(|&&r| positive[r]).count() as u64;
            let again = EventSample {
                positive: fraud,
                other: kept.len() as u64 - fraud,
                cap: 20_000,
            };
            assert!(
                kept.iter()
                    .all(|&r| again.keeps(positive[r], sample_key(3, r as u64, 0))),
                "1 in {every} positive"
            );
        }
    }
}
