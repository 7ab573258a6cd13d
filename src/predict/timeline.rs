//! Each user's events in time order, reduced to what the predictions read: time, class,
//! whether it was a purchase, and its amount.

use super::vocabulary::Vocabulary;
use crate::log::{EventLog, UserIndex};

pub struct Timelines {
    /// User names; the index is the user's position everywhere in `predict`.
    pub users: Vec<String>,
    offsets: Vec<usize>,
    ts: Vec<i64>,
    class: Vec<u8>,
    purchase: Vec<bool>,
    amount: Vec<f32>,
}

/// One user's events, oldest first.
#[derive(Clone, Copy)]
pub struct Events<'a> {
    pub ts: &'a [i64],
    pub class: &'a [u8],
    pub purchase: &'a [bool],
    /// NaN where the event has no amount.
    pub amount: &'a [f32],
}

impl Events<'_> {
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// How many events come before `t`.
    pub fn before(&self, t: i64) -> usize {
        self.ts.partition_point(|&x| x < t)
    }
}

impl Timelines {
    pub fn new(log: &EventLog, vocabulary: &Vocabulary) -> Self {
        let c = &log.columns;
        let index = UserIndex::new(log);
        let classes: Vec<u8> = c
            .event
            .dict
            .iter()
            .map(|n| vocabulary.class_of(n))
            .collect();
        let purchases: Vec<bool> = c
            .event
            .dict
            .iter()
            .map(|n| vocabulary.is_purchase(n))
            .collect();
        let n = log.len();
        let mut t = Self {
            users: c.user.dict.iter().map(str::to_string).collect(),
            offsets: Vec::with_capacity(index.user_count() + 1),
            ts: Vec::with_capacity(n),
            class: Vec::with_capacity(n),
            purchase: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
        };
        t.offsets.push(0);
        for u in index.users() {
            for &e in index.events(u) {
                let e = e as usize;
                let code = c.event.codes[e] as usize;
                t.ts.push(c.ts_ms[e]);
                // An event without a type (a null code) counts as the last class.
                t.class.push(
                    classes
                        .get(code)
                        .copied()
                        .unwrap_or(vocabulary.other_class()),
                );
                t.purchase
                    .push(purchases.get(code).copied().unwrap_or(false));
                t.amount
                    .push(c.amount.as_ref().map_or(f32::NAN, |a| a[e] as f32));
            }
            t.offsets.push(t.ts.len());
        }
        t
    }

    /// One user with no events: how a user absent from a window reads.
    pub fn empty() -> Self {
        Self {
            users: vec![String::new()],
            offsets: vec![0, 0],
            ts: Vec::new(),
            class: Vec::new(),
            purchase: Vec::new(),
            amount: Vec::new(),
        }
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    pub fn events(&self, user: usize) -> Events<'_> {
        let r = self.offsets[user]..self.offsets[user + 1];
        Events {
            ts: &self.ts[r.clone()],
            class: &self.class[r.clone()],
            purchase: &self.purchase[r.clone()],
            amount: &self.amount[r],
        }
    }

    /// The earliest event time, if any.
    pub fn first_ts(&self) -> Option<i64> {
        (0..self.user_count())
            .filter_map(|u| self.events(u).ts.first().copied())
            .min()
    }
}
