//! Padded event sequences for the sequence models: each user's events cut into windows of
//! `len` steps (the last window padded), each step the event type one-hot plus the event's
//! scaled features.

use super::matrix::Matrix;
use crate::log::{EventLog, NULL_CODE, UserCode, UserIndex};

#[derive(Clone, Debug)]
pub struct Sequences {
    pub len: usize,
    pub dim: usize,
    /// `windows * len * dim` step inputs.
    pub steps: Vec<f32>,
    /// `windows * len`: the event index of each step, `u32::MAX` for padding.
    pub events: Vec<u32>,
    /// The user code of each window.
    pub window_user: Vec<UserCode>,
}

impl Sequences {
    pub fn windows(&self) -> usize {
        self.window_user.len()
    }

    /// The steps of the windows at `indices`, as one `indices.len() * len * dim` block.
    pub fn gather(&self, indices: &[usize]) -> Vec<f32> {
        let w = self.len * self.dim;
        let mut out = Vec::with_capacity(indices.len() * w);
        for &i in indices {
            out.extend_from_slice(&self.steps[i * w..(i + 1) * w]);
        }
        out
    }
}

/// Builds the windows of every user. `type_codes` are the event types with their own one-hot
/// slot (the rest share one); `scaled` has one row per event.
pub fn build_sequences(
    log: &EventLog,
    index: &UserIndex,
    type_codes: &[u32],
    scaled: &Matrix,
    len: usize,
) -> Sequences {
    let types = type_codes.len() + 1;
    let dim = types + scaled.cols;
    let mut slot = vec![type_codes.len(); log.columns.event.dict.len()];
    for (i, &c) in type_codes.iter().enumerate() {
        slot[c as usize] = i;
    }
    let mut s = Sequences {
        len,
        dim,
        steps: Vec::new(),
        events: Vec::new(),
        window_user: Vec::new(),
    };
    for u in index.users() {
        for chunk in index.events(u).chunks(len) {
            s.window_user.push(u);
            for step in 0..len {
                let mut x = vec![0.0f32; dim];
                match chunk.get(step) {
                    Some(&e) => {
                        let code = log.columns.event.codes[e as usize];
                        let t = if code == NULL_CODE {
                            type_codes.len()
                        } else {
                            slot[code as usize]
                        };
                        x[t] = 1.0;
                        x[types..].copy_from_slice(scaled.row(e as usize));
                        s.events.push(e);
                    }
                    None => s.events.push(u32::MAX),
                }
                s.steps.extend_from_slice(&x);
            }
        }
    }
    s
}
