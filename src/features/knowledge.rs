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
        if let Some(labels) = &log.columns.label {
            if log.label_level == Some(LabelLevel::Event) {
                k.event = Some(labels.clone());
            }
            // A user is fraud from the first fraud event on, legit once the last event is known.
            for u in 0..users {
                let events = index.events(u as u32);
                let first_fraud = events.iter().find(|&&e| labels[e as usize] == 1);
                if let Some(&e) = first_fraud {
                    k.user[u] = 1;
                    k.user_known_at_ms[u] = ts[e as usize].saturating_add(delay_ms);
                } else if events.iter().any(|&e| labels[e as usize] == 0) {
                    k.user[u] = 0;
                    k.user_known_at_ms[u] = last_ts(u).saturating_add(delay_ms);
                }
            }
        }
        for l in file_labels {
            let Some(u) = log.columns.user.dict.lookup(&l.user) else {
                continue;
            };
            let u = u as usize;
            k.user[u] = l.label;
            k.user_known_at_ms[u] = l
                .known_at_ms
                .unwrap_or_else(|| last_ts(u).saturating_add(delay_ms));
        }
        k
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
                k.user[u] = LABEL_UNKNOWN;
                k.user_known_at_ms[u] = i64::MAX;
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
