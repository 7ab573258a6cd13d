//! The open log grown by what a watch scores, for a face that shows the log (the window's
//! queue and timeline in Live mode). The scorer hands over each batch it scored: the new
//! events with their features and scores, and the touched accounts' new features and scores.
//! `Growth` adds them to the dataset the watch started from and builds the grown dataset on
//! the watch's thread, so the face only swaps it in. Nothing is featurised or scored again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::detect::Scores;
use crate::features::{Dataset, FeatureTable, LabelKnowledge, Matrix};
use crate::log::{EntityUsers, EventLog, LABEL_UNKNOWN, UserIndex};

/// One account as a batch left it.
pub struct AccountUpdate {
    pub user: String,
    pub score: f32,
    /// The account's features, in the model's columns.
    pub features: Vec<f32>,
}

/// What one look at the source added, as scored.
pub struct ScoredBatch {
    /// The new events (in their own codes; appending re-codes them).
    pub log: EventLog,
    /// Their event features, in the model's columns, one row each.
    pub event_features: Matrix,
    pub event_scores: Vec<f32>,
    /// Every account the new events touched.
    pub accounts: Vec<AccountUpdate>,
}

impl ScoredBatch {
    /// A batch of nothing.
    pub fn empty() -> Self {
        Self {
            log: EventLog::default(),
            event_features: Matrix::zeros(0, 0),
            event_scores: Vec::new(),
            accounts: Vec::new(),
        }
    }
}

/// The grown dataset, ready to be swapped in for the one the watch started from.
pub struct Grown {
    pub data: Arc<Dataset>,
    pub scores: Scores,
    /// Per entity column: who used each value, over the grown log.
    pub links: Vec<EntityUsers>,
    /// Events added since the watch started.
    pub added: usize,
    /// How long building it took (on the watch's thread).
    pub build_time: Duration,
}

/// The grown dataset is rebuilt at most this often...
const MIN_INTERVAL: Duration = Duration::from_millis(500);
/// ...and at most this share of the time: a rebuild copies the whole dataset, so on a big log
/// it comes less often.
const MAX_BUSY_SHARE: u32 = 10;

pub struct Growth {
    data: Arc<Dataset>,
    scores: Scores,
    /// Events the watch scores first that `data` already holds (a resumed watch reads again
    /// what was appended after its checkpoint, which the open log has).
    known: usize,
    pending: Vec<ScoredBatch>,
    added: usize,
    built_at: Instant,
    build_took: Duration,
}

impl Growth {
    /// Grows `data` (scored `scores`); the first `known` events the watch hands over are
    /// already in it.
    pub fn new(data: Arc<Dataset>, scores: Scores, known: usize) -> Self {
        Self {
            data,
            scores,
            known,
            pending: Vec::new(),
            added: 0,
            built_at: Instant::now(),
            build_took: Duration::ZERO,
        }
    }

    pub fn add(&mut self, batch: ScoredBatch) {
        let skip = self.known.min(batch.log.len());
        self.known -= skip;
        if skip == 0 {
            self.pending.push(batch);
            return;
        }
        // Those accounts' new scores still count; only their events are there already.
        let keep: Vec<bool> = (0..batch.log.len()).map(|e| e >= skip).collect();
        let rest: Vec<usize> = (skip..batch.log.len()).collect();
        self.pending.push(ScoredBatch {
            log: batch.log.filtered(&keep),
            event_features: batch.event_features.select_rows(&rest),
            event_scores: batch.event_scores[skip..].to_vec(),
            accounts: batch.accounts,
        });
    }

    /// Whether a rebuild is due: something waits, and the last one was long enough ago. An
    /// `urgent` one (a batch that raised alerts) need not wait the interval, only keep to
    /// the share of time.
    pub fn due(&self, urgent: bool) -> bool {
        let interval = if urgent { Duration::ZERO } else { MIN_INTERVAL };
        !self.pending.is_empty()
            && self.built_at.elapsed() >= interval.max(self.build_took * MAX_BUSY_SHARE)
    }

    /// The dataset with every batch so far added, or `None` when nothing waits.
    pub fn build(&mut self) -> Option<Grown> {
        if self.pending.is_empty() {
            return None;
        }
        let started = Instant::now();
        let base = &self.data;
        let mut log = (*base.log).clone();
        let old_events = log.len();
        for b in &self.pending {
            log.append(&b.log, 0);
        }
        let new_events = log.len() - old_events;
        let index = UserIndex::new(&log);
        let users = log.user_count();

        let mut events = base.events.values.clone();
        let mut event_scores = self.scores.event.clone();
        let mut account = grown_rows(&base.account.values, users);
        let mut user_scores = self.scores.user.clone();
        user_scores.resize(users, 0.0);
        for b in self.pending.drain(..) {
            if b.event_features.cols == events.cols {
                events.data.extend_from_slice(&b.event_features.data);
            } else {
                // Not the model's columns (cannot happen with one scorer): typical values.
                events
                    .data
                    .extend(std::iter::repeat_n(f32::NAN, b.log.len() * events.cols));
            }
            events.rows += b.log.len();
            event_scores.extend_from_slice(&b.event_scores);
            for a in b.accounts {
                let Some(u) = log.columns.user.dict.lookup(&a.user) else {
                    continue;
                };
                let u = u as usize;
                user_scores[u] = a.score;
                if a.features.len() == account.cols {
                    account.row_mut(u).copy_from_slice(&a.features);
                }
            }
        }
        let links = log
            .columns
            .entities
            .iter()
            .map(|e| EntityUsers::new(&e.column, &log.columns.user))
            .collect();
        let data = Arc::new(Dataset {
            labels: grown_labels(&base.labels, users, new_events),
            index: Arc::new(index),
            log: Arc::new(log),
            account: Arc::new(FeatureTable {
                specs: base.account.specs.clone(),
                values: account,
                rows: None,
            }),
            events: Arc::new(FeatureTable {
                specs: base.events.specs.clone(),
                values: events,
                rows: None,
            }),
            main_types: base.main_types.clone(),
        });
        self.added += new_events;
        self.data = data.clone();
        self.scores = Scores {
            user: user_scores,
            event: event_scores,
        };
        self.built_at = Instant::now();
        self.build_took = started.elapsed();
        Some(Grown {
            data,
            scores: self.scores.clone(),
            links,
            added: self.added,
            build_time: self.build_took,
        })
    }
}

/// `m` with rows added up to `rows`, NaN (typical) until an update fills them.
fn grown_rows(m: &Matrix, rows: usize) -> Matrix {
    let mut grown = m.clone();
    grown.data.resize(rows.max(m.rows) * m.cols, f32::NAN);
    grown.rows = rows.max(m.rows);
    grown
}

/// What is known of the labels, with the new users and events not known yet.
fn grown_labels(labels: &LabelKnowledge, users: usize, new_events: usize) -> LabelKnowledge {
    let mut grown = labels.clone();
    grown.user.resize(users, LABEL_UNKNOWN);
    grown.user_known_at_ms.resize(users, i64::MAX);
    grown.user_clear_at_ms.resize(users, i64::MAX);
    if let Some(events) = &mut grown.event {
        events.extend(std::iter::repeat_n(LABEL_UNKNOWN, new_events));
    }
    grown
}
