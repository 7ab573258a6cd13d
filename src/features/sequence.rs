//! Padded event sequences for the sequence models: each user's events of each (UTC) day cut
//! into windows of `len` steps (the last window of a day padded), each step the event type
//! one-hot plus the event's scaled features.
//!
//! Windows start afresh every day so that an event's window holds only its own day's earlier
//! events: with the event features' bounded look-back, a sequence model's event score depends
//! on a bounded past, and a window of a log can be scored alone from the start of its first
//! day (`sequence_context_from`).

use super::dataset::Dataset;
use super::matrix::Matrix;
use crate::log::{NULL_CODE, UserCode};
use crate::time_units::DAY_MS;

/// The earliest time a sequence model reads to score events from `from_ms` on: the start
/// of that (UTC) day, where the window of its first events begins.
pub fn sequence_context_from(from_ms: i64) -> i64 {
    from_ms
        .checked_sub(from_ms.rem_euclid(DAY_MS))
        .unwrap_or(i64::MIN)
}

/// The day an event's windows belong to.
pub fn sequence_day(t_ms: i64) -> i64 {
    t_ms.div_euclid(DAY_MS)
}

/// The windows, each step's input built when a batch of windows is gathered: the one-hot
/// type and the scaled features are kept once per event, not once per step of a padded
/// window (which on a log of short days took several times the features' memory).
#[derive(Clone, Debug)]
pub struct Sequences {
    pub len: usize,
    pub dim: usize,
    /// `windows * len`: the event index of each step, `u32::MAX` for padding.
    pub events: Vec<u32>,
    /// The user code of each window.
    pub window_user: Vec<UserCode>,
    /// `windows * len`: each step's one-hot slot and its row of `scaled` (padding: unused).
    inputs: Vec<(u32, u32)>,
    /// One row per row of the event features, scaled.
    scaled: Matrix,
    /// The width of the one-hot type part.
    types: usize,
}

impl Sequences {
    pub fn windows(&self) -> usize {
        self.window_user.len()
    }

    /// The steps of the windows at `indices`, as one `indices.len() * len * dim` block
    /// (padding steps all zero).
    pub fn gather(&self, indices: &[usize]) -> Vec<f32> {
        let mut out = vec![0.0f32; indices.len() * self.len * self.dim];
        let steps = out.chunks_exact_mut(self.dim);
        let at = indices
            .iter()
            .flat_map(|&w| w * self.len..(w + 1) * self.len);
        for (x, i) in steps.zip(at) {
            if self.events[i] == u32::MAX {
                continue;
            }
            let (slot, row) = self.inputs[i];
            x[slot as usize] = 1.0;
            x[self.types..].copy_from_slice(self.scaled.row(row as usize));
        }
        out
    }
}

/// Each user's featured events of each day, in time order, cut into runs of at most `len`:
/// the events of every window (an event without features, outside a sample, is in none).
pub fn day_windows(data: &Dataset, len: usize) -> Vec<(UserCode, Vec<u32>)> {
    let ts = &data.log.columns.ts_ms;
    let mut out = Vec::new();
    for u in data.index.users() {
        let mut run: Vec<u32> = Vec::new();
        let mut run_day = None;
        for &e in data.index.events(u) {
            if data.event_row(e as usize).is_none() {
                continue;
            }
            let day = sequence_day(ts[e as usize]);
            if run.len() == len || (run_day.is_some() && run_day != Some(day)) {
                out.push((u, std::mem::take(&mut run)));
            }
            run_day = Some(day);
            run.push(e);
        }
        if !run.is_empty() {
            out.push((u, run));
        }
    }
    out
}

/// Builds the windows of every user's days. `type_codes` are the codes of the event types
/// with their own one-hot slot, in slot order (`None` for a type this log lacks: its slot
/// stays empty); the rest share one slot. `scaled` has one row per row of `data`'s event
/// features.
pub fn build_sequences(
    data: &Dataset,
    type_codes: &[Option<u32>],
    scaled: Matrix,
    len: usize,
) -> Sequences {
    let types = type_codes.len() + 1;
    let codes = &data.log.columns.event;
    let mut slot = vec![type_codes.len() as u32; codes.dict.len()];
    for (i, c) in type_codes.iter().enumerate() {
        if let Some(c) = c {
            slot[*c as usize] = i as u32;
        }
    }
    let windows = day_windows(data, len);
    let mut s = Sequences {
        len,
        dim: types + scaled.cols,
        events: Vec::with_capacity(windows.len() * len),
        window_user: Vec::with_capacity(windows.len()),
        inputs: Vec::with_capacity(windows.len() * len),
        scaled,
        types,
    };
    for (u, events) in windows {
        s.window_user.push(u);
        for step in 0..len {
            match events.get(step) {
                Some(&e) => {
                    let code = codes.codes[e as usize];
                    let t = if code == NULL_CODE {
                        type_codes.len() as u32
                    } else {
                        slot[code as usize]
                    };
                    // `day_windows` holds featured events only.
                    let row = data.event_row(e as usize).unwrap_or_default() as u32;
                    s.events.push(e);
                    s.inputs.push((t, row));
                }
                None => {
                    s.events.push(u32::MAX);
                    s.inputs.push((0, 0));
                }
            }
        }
    }
    s
}
