//! How well the behaviour model learnt without labels: how often it names the next event's
//! type, against the account's habit and the log's, on passes it did not train on.

use super::detector::{BehaviourDetector, NAME};
use crate::detect::neural::compute_device;
use crate::detect::{DetectError, SelfSupervision};
use crate::features::{Dataset, Pass, TokenBatch, TokenVocab};
use crate::progress::{NoProgress, Stage};

impl BehaviourDetector {
    /// How often the model names the type of the events `passes` score before reading them,
    /// against the account's habit and the log's.
    pub(super) fn grade_next_types(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        passes: &[Pass],
    ) -> Result<SelfSupervision, DetectError> {
        let (mut events, mut model, mut account, mut log) = (0usize, 0usize, 0usize, 0usize);
        let stage = Stage::Training(NAME);
        self.over_batches(data, vocab, passes, stage, &NoProgress, |net, batch| {
            let predicted = net.predicted_types(batch, compute_device())?;
            let p = &batch.predicted;
            for (i, (&truth, &guess)) in p.kind.iter().zip(&predicted).enumerate() {
                // A prefix event may have been learnt from as another pass's chunk.
                if !p.in_chunk[i] {
                    continue;
                }
                events += 1;
                model += usize::from(guess == truth);
                account += usize::from(account_habit(batch, i) == truth);
                // The vocabulary lists types by frequency: class 1 is the log's most frequent.
                log += usize::from(truth == 1);
            }
            Ok(())
        })?;
        let share = |n: usize| n as f64 / events.max(1) as f64;
        Ok(SelfSupervision {
            events,
            next_type_accuracy: share(model),
            account_habit_accuracy: share(account),
            log_habit_accuracy: share(log),
            with_history: 0.0,
        })
    }
}

/// The type class scored event `i` of `batch` would be guessed as from its account's habit:
/// the most frequent among the events before it in its pass (the log's most frequent, class
/// 1, when there are none; ties go to the lower class).
fn account_habit(batch: &TokenBatch, i: usize) -> u32 {
    let before = batch.predicted.from_token[i] as usize;
    let first = before - before % batch.len + 1;
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for &kind in &batch.kind[first.min(before + 1)..=before] {
        let class = kind - 1;
        match counts.iter_mut().find(|(c, _)| *c == class) {
            Some((_, n)) => *n += 1,
            None => counts.push((class, 1)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(1, |(class, _)| class)
}
