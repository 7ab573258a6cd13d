//! What the behaviour model's tokens are made of, learnt from the training events and kept
//! with the model: the event types with a slot of their own, the amount buckets' edges and
//! the entity roles. Everything is looked up by name, so a window of a log (whose dictionaries
//! number values afresh) reads the same tokens as the whole log.

use serde::{Deserialize, Serialize};

use crate::log::{EventLog, NULL_CODE};

/// Event types with a slot of their own, the most frequent first; the rest share slot 0.
const MAX_TYPES: usize = 48;
/// Amount buckets, cut at quantiles of the training amounts (log-scale by construction).
const AMOUNT_BUCKETS: usize = 16;
/// Buckets each role's values hash into: the model can learn a busy value's own habits
/// without a table the size of the log's dictionary.
pub const HASH_BUCKETS: usize = 256;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenVocab {
    /// Slot `i + 1` is `types[i]`.
    pub types: Vec<String>,
    /// Bucket `1 + k` holds the amounts above `k` edges; bucket 0 is "no amount".
    pub amount_edges: Vec<f64>,
    /// The entity columns, by name, in the order tokens carry them.
    pub roles: Vec<String>,
}

impl TokenVocab {
    /// The vocabulary of `events` of `log`.
    pub fn learn(log: &EventLog, events: &[usize]) -> Self {
        let kinds = &log.columns.event;
        let mut counts = vec![0u64; kinds.dict.len()];
        for &e in events {
            if let Some(c) = counts.get_mut(kinds.codes[e] as usize) {
                *c += 1;
            }
        }
        let mut order: Vec<u32> = (0..counts.len() as u32)
            .filter(|&c| counts[c as usize] > 0)
            .collect();
        order.sort_by(|&a, &b| {
            (counts[b as usize].cmp(&counts[a as usize]))
                .then_with(|| kinds.dict.get(a).cmp(kinds.dict.get(b)))
        });
        order.truncate(MAX_TYPES);
        let amounts: Vec<f64> = match &log.columns.amount {
            Some(a) => events
                .iter()
                .map(|&e| a[e])
                .filter(|v| v.is_finite())
                .collect(),
            None => Vec::new(),
        };
        Self {
            types: order
                .iter()
                .map(|&c| kinds.dict.get(c).to_string())
                .collect(),
            amount_edges: quantile_edges(amounts),
            roles: log
                .columns
                .entities
                .iter()
                .map(|c| c.name.clone())
                .collect(),
        }
    }

    /// Classes of the type: one per named type and one for the rest.
    pub fn type_classes(&self) -> usize {
        self.types.len() + 1
    }

    /// Classes of the amount: no amount, and one per bucket.
    pub fn amount_classes(&self) -> usize {
        self.amount_edges.len() + 2
    }

    fn amount_class(&self, amount: f64) -> u32 {
        if !amount.is_finite() {
            return 0;
        }
        1 + self.amount_edges.partition_point(|&edge| edge < amount) as u32
    }
}

/// The distinct quantiles cutting `values` into `AMOUNT_BUCKETS` parts.
fn quantile_edges(mut values: Vec<f64>) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    values.sort_by(f64::total_cmp);
    let last = values.len() - 1;
    let mut edges: Vec<f64> = (1..AMOUNT_BUCKETS)
        .map(|i| values[i * last / AMOUNT_BUCKETS])
        .collect();
    edges.dedup();
    edges
}

/// A stable hash of a value's text (FNV-1a): the same bucket in every process and version,
/// so a saved model reads a value as it learnt it.
fn bucket_of(text: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % HASH_BUCKETS as u64) as u32
}

/// A vocabulary read against one log: each of its codes looked up once.
pub struct LogTokens<'a> {
    pub vocab: &'a TokenVocab,
    log: &'a EventLog,
    /// Per event-type code of the log: its class (0 when it has no slot of its own).
    type_class: Vec<u32>,
    /// Per role of the vocabulary: the log's column of it, and each of its codes' bucket.
    roles: Vec<Option<(usize, Vec<u32>)>>,
}

impl<'a> LogTokens<'a> {
    pub fn new(vocab: &'a TokenVocab, log: &'a EventLog) -> Self {
        let dict = &log.columns.event.dict;
        let mut type_class = vec![0u32; dict.len()];
        for (slot, name) in vocab.types.iter().enumerate() {
            if let Some(c) = dict.lookup(name) {
                type_class[c as usize] = slot as u32 + 1;
            }
        }
        let roles = vocab
            .roles
            .iter()
            .map(|role| {
                let col = log.columns.entities.iter().position(|c| &c.name == role)?;
                let dict = &log.columns.entities[col].column.dict;
                Some((col, dict.iter().map(bucket_of).collect()))
            })
            .collect();
        Self {
            vocab,
            log,
            type_class,
            roles,
        }
    }

    pub fn log(&self) -> &EventLog {
        self.log
    }

    pub fn type_class(&self, e: usize) -> u32 {
        self.type_class
            .get(self.log.columns.event.codes[e] as usize)
            .copied()
            .unwrap_or(0)
    }

    pub fn amount_class(&self, e: usize) -> u32 {
        match &self.log.columns.amount {
            Some(a) => self.vocab.amount_class(a[e]),
            None => 0,
        }
    }

    /// Event `e`'s value of role `r` as its code (`NULL_CODE` when it has none) and bucket.
    pub fn role_value(&self, r: usize, e: usize) -> (u32, u32) {
        match &self.roles[r] {
            Some((col, buckets)) => {
                let code = self.log.columns.entities[*col].column.codes[e];
                match code {
                    NULL_CODE => (NULL_CODE, 0),
                    c => (c, buckets[c as usize]),
                }
            }
            None => (NULL_CODE, 0),
        }
    }

    pub fn roles(&self) -> usize {
        self.roles.len()
    }
}
