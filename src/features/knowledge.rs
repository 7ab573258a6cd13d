//! When each label became known. Anything computed from labels (an entity's fraud rate, a
//! trained model) may only use labels known before the moment it describes; imported labels
//! become known `label_delay` after their event, because fraud is confirmed days later.

use crate::log::{
    EventLog, LABEL_UNKNOWN, LabelLevel, LabelValue, NULL_CODE, UserIndex, UserLabel,
};

/// Labels of one log, each with the time it became known (ms since the epoch).
#[derive(Clone, Debug)]
pub struct LabelKnowledge {
    /// Per user code: 1 fraud, 0 legit, -1 unknown.
    pub user: Vec<LabelValue>,
    pub user_known_at_ms: Vec<i64>,
    /// Per user code: from when the user reads as legit so far, until `user_known_at_ms` gives
    /// the final word (`i64::MAX`: never). A legit event is cleared `delay` after it happened,
    /// so an account is legit so far long before its last event is; without this, only the
    /// accounts that went quiet would be known legit while fraud is known a week after its first
    /// event, and a model would learn "still active" as fraud.
    pub user_clear_at_ms: Vec<i64>,
    /// Per event, when the log labels events.
    pub event: Option<Vec<LabelValue>>,
    pub delay_ms: i64,
}

impl LabelKnowledge {
    /// No labels at all.
    pub fn none(users: usize) -> Self {
        Self {
            user: vec![LABEL_UNKNOWN; users],
            user_known_at_ms: vec![i64::MAX; users],
            user_clear_at_ms: vec![i64::MAX; users],
            event: None,
            delay_ms: 0,
        }
    }

    /// Labels from the log's label column, then from `file_labels` (a labels file, which wins
    /// for the users it names). Users the file names that are not in the log are ignored.
    pub fn new(
        log: &EventLog,
        index: &UserIndex,
        file_labels: &[UserLabel],
        delay_ms: i64,
    ) -> Self {
        let users = log.user_count();
        let mut k = Self::none(users);
        k.delay_ms = delay_ms;
        let ts = &log.columns.ts_ms;
        let last_ts = |u: usize| index.events(u as u32).last().map_or(0, |&e| ts[e as usize]);
        let known = |e: u32| ts[e as usize].saturating_add(delay_ms);
        if let Some(labels) = &log.columns.label {
            if log.label_level == Some(LabelLevel::Event) {
                k.event = Some(labels.clone());
            }
            // A user is legit so far once a legit event of theirs is known, and fraud from when
            // the first fraud event is known.
            for u in 0..users {
                let events = index.events(u as u32);
                let first_legit = events.iter().find(|&&e| labels[e as usize] == 0);
                let first_fraud = events.iter().find(|&&e| labels[e as usize] == 1);
                if let Some(&e) = first_legit {
                    k.user[u] = 0;
                    k.user_known_at_ms[u] = known(e);
                    k.user_clear_at_ms[u] = known(e);
                }
                if let Some(&e) = first_fraud {
                    k.user[u] = 1;
                    k.user_known_at_ms[u] = known(e);
                    if k.user_clear_at_ms[u] >= known(e) {
                        k.user_clear_at_ms[u] = i64::MAX;
                    }
                }
            }
        }
        for l in file_labels {
            let Some(u) = log.columns.user.dict.lookup(&l.user) else {
                continue;
            };
            // A file's label without a time is known once the user's last event is, whichever
            // label it is: both kinds are then known for the same accounts.
            let u = u as usize;
            let known_at = l
                .known_at_ms
                .unwrap_or_else(|| last_ts(u).saturating_add(delay_ms));
            k.set_user(u, l.label, known_at);
        }
        k
    }

    /// Sets user `u`'s label, known from `known_at_ms` (legit so far from then, when legit).
    pub fn set_user(&mut self, u: usize, label: LabelValue, known_at_ms: i64) {
        let known_at_ms = if label == LABEL_UNKNOWN {
            i64::MAX
        } else {
            known_at_ms
        };
        self.user[u] = label;
        self.user_known_at_ms[u] = known_at_ms;
        self.user_clear_at_ms[u] = if label == 0 { known_at_ms } else { i64::MAX };
    }

    /// Gives user `u` what `other` knows of its user `v`.
    pub fn copy_user(&mut self, u: usize, other: &Self, v: usize) {
        self.user[u] = other.user[v];
        self.user_known_at_ms[u] = other.user_known_at_ms[v];
        self.user_clear_at_ms[u] = other.user_clear_at_ms[v];
    }

    /// The label of event `e` (of user `u`) and when it became known.
    pub fn event_label(&self, log: &EventLog, e: usize, u: u32) -> (LabelValue, i64) {
        if let Some(ev) = &self.event
            && ev[e] != LABEL_UNKNOWN
        {
            return (ev[e], log.columns.ts_ms[e].saturating_add(self.delay_ms));
        }
        if u == NULL_CODE {
            return (LABEL_UNKNOWN, i64::MAX);
        }
        (self.user[u as usize], self.user_known_at_ms[u as usize])
    }

    /// Only the labels known strictly before `t_ms`.
    pub fn known_before(&self, log: &EventLog, t_ms: i64) -> Self {
        let mut k = self.clone();
        for u in 0..k.user.len() {
            if k.user_known_at_ms[u] >= t_ms {
                let clear_at = k.user_clear_at_ms[u];
                if clear_at < t_ms {
                    k.set_user(u, 0, clear_at);
                } else {
                    k.set_user(u, LABEL_UNKNOWN, i64::MAX);
                }
            }
        }
        if let Some(ev) = &mut k.event {
            for (e, l) in ev.iter_mut().enumerate() {
                if log.columns.ts_ms[e].saturating_add(self.delay_ms) >= t_ms {
                    *l = LABEL_UNKNOWN;
                }
            }
        }
        k
    }

    /// Per-event training targets. Where the log labels events, an event's own label and
    /// nothing else: an event whose label is not known yet is unknown, never legit (and never
    /// its user's label). Where the log labels users, the user's label.
    pub fn event_targets(&self, log: &EventLog) -> Vec<LabelValue> {
        match &self.event {
            Some(events) => events.clone(),
            None => log
                .columns
                .user
                .codes
                .iter()
                .map(|&u| match u {
                    NULL_CODE => LABEL_UNKNOWN,
                    u => self.user[u as usize],
                })
                .collect(),
        }
    }

    pub fn labelled_users(&self) -> usize {
        self.user.iter().filter(|&&l| l != LABEL_UNKNOWN).count()
    }
}
