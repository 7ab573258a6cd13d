//! A log with its labels and every feature table the detectors read, built once.

use std::sync::Arc;

use super::account::{AccountFeatures, account_features, main_event_types};
use super::error::FeatureError;
use super::event::{EventFeatures, event_features};
use super::knowledge::LabelKnowledge;
use crate::log::{EventLog, UserIndex, UserLabel};
use crate::progress::Progress;

/// A log with everything the detectors read from it.
pub struct Dataset {
    pub log: Arc<EventLog>,
    pub index: UserIndex,
    pub labels: LabelKnowledge,
    pub account: AccountFeatures,
    pub events: EventFeatures,
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
        let index = UserIndex::new(&log);
        let labels = LabelKnowledge::new(&log, &index, file_labels, label_delay_ms);
        Self::with_labels(log, index, labels, progress)
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
            index,
            labels,
            account,
            events,
            main_types,
        })
    }

    /// The dataset of the events before `at_ms`, with only the labels known by then: what
    /// a model trained at that moment could have seen.
    pub fn before(&self, at_ms: i64, progress: &dyn Progress) -> Result<Self, FeatureError> {
        let keep: Vec<bool> = self.log.columns.ts_ms.iter().map(|&t| t < at_ms).collect();
        let before = Arc::new(self.log.filtered(&keep));
        let index = UserIndex::new(&before);
        let known = self.labels.known_before(&self.log, at_ms);
        // The earlier log numbers its users afresh; carry each label over by name.
        let mut labels = LabelKnowledge::none(before.user_count());
        labels.delay_ms = known.delay_ms;
        for u in 0..before.user_count() {
            let name = before.columns.user.dict.get(u as u32);
            if let Some(v) = self.log.columns.user.dict.lookup(name) {
                labels.user[u] = known.user[v as usize];
                labels.user_known_at_ms[u] = known.user_known_at_ms[v as usize];
            }
        }
        if let Some(ev) = &known.event {
            let kept = ev.iter().zip(&keep).filter(|(_, k)| **k).map(|(l, _)| *l);
            labels.event = Some(kept.collect());
        }
        Self::with_labels(before, index, labels, progress)
    }

    pub fn users(&self) -> usize {
        self.index.user_count()
    }

    pub fn user_name(&self, u: usize) -> &str {
        self.log.columns.user.dict.get(u as u32)
    }

    /// The user code of each event.
    pub fn event_users(&self) -> &[u32] {
        &self.log.columns.user.codes
    }
}
