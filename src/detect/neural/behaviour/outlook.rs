//! What the encoder's next-event head expects of an account after a cut-off: the probability
//! of each type for its next event and of each gap before it, read from the account's last
//! events before the cut-off. Behaviour prediction (`predict`) reads them beside its own
//! features: the encoder learnt them from every event of the log, labelled or not.

use super::detector::BehaviourDetector;
use crate::detect::neural::compute_device;
use crate::detect::{DetectError, NextEventOutlook};
use crate::features::{GAP_CLASSES, Pass, pass_before};
use crate::log::{EventLog, UserCode, UserIndex};
use crate::progress::{Progress, Stage};

impl BehaviourDetector {
    /// The model's expectations of each `(account, cut-off)` of `asked`: its next event after
    /// the cut-off, predicted from its events of `log` before it.
    pub(super) fn expect_next_events(
        &self,
        log: &EventLog,
        asked: &[(UserCode, i64)],
        progress: &dyn Progress,
    ) -> Result<NextEventOutlook, DetectError> {
        let vocab = &self.learned.as_ref().ok_or(DetectError::NotTrained)?.vocab;
        let index = UserIndex::new(log);
        // Sorted by length, so that a batch pads little; `order` maps back.
        let mut order: Vec<usize> = (0..asked.len()).collect();
        let passes: Vec<Pass> = asked
            .iter()
            .map(|&(user, cutoff)| pass_before(log, &index, user, cutoff))
            .collect();
        order.sort_by_key(|&i| passes[i].tokens());
        let sorted: Vec<Pass> = order.iter().map(|&i| passes[i]).collect();
        let types = vocab.type_classes();
        let mut type_p = vec![0f32; asked.len() * types];
        let mut gap_p = vec![0f32; asked.len() * GAP_CLASSES];
        let mut done = 0;
        let stage = Stage::ReadingAccounts;
        self.over_log_batches(
            log,
            &index,
            vocab,
            &sorted,
            stage,
            progress,
            |net, batch| {
                // Each pass's last token: the reading of everything before the cut-off.
                let cells: Vec<u32> = (0..batch.passes)
                    .map(|p| (p * batch.len + sorted[done + p].tokens() - 1) as u32)
                    .collect();
                let (t, g) = net.next_event(batch, &cells, compute_device())?;
                let (t, g) = (t.to_vec2::<f32>()?, g.to_vec2::<f32>()?);
                for (p, (t, g)) in t.iter().zip(&g).enumerate() {
                    let row = order[done + p];
                    type_p[row * types..(row + 1) * types].copy_from_slice(t);
                    gap_p[row * GAP_CLASSES..(row + 1) * GAP_CLASSES].copy_from_slice(g);
                }
                done += batch.passes;
                Ok(())
            },
        )?;
        Ok(NextEventOutlook {
            types: vocab.types.clone(),
            type_p,
            gap_p,
        })
    }
}
