//! What the behaviour model says of an event: the fields it least expected given the
//! account's past ("a pay_fail event after 3 earlier events: expected 1 in 350"), and of an
//! account: those of its most surprising event.

use std::collections::HashMap;

use super::detector::BehaviourDetector;
use crate::detect::neural::compute_device;
use crate::detect::{DetectError, Reason, Says, Unexpected};
use crate::features::{Dataset, Pass, TokenBatch, TokenVocab, account_passes};
use crate::log::UserCode;
use crate::progress::{NoProgress, Stage};

/// An event's field is given as a reason when the model gave it at most this chance.
const REASON_CHANCE: f32 = 0.05;
/// Reasons said for an event at most.
const EVENT_REASONS: usize = 3;

impl BehaviourDetector {
    /// The reasons of each of `events`: the fields the model least expected, most surprising
    /// first. Their passes are read together, in batches.
    pub(super) fn event_reasons(
        &self,
        data: &Dataset,
        events: &[usize],
    ) -> Result<Vec<Vec<Reason>>, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let slot: HashMap<u32, usize> = events
            .iter()
            .enumerate()
            .map(|(i, &e)| (e as u32, i))
            .collect();
        let mut users: Vec<UserCode> = events.iter().filter_map(|&e| data.log.user_of(e)).collect();
        users.sort_unstable();
        users.dedup();
        let index = &data.index;
        let mut passes: Vec<Pass> = users
            .iter()
            .flat_map(|&u| account_passes(&data.log, index, u))
            .filter(|p| {
                let scored = &index.events(p.user)[p.target as usize..p.end as usize];
                scored.iter().any(|e| slot.contains_key(e))
            })
            .collect();
        passes.sort_by_key(Pass::tokens);
        let mut out = vec![Vec::new(); events.len()];
        let stage = Stage::Scoring;
        self.over_batches(
            data,
            &learned.vocab,
            &passes,
            stage,
            &NoProgress,
            |net, batch| {
                let fields = net.surprise(batch, compute_device())?.to_vec2::<f32>()?;
                let p = &batch.predicted;
                for (k, e) in p.event.iter().enumerate() {
                    if let Some(&i) = slot.get(e).filter(|_| p.in_chunk[k]) {
                        out[i] = said_of(data, &learned.vocab, batch, k, &fields[k]);
                    }
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// The reasons of each of `users`: those of the account's most surprising event.
    pub(super) fn account_reasons(
        &self,
        data: &Dataset,
        users: &[UserCode],
    ) -> Result<Vec<Vec<Reason>>, DetectError> {
        let learned = self.learned.as_ref().ok_or(DetectError::NotTrained)?;
        let slot: HashMap<UserCode, usize> =
            users.iter().enumerate().map(|(i, &u)| (u, i)).collect();
        let mut passes: Vec<Pass> = users
            .iter()
            .flat_map(|&u| account_passes(&data.log, &data.index, u))
            .collect();
        passes.sort_by_key(Pass::tokens);
        let mut riskiest: Vec<Option<(usize, f32)>> = vec![None; users.len()];
        self.each_surprise(data, &learned.vocab, &passes, &NoProgress, |e, surprise| {
            let Some(&i) = data.log.user_of(e).and_then(|u| slot.get(&u)) else {
                return;
            };
            let s = learned.scale.event_score(surprise);
            if riskiest[i].is_none_or(|(_, top)| s > top) {
                riskiest[i] = Some((e, s));
            }
        })?;
        let events: Vec<usize> = riskiest.iter().flatten().map(|&(e, _)| e).collect();
        let mut said = self.event_reasons(data, &events)?.into_iter();
        Ok(riskiest
            .iter()
            .map(|r| match r {
                Some(_) => said.next().unwrap_or_default(),
                None => Vec::new(),
            })
            .collect())
    }
}

/// What the model least expected of scored event `k` of `batch`, whose fields' surprise is
/// `fields`: the fields it gave at most `REASON_CHANCE`, most surprising first.
fn said_of(
    data: &Dataset,
    vocab: &TokenVocab,
    batch: &TokenBatch,
    k: usize,
    fields: &[f32],
) -> Vec<Reason> {
    let e = batch.predicted.event[k] as usize;
    let before = batch.read_before(k);
    let mut reasons: Vec<Reason> = fields
        .iter()
        .enumerate()
        .filter(|(_, nll)| (-**nll).exp() <= REASON_CHANCE)
        // An entity value is said when it was new; one seen before is no news in words.
        .filter(|(field, _)| {
            *field < 3 || batch.predicted.role_state[k * batch.roles + field - 3] == 2
        })
        .filter_map(|(field, &nll)| {
            Some(Reason {
                feature: format!("behaviour:{field}"),
                deviation: nll,
                says: Says::Unexpected {
                    what: field_value(data, vocab, e, field, &before)?,
                    chance: (-nll).exp(),
                    after: before.len() as u32,
                },
            })
        })
        .collect();
    reasons.sort_by(|a, b| b.deviation.total_cmp(&a.deviation));
    reasons.truncate(EVENT_REASONS);
    reasons
}

/// What field `field` of event `e` was (type, amount, gap, then one per role), given the
/// events `before` it in its pass.
fn field_value(
    data: &Dataset,
    vocab: &TokenVocab,
    e: usize,
    field: usize,
    before: &[u32],
) -> Option<Unexpected> {
    let cols = &data.log.columns;
    match field {
        0 => Some(Unexpected::Type {
            name: cols.event.get(e)?.to_string(),
        }),
        1 => {
            let amount = cols.amount.as_ref()?[e];
            amount.is_finite().then_some(Unexpected::Amount {
                amount: amount as f32,
            })
        }
        2 => {
            let previous = *before.last()? as usize;
            Some(Unexpected::Gap {
                secs: (cols.ts_ms[e] - cols.ts_ms[previous]) as f32 / 1000.0,
            })
        }
        r => {
            let role = vocab.roles.get(r - 3)?;
            let column = cols.entities.iter().find(|c| &c.name == role)?;
            Some(Unexpected::NewValue {
                role: role.clone(),
                value: column.column.get(e)?.to_string(),
            })
        }
    }
}
