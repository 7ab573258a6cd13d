//! Each user's events in time order, as offsets into one permutation (CSR layout): what
//! features, sequence models and the account timeline all read.

use super::table::{EventLog, NULL_CODE};
use super::user_code::UserCode;
use crate::time_units::DAY_MS;

#[derive(Clone)]
pub struct UserIndex {
    /// Event indices grouped by user code, each group sorted by (time, row).
    order: Vec<u32>,
    /// `order[offsets[u]..offsets[u + 1]]` are user `u`'s events.
    offsets: Vec<usize>,
}

impl UserIndex {
    /// Builds the index with a counting sort on user codes, then a sort within each user.
    pub fn new(log: &EventLog) -> Self {
        let users = log.user_count();
        let codes = &log.columns.user.codes;
        let mut offsets = vec![0usize; users + 1];
        for &u in codes.iter().filter(|&&u| u != NULL_CODE) {
            offsets[u as usize + 1] += 1;
        }
        for u in 0..users {
            offsets[u + 1] += offsets[u];
        }
        let mut next = offsets.clone();
        let mut order = vec![0u32; offsets[users]];
        for (i, &u) in codes.iter().enumerate() {
            if u != NULL_CODE {
                order[next[u as usize]] = i as u32;
                next[u as usize] += 1;
            }
        }
        let ts = &log.columns.ts_ms;
        let row = &log.columns.row;
        for u in 0..users {
            order[offsets[u]..offsets[u + 1]].sort_by_key(|&e| (ts[e as usize], row[e as usize]));
        }
        Self { order, offsets }
    }

    pub fn user_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Every user of the index, in code order.
    pub fn users(&self) -> impl DoubleEndedIterator<Item = UserCode> + ExactSizeIterator {
        UserCode::all(self.user_count())
    }

    /// The event indices of user `u`, oldest first.
    pub fn events(&self, u: UserCode) -> &[u32] {
        let u = u.index();
        &self.order[self.offsets[u]..self.offsets[u + 1]]
    }

    /// How many (UTC) days each user was active on, by user code (`ts_ms` the log's times),
    /// counting the events at the times `within` keeps.
    pub fn active_days(&self, ts_ms: &[i64], within: impl Fn(i64) -> bool) -> Vec<u32> {
        (0..self.offsets.len() - 1)
            .map(|u| {
                let events = &self.order[self.offsets[u]..self.offsets[u + 1]];
                let mut last = None;
                let mut days = 0;
                // A user's events are in time order: a new day is a change of day.
                for &e in events {
                    let t = ts_ms[e as usize];
                    if !within(t) {
                        continue;
                    }
                    let day = t.div_euclid(DAY_MS);
                    if last != Some(day) {
                        days += 1;
                        last = Some(day);
                    }
                }
                days
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{Mapping, load};
    use crate::progress::NoProgress;

    #[test]
    fn groups_each_users_events_in_time_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("l.csv");
        std::fs::write(
            &p,
            "user,ts\nb,2024-01-03\na,2024-01-02\nb,2024-01-01\na,2024-01-01\nc,2024-01-05\n",
        )
        .unwrap();
        let l = load(&p, &Mapping::default(), &NoProgress).unwrap().log;
        let index = UserIndex::new(&l);
        assert_eq!(index.user_count(), 3);
        let b = l.user_code("b").unwrap();
        let a = l.user_code("a").unwrap();
        assert_eq!(index.events(b), [2, 0]);
        assert_eq!(index.events(a), [3, 1]);
        assert_eq!(index.events(l.user_code("c").unwrap()), [4]);
    }
}
