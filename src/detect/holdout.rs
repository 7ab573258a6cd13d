//! Choosing training rows: the validation split every supervised learner stops early on, and
//! the cap that keeps big logs trainable without losing the rare fraud rows.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

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

/// The events (or event rows) an event-level model learns from: every fraud one, then a seeded
/// sample of the rest up to `MAX_EVENT_TRAIN_ROWS`. The training command featurises exactly
/// these, so a model trained on the sample equals one trained on the whole table.
pub fn event_sample(rows: Vec<usize>, positive: impl Fn(usize) -> bool, seed: u64) -> Vec<usize> {
    cap_keeping_positives(rows, positive, MAX_EVENT_TRAIN_ROWS, seed ^ 0xe7e7)
}
