//! A batch of passes as the network's integer inputs and the classes it predicts, built when
//! the batch is read (nothing is stored per token for the whole log). Passes are padded at
//! the end: under causal attention no real token reads a padding one.

use super::passes::Pass;
use super::vocab::{HASH_BUCKETS, LogTokens};
use crate::log::{NULL_CODE, UserIndex};
use crate::time_units::{DAY_MS, HOUR_MS};

/// Upper edges of the gap classes, in seconds; class 0 is "no earlier event in the pass".
const GAP_EDGES_S: [i64; 9] = [1, 10, 60, 300, 1_800, 7_200, 43_200, 86_400, 259_200];
/// Classes of the gap since the account's previous event read in the pass.
pub const GAP_CLASSES: usize = GAP_EDGES_S.len() + 2;
/// Hours of the (UTC) day, and one for the opening token.
pub const HOUR_CLASSES: usize = 25;
/// What an event's value of a role is to the pass: none, seen earlier in it, or new.
pub const ROLE_STATES: usize = 3;

/// The class of a gap of `gap_ms` (`None`: nothing before it in the pass).
fn gap_class(gap_ms: Option<i64>) -> u32 {
    match gap_ms {
        None => 0,
        Some(ms) => 1 + GAP_EDGES_S.partition_point(|&edge| edge * 1000 <= ms) as u32,
    }
}

/// `passes × len` token inputs (row-major by pass) and the classes of every event read.
#[derive(Clone, Debug, Default)]
pub struct TokenBatch {
    pub passes: usize,
    /// Tokens per pass, the opening one included.
    pub len: usize,
    pub roles: usize,
    /// 0 for the opening token and padding, else 1 + the type's class.
    pub kind: Vec<u32>,
    pub amount: Vec<u32>,
    pub gap: Vec<u32>,
    pub hour: Vec<u32>,
    pub position: Vec<u32>,
    /// `ln(1 + gap in seconds) / 10`, 0 without a gap: the time encoder's input.
    pub log_gap: Vec<f32>,
    /// `passes × len × roles`: `role * ROLE_STATES + state`.
    pub role_state: Vec<u32>,
    /// `passes × len × roles`: 0 for no value, else `1 + role * HASH_BUCKETS + bucket`.
    pub role_bucket: Vec<u32>,
    /// The log's event at each token (`u32::MAX` for the opening token and padding).
    pub cell_event: Vec<u32>,
    pub predicted: Predicted,
}

/// Every event a batch reads, each predicted from the tokens before it in its pass: the token
/// whose output predicts it, and its true classes. The pass's chunk is what it scores; its
/// prefix is predicted too (with less before it), which training and the regularity of the
/// pass so far read.
#[derive(Clone, Debug, Default)]
pub struct Predicted {
    /// The event's index in the log.
    pub event: Vec<u32>,
    /// Whether the event is in its pass's chunk (scored by this pass).
    pub in_chunk: Vec<bool>,
    /// The flat token position (`pass * len + t`) read to predict it: the token before it.
    pub from_token: Vec<u32>,
    pub kind: Vec<u32>,
    pub amount: Vec<u32>,
    pub gap: Vec<u32>,
    /// `events × roles`, each in `0..ROLE_STATES`.
    pub role_state: Vec<u32>,
}

impl TokenBatch {
    /// The events read before predicted event `i` in its pass, oldest first.
    pub fn read_before(&self, i: usize) -> Vec<u32> {
        let before = self.predicted.from_token[i] as usize;
        let first = before - before % self.len;
        self.cell_event[first..=before]
            .iter()
            .copied()
            .filter(|&e| e != u32::MAX)
            .collect()
    }

    pub fn gather(tokens: &LogTokens, index: &UserIndex, passes: &[Pass]) -> Self {
        let len = padded_tokens(passes.iter().map(Pass::tokens).max().unwrap_or(1));
        let roles = tokens.roles();
        let cells = passes.len() * len;
        let mut b = Self {
            passes: passes.len(),
            len,
            roles,
            kind: vec![0; cells],
            amount: vec![0; cells],
            gap: vec![0; cells],
            hour: vec![(HOUR_CLASSES - 1) as u32; cells],
            position: (0..cells).map(|i| (i % len) as u32).collect(),
            log_gap: vec![0.0; cells],
            role_state: (0..cells * roles)
                .map(|i| (i % roles.max(1) * ROLE_STATES) as u32)
                .collect(),
            role_bucket: vec![0; cells * roles],
            cell_event: vec![u32::MAX; cells],
            predicted: Predicted::default(),
        };
        for (p, pass) in passes.iter().enumerate() {
            b.put_pass(tokens, index, p, pass);
        }
        b
    }

    fn put_pass(&mut self, tokens: &LogTokens, index: &UserIndex, p: usize, pass: &Pass) {
        let events = &index.events(pass.user)[pass.start as usize..pass.end as usize];
        let ts = &tokens.log().columns.ts_ms;
        let roles = self.roles;
        for (k, &e) in events.iter().enumerate() {
            let e = e as usize;
            let cell = p * self.len + k + 1;
            let gap_ms = k.checked_sub(1).map(|j| ts[e] - ts[events[j] as usize]);
            self.cell_event[cell] = e as u32;
            self.kind[cell] = 1 + tokens.type_class(e);
            self.amount[cell] = tokens.amount_class(e);
            self.gap[cell] = gap_class(gap_ms);
            self.hour[cell] = (ts[e].rem_euclid(DAY_MS) / HOUR_MS) as u32;
            self.log_gap[cell] =
                gap_ms.map_or(0.0, |ms| ((ms.max(0) as f32 / 1000.0).ln_1p()) / 10.0);
            let mut states = Vec::with_capacity(roles);
            for r in 0..roles {
                let (code, bucket) = tokens.role_value(r, e);
                let state = role_state(tokens, r, code, &events[..k]);
                self.role_state[cell * roles + r] = (r * ROLE_STATES) as u32 + state;
                if code != NULL_CODE {
                    self.role_bucket[cell * roles + r] = 1 + (r * HASH_BUCKETS) as u32 + bucket;
                }
                states.push(state);
            }
            let s = &mut self.predicted;
            s.event.push(e as u32);
            s.in_chunk.push(k >= (pass.target - pass.start) as usize);
            s.from_token.push((cell - 1) as u32);
            s.kind.push(tokens.type_class(e));
            s.amount.push(self.amount[cell]);
            s.gap.push(self.gap[cell]);
            s.role_state.extend(states);
        }
    }
}

/// 0: no value; 1: a value an earlier event of the pass had; 2: a value new to the pass.
fn role_state(tokens: &LogTokens, r: usize, code: u32, earlier: &[u32]) -> u32 {
    if code == NULL_CODE {
        0
    } else if earlier
        .iter()
        .any(|&e| tokens.role_value(r, e as usize).0 == code)
    {
        1
    } else {
        2
    }
}

/// The length a batch pads a pass of `tokens` tokens to when every pass in it is that long or
/// shorter within the same power of two. Scoring batches hold passes of one padded length only
/// (`same_padding`), so a pass meets the same arithmetic (sums over the same length) in any
/// batch: a window scored alone reads exactly as in the whole log, which trees splitting on
/// the readings need (a split turns a last-bit difference into another leaf). Measured, not
/// proven: Candle promises no bit-exact product for a row whatever its batch. On the test log
/// (`tests/events.rs`), padded to each batch's longest pass a window's score differed by 4e-5
/// on one event, padded to multiples of 8 by 1e-3, to powers of two not at all. Scoring the
/// bundled sample took 15.0 s so, against 11.4 s padded to the longest pass (measured
/// together, before the binary allocated with mimalloc).
fn padded_tokens(tokens: usize) -> usize {
    tokens.next_power_of_two()
}

/// Whether two passes pad to the same length (`padded_tokens`).
pub fn same_padding(a: &Pass, b: &Pass) -> bool {
    padded_tokens(a.tokens()) == padded_tokens(b.tokens())
}
