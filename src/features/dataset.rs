//! A log with its labels and every feature table the detectors read, built once. The tables
//! are shared, so the same features can be read with other labels (what a model trained at an
//! earlier moment could have known) without copying them.

use std::sync::Arc;

use super::account::{AccountFeatures, account_features, main_event_types};
use super::error::FeatureError;
use super::event::{EventFeatures, event_features, event_features_of};
use super::knowledge::LabelKnowledge;
use crate::log::{EventLog, UserCode, UserIndex, UserLabel};
use crate::progress::Progress;

/// A log with its labels and the time each became known, before any feature is computed.
pub struct LabelledLog {
    pub log: Arc<EventLog>,
    pub index: UserIndex,
    pub labels: LabelKnowledge,
}

impl LabelledLog {
    /// `file_labels` (a labels file) adds to the log's own label column; imported labels become
    /// known `label_delay_ms` after their event.
    pub fn new(log: Arc<EventLog>, file_labels: &[UserLabel], label_delay_ms: i64) -> Self {
        let index = UserIndex::new(&log);
        let labels = LabelKnowledge::new(&log, &index, file_labels, label_delay_ms);
        Self { log, index, labels }
    }

    /// The events in `[from, until)` with the labels known before `known_before` (all of them
    /// when `None`). When each label became known was worked out on the whole log, so a label
    /// reads the same in a window as in the whole.
    pub fn range(&self, from: Option<i64>, until: Option<i64>, known_before: Option<i64>) -> Self {
        let (from, until) = (from.unwrap_or(i64::MIN), until.unwrap_or(i64::MAX));
        let known = match known_before {
            Some(t) => self.labels.known_before(&self.log, t),
            None => self.labels.clone(),
        };
        let keep: Vec<bool> = self
            .log
            .columns
            .ts_ms
            .iter()
            .map(|&t| t >= from && t < until)
            .collect();
        Self {
            log: self.log.clone(),
            index: self.index.clone(),
            labels: known,
        }
        .part(&keep)
    }

    /// The events `keep` marks, with what is known of their users and events.
    pub fn part(&self, keep: &[bool]) -> Self {
        let known = &self.labels;
        if keep.iter().all(|&k| k) {
            return Self {
                log: self.log.clone(),
                index: self.index.clone(),
                labels: known.clone(),
            };
        }
        let part = Arc::new(self.log.filtered(keep));
        // The part numbers its users afresh; carry each label over by name.
        let mut labels = LabelKnowledge::none(part.user_count());
        labels.delay_ms = known.delay_ms;
        for u in part.users() {
            if let Some(v) = self.log.user_code(part.user_name(u)) {
                labels.copy_user(u, known, v);
            }
        }
        if let Some(ev) = &known.event {
            let kept = ev.iter().zip(keep).filter(|(_, k)| **k).map(|(l, _)| *l);
            labels.event = Some(kept.collect());
        }
        Self {
            index: UserIndex::new(&part),
            log: part,
            labels,
        }
    }

    pub fn featurise(self, progress: &dyn Progress) -> Result<Dataset, FeatureError> {
        Dataset::with_labels(self.log, self.index, self.labels, progress)
    }

    /// The whole log's dataset with event features stored for the events `keep` marks only (a
    /// training sample): every event is still read as history, so a kept event's features
    /// are those of the whole log. Account features cover every user.
    pub fn featurise_sample(
        self,
        keep: &[bool],
        progress: &dyn Progress,
    ) -> Result<Dataset, FeatureError> {
        let events = event_features_of(&self.log, &self.index, &self.labels, Some(keep), progress)?;
        let account = account_features(&self.log, &self.index, progress)?;
        Ok(Dataset {
            main_types: main_event_types(&self.log),
            log: self.log,
            index: Arc::new(self.index),
            labels: self.labels,
            account: Arc::new(account),
            events: Arc::new(events),
        })
    }

    /// The whole log's dataset for account-level work only: account features of every user,
    /// no event's features kept (the table of every event's would be the largest thing).
    pub fn featurise_accounts(self, progress: &dyn Progress) -> Result<Dataset, FeatureError> {
        let keep = vec![false; self.log.len()];
        self.featurise_sample(&keep, progress)
    }

    /// The dataset of the events from `from_ms` on, their event features computed with every
    /// earlier event of this log as history (which is read, not kept). With this log holding
    /// the look-back its features need (`lookback_ms`), each event's features are those the
    /// whole log gives it. Account features describe the kept events alone.
    pub fn featurise_from(
        self,
        from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Dataset, FeatureError> {
        let keep: Vec<bool> = self
            .log
            .columns
            .ts_ms
            .iter()
            .map(|&t| t >= from_ms)
            .collect();
        let mut events =
            event_features_of(&self.log, &self.index, &self.labels, Some(&keep), progress)?;
        // The window's log holds exactly the kept events: its rows are its events.
        events.rows = None;
        let window = self.range(Some(from_ms), None, None);
        drop(self);
        let account = account_features(&window.log, &window.index, progress)?;
        Ok(Dataset {
            main_types: main_event_types(&window.log),
            log: window.log,
            index: Arc::new(window.index),
            labels: window.labels,
            account: Arc::new(account),
            events: Arc::new(events),
        })
    }
}

/// A log with everything the detectors read from it.
#[derive(Clone)]
pub struct Dataset {
    pub log: Arc<EventLog>,
    pub index: Arc<UserIndex>,
    pub labels: LabelKnowledge,
    pub account: Arc<AccountFeatures>,
    pub events: Arc<EventFeatures>,
    /// Event types with their own one-hot slot in sequences: the most frequent ones.
    pub main_types: Vec<(u32, String)>,
}

impl Dataset {
    /// Builds the features of `log`; `file_labels` (a labels file) adds to the log's own label
    /// column, and imported labels become known `label_delay_ms` after their event.
    pub fn build(
        log: Arc<EventLog>,
        file_labels: &[UserLabel],
        label_delay_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Self, FeatureError> {
        LabelledLog::new(log, file_labels, label_delay_ms).featurise(progress)
    }

    pub fn with_labels(
        log: Arc<EventLog>,
        index: UserIndex,
        labels: LabelKnowledge,
        progress: &dyn Progress,
    ) -> Result<Self, FeatureError> {
        let account = account_features(&log, &index, progress)?;
        let events = event_features(&log, &index, &labels, progress)?;
        let main_types = main_event_types(&log);
        Ok(Self {
            log,
            index: Arc::new(index),
            labels,
            account: Arc::new(account),
            events: Arc::new(events),
            main_types,
        })
    }

    /// The same features with other labels as the training targets: what a model trained at
    /// an earlier moment could have learnt from. Every feature is as of its event, so it is the
    /// same whatever became known later.
    pub fn with_targets(&self, labels: LabelKnowledge) -> Self {
        Self {
            labels,
            ..self.clone()
        }
    }

    /// This dataset with its feature columns arranged as `model`'s: columns `model` lacks are
    /// dropped, and those this one lacks count as typical (NaN). What a model trained on an
    /// earlier part of a log scores this one with.
    pub fn aligned_to(&self, model: &Dataset) -> Self {
        self.aligned_to_columns(&model.column_names())
    }

    /// The names of the account and of the event feature columns: what `aligned_to_columns`
    /// arranges another dataset by, without keeping this one's tables.
    pub fn column_names(&self) -> (Vec<String>, Vec<String>) {
        let names = |t: &super::FeatureTable| -> Vec<String> {
            t.specs.iter().map(|s| s.name.clone()).collect()
        };
        (names(&self.account), names(&self.events))
    }

    /// This dataset with its columns arranged as `(account, event)` names (`aligned_to`).
    pub fn aligned_to_columns(&self, (account, events): &(Vec<String>, Vec<String>)) -> Self {
        let (account, _) = self.account.aligned_to(account);
        let (events, _) = self.events.aligned_to(events);
        Self {
            account: Arc::new(account),
            events: Arc::new(events),
            ..self.clone()
        }
    }

    /// The dataset of the events before `at_ms`, with only the labels known by then: what
    /// a model trained at that moment could have seen.
    pub fn before(&self, at_ms: i64, progress: &dyn Progress) -> Result<Self, FeatureError> {
        let whole = LabelledLog {
            log: self.log.clone(),
            index: UserIndex::new(&self.log),
            labels: self.labels.clone(),
        };
        whole
            .range(None, Some(at_ms), Some(at_ms))
            .featurise(progress)
    }

    pub fn users(&self) -> usize {
        self.index.user_count()
    }

    pub fn user_name(&self, u: UserCode) -> &str {
        self.log.user_name(u)
    }

    /// The row of event `e` in the event features, if it has one.
    pub fn event_row(&self, e: usize) -> Option<usize> {
        match &self.events.rows {
            None => (e < self.events.values.rows).then_some(e),
            Some(rows) => rows.binary_search(&(e as u32)).ok(),
        }
    }

    /// The same accounts with no event's features: all that scoring accounts needs for the
    /// detectors whose account scores read account features alone.
    pub fn accounts_only(&self) -> Dataset {
        let events = EventFeatures {
            specs: self.events.specs.clone(),
            values: super::Matrix::zeros(0, self.events.values.cols),
            rows: Some(Vec::new()),
        };
        Dataset {
            events: Arc::new(events),
            ..self.clone()
        }
    }

    /// The event of each row of the event features.
    pub fn featured_events(&self) -> Vec<usize> {
        match &self.events.rows {
            None => (0..self.events.values.rows).collect(),
            Some(rows) => rows.iter().map(|&e| e as usize).collect(),
        }
    }

    /// Per-event scores from per-row ones: an event without features (outside a training
    /// sample) scores 0.
    pub fn event_scores_from_rows(&self, by_row: Vec<f32>) -> Vec<f32> {
        match &self.events.rows {
            None => by_row,
            Some(rows) => {
                let mut out = vec![0.0; self.log.len()];
                for (&e, s) in rows.iter().zip(by_row) {
                    out[e as usize] = s;
                }
                out
            }
        }
    }

    /// The user code of each event.
    pub fn event_users(&self) -> &[u32] {
        &self.log.columns.user.codes
    }
}
