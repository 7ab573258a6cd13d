//! The open log grown by what a watch scores, for a face that shows the log (the window's
//! queue and timeline in Live mode). The scorer hands over each batch it scored: the new
//! events with their features and scores, and the touched accounts' new features and scores.
//! `Growth` adds them to the dataset the watch started from and builds the grown dataset on
//! the watch's thread, so the face only swaps it in. Nothing is featurised or scored again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::super::active_rules::ActiveRules;
use super::super::defaults;
use super::super::labels::training_labels;
use crate::cases::Case;
use crate::detect::Scores;
use crate::features::{Dataset, FeatureSpec, FeatureTable, Matrix, shared_users_of};
use crate::log::{EntityUsers, EventLog, Label, UserIndex};
use crate::rules::{ListEntry, Rule};

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
    /// Per user: the log's own label as known by the grown log's last event (a label becomes
    /// known `label_delay_ms` after its event, so a growing log learns its older labels).
    pub log_labels: Vec<Label>,
    /// The workspace's rules and lists (as when the watch started) bound to the grown log:
    /// binding reads every account (and, for some rules, every event), which the face need
    /// not do on its own thread while they are unchanged.
    pub rules: ActiveRules,
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

/// What the workspace held when the watch started, which the grown log is read with.
pub struct WorkspaceState {
    /// The targets are the label rule's with these cases, as when the log was opened.
    pub cases: Vec<Case>,
    pub rules: Vec<Rule>,
    pub lists: Vec<ListEntry>,
}

pub struct Growth {
    data: Arc<Dataset>,
    scores: Scores,
    workspace: WorkspaceState,
    /// Events the watch scores first that `data` already holds (a resumed watch reads again
    /// what was appended after its checkpoint, which the open log has).
    known: usize,
    pending: Vec<ScoredBatch>,
    added: usize,
    built_at: Instant,
    build_took: Duration,
}

impl Growth {
    /// Grows `data` (scored `scores`, read with `workspace`); the first `known` events the
    /// watch hands over are already in it.
    pub fn new(
        data: Arc<Dataset>,
        scores: Scores,
        workspace: WorkspaceState,
        known: usize,
    ) -> Self {
        Self {
            data,
            scores,
            workspace,
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
        let mut log = (*self.data.log).clone();
        let old_events = log.len();
        for b in &self.pending {
            log.append(&b.log, 0);
        }
        let new_events = log.len() - old_events;
        let index = UserIndex::new(&log);
        let grown = self.take_pending(&log);
        let base = &self.data;
        let links: Vec<EntityUsers> = log
            .columns
            .entities
            .iter()
            .map(|e| EntityUsers::new(&e.column, &log.columns.user))
            .collect();
        let mut account = grown.account;
        refresh_sharing(&log, &links, &base.account.specs, &mut account);
        let cases = &self.workspace.cases;
        let labels = training_labels(&log, &index, cases, defaults::label_delay_ms());
        let data = Arc::new(Dataset {
            labels: labels.targets,
            index: Arc::new(index),
            log: Arc::new(log),
            account: Arc::new(FeatureTable {
                specs: base.account.specs.clone(),
                values: account,
                rows: None,
            }),
            events: Arc::new(FeatureTable {
                specs: base.events.specs.clone(),
                values: grown.events,
                rows: None,
            }),
            main_types: base.main_types.clone(),
        });
        let (rules, lists) = (self.workspace.rules.clone(), self.workspace.lists.clone());
        let rules = ActiveRules::new(rules, lists, &data);
        self.added += new_events;
        self.data = data.clone();
        self.scores = grown.scores;
        self.built_at = Instant::now();
        self.build_took = started.elapsed();
        Some(Grown {
            data,
            scores: self.scores.clone(),
            links,
            log_labels: labels.log_labels,
            rules,
            added: self.added,
            build_time: self.build_took,
        })
    }

    /// The waiting batches taken into the current event features, account features and
    /// scores, for `log` (the current log with the batches appended).
    fn take_pending(&mut self, log: &EventLog) -> GrownTables {
        let users = log.user_count();
        let mut events = self.data.events.values.clone();
        let mut event_scores = self.scores.event.clone();
        let mut account = grown_rows(&self.data.account.values, users);
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
                let Some(u) = log.user_code(&a.user) else {
                    continue;
                };
                user_scores[u.index()] = a.score;
                if a.features.len() == account.cols {
                    account.row_mut(u.index()).copy_from_slice(&a.features);
                }
            }
        }
        GrownTables {
            events,
            account,
            scores: Scores {
                user: user_scores,
                event: event_scores,
            },
        }
    }
}

/// `m` with rows added up to `rows`, NaN (typical) until an update fills them.
fn grown_rows(m: &Matrix, rows: usize) -> Matrix {
    let mut grown = m.clone();
    grown.data.resize(rows.max(m.rows) * m.cols, f32::NAN);
    grown.rows = rows.max(m.rows);
    grown
}

/// The `shared:<entity>` account features of every account over the grown log: a new user of
/// a device or seller changes the count of each account that used it, touched by the new
/// events or not. (Their scores stay those of when they were last scored.)
fn refresh_sharing(log: &EventLog, links: &[EntityUsers], specs: &[FeatureSpec], m: &mut Matrix) {
    for (entity, users) in log.columns.entities.iter().zip(links) {
        let name = format!("shared:{}", entity.name);
        let Some(col) = specs.iter().position(|s| s.name == name) else {
            continue;
        };
        for (u, shared) in shared_users_of(users, m.rows).into_iter().enumerate() {
            m.set(u, col, shared);
        }
    }
}

/// The feature tables and scores with the waiting batches taken in (the accounts' sharing
/// not yet refreshed).
struct GrownTables {
    events: Matrix,
    account: Matrix,
    scores: Scores,
}
