//! When each label became known. Anything computed from labels (an entity's fraud rate, a
//! trained model) may only use labels known before the moment it describes; imported labels
//! become known `label_delay` after their event, because fraud is confirmed days later.

use serde::{Deserialize, Serialize};

use crate::log::{EventLog, Label, LabelLevel, UserCode, UserIndex, UserLabel};

/// What is known of one user's label, by name: worked out once on a user's whole history and
/// handed to the parts of a log that hold only some of it (a cluster's partitions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserKnowledge {
    pub user: String,
    pub label: Label,
    pub known_at_ms: i64,
    pub clear_at_ms: i64,
}

/// Labels of one log, each with the time it became known (ms since the epoch).
#[derive(Clone, Debug)]
pub struct LabelKnowledge {
    /// Per user code.
    pub user: Vec<Label>,
    pub user_known_at_ms: Vec<i64>,
    /// Per user code: from when the user reads as legit so far, until `user_known_at_ms` gives
    /// the final word (`i64::MAX`: never). A legit event is cleared `delay` after it happened,
    /// so an account is legit so far long before its last event is; without this, only the
    /// accounts that went quiet would be known legit while fraud is known a week after its first
    /// event, and a model would learn "still active" as fraud.
    pub user_clear_at_ms: Vec<i64>,
    /// Per event, when the log labels events.
    pub event: Option<Vec<Label>>,
    pub delay_ms: i64,
}

impl LabelKnowledge {
    /// No labels at all.
    pub fn none(users: usize) -> Self {
        Self {
            user: vec![Label::Unknown; users],
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
        let last_ts = |u: UserCode| index.events(u).last().map_or(0, |&e| ts[e as usize]);
        let known = |e: u32| ts[e as usize].saturating_add(delay_ms);
        if let Some(labels) = &log.columns.label {
            if log.label_level == Some(LabelLevel::Event) {
                k.event = Some(labels.clone());
            }
            // A user is legit so far once a legit event of theirs is known, and fraud from when
            // the first fraud event is known.
            for code in index.users() {
                let events = index.events(code);
                let first_legit = events.iter().find(|&&e| labels[e as usize].is_legit());
                let first_fraud = events.iter().find(|&&e| labels[e as usize].is_fraud());
                let u = code.index();
                if let Some(&e) = first_legit {
                    k.user[u] = Label::Legit;
                    k.user_known_at_ms[u] = known(e);
                    k.user_clear_at_ms[u] = known(e);
                }
                if let Some(&e) = first_fraud {
                    k.user[u] = Label::Fraud;
                    k.user_known_at_ms[u] = known(e);
                    if k.user_clear_at_ms[u] >= known(e) {
                        k.user_clear_at_ms[u] = i64::MAX;
                    }
                }
            }
        }
        for l in file_labels {
            let Some(u) = log.user_code(&l.user) else {
                continue;
            };
            // A file's label without a time is known once the user's last event is, whichever
            // label it is: both kinds are then known for the same accounts.
            let known_at = l
                .known_at_ms
                .unwrap_or_else(|| last_ts(u).saturating_add(delay_ms));
            k.set_user(u, l.label, known_at);
        }
        k
    }

    /// Sets user `u`'s label, known from `known_at_ms` (legit so far from then, when legit).
    pub fn set_user(&mut self, u: UserCode, label: Label, known_at_ms: i64) {
        let known_at_ms = if label.is_known() {
            known_at_ms
        } else {
            i64::MAX
        };
        let u = u.index();
        self.user[u] = label;
        self.user_known_at_ms[u] = known_at_ms;
        self.user_clear_at_ms[u] = if label.is_legit() {
            known_at_ms
        } else {
            i64::MAX
        };
    }

    /// Gives user `u` what `other` knows of its user `v`.
    pub fn copy_user(&mut self, u: UserCode, other: &Self, v: UserCode) {
        let (u, v) = (u.index(), v.index());
        self.user[u] = other.user[v];
        self.user_known_at_ms[u] = other.user_known_at_ms[v];
        self.user_clear_at_ms[u] = other.user_clear_at_ms[v];
    }

    /// What is known of each user of `log` (this knowledge's log).
    pub fn users_known(&self, log: &EventLog) -> Vec<UserKnowledge> {
        UserCode::all(self.user.len())
            .map(|u| UserKnowledge {
                user: log.user_name(u).to_string(),
                label: self.user[u.index()],
                known_at_ms: self.user_known_at_ms[u.index()],
                clear_at_ms: self.user_clear_at_ms[u.index()],
            })
            .collect()
    }

    /// Takes what `known` says of `log`'s users (by name) in place of what this log alone
    /// says; users it does not name keep theirs.
    pub fn take_users_known(&mut self, log: &EventLog, known: &[UserKnowledge]) {
        for k in known {
            if let Some(u) = log.user_code(&k.user) {
                let u = u.index();
                self.user[u] = k.label;
                self.user_known_at_ms[u] = k.known_at_ms;
                self.user_clear_at_ms[u] = k.clear_at_ms;
            }
        }
    }

    /// The label of user `u`.
    pub fn of_user(&self, u: UserCode) -> Label {
        self.user[u.index()]
    }

    /// The label of event `e` (of user `u`, if any) and when it became known.
    pub fn event_label(&self, log: &EventLog, e: usize, u: Option<UserCode>) -> (Label, i64) {
        if let Some(ev) = &self.event
            && ev[e].is_known()
        {
            return (ev[e], log.columns.ts_ms[e].saturating_add(self.delay_ms));
        }
        match u {
            Some(u) => (self.user[u.index()], self.user_known_at_ms[u.index()]),
            None => (Label::Unknown, i64::MAX),
        }
    }

    /// Only the labels known strictly before `t_ms`.
    pub fn known_before(&self, log: &EventLog, t_ms: i64) -> Self {
        let mut k = self.clone();
        for u in UserCode::all(k.user.len()) {
            if k.user_known_at_ms[u.index()] >= t_ms {
                let clear_at = k.user_clear_at_ms[u.index()];
                if clear_at < t_ms {
                    k.set_user(u, Label::Legit, clear_at);
                } else {
                    k.set_user(u, Label::Unknown, i64::MAX);
                }
            }
        }
        if let Some(ev) = &mut k.event {
            for (e, l) in ev.iter_mut().enumerate() {
                if log.columns.ts_ms[e].saturating_add(self.delay_ms) >= t_ms {
                    *l = Label::Unknown;
                }
            }
        }
        k
    }

    /// Per-event training targets. Where the log labels events, an event's own label and
    /// nothing else: an event whose label is not known yet is unknown, never legit (and never
    /// its user's label). Where the log labels users, the user's label.
    pub fn event_targets(&self, log: &EventLog) -> Vec<Label> {
        match &self.event {
            Some(events) => events.clone(),
            None => (0..log.len())
                .map(|e| log.user_of(e).map_or(Label::Unknown, |u| self.of_user(u)))
                .collect(),
        }
    }

    pub fn labelled_users(&self) -> usize {
        self.user.iter().filter(|l| l.is_known()).count()
    }
}
