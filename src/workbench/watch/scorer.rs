//! Scoring events as they arrive. New events are appended to the log, get their event
//! features from the live cursors (nothing earlier is featurised again), and only the accounts
//! they touch are scored: a small dataset of those accounts' events, with their account
//! features recomputed and the new events' features, through the current model, rules and
//! lists. An account that reaches high risk raises one alert.

use std::sync::Arc;

use ahash::{AHashMap, AHashSet};
use serde::{Deserialize, Serialize};

use super::super::active_rules::ActiveRules;
use super::super::defaults;
use super::super::error::Result;
use super::super::labels::training_labels;
use super::growth::{AccountUpdate, ScoredBatch};
use crate::detect::{Detector, Reason, Risk, Scores, Thresholds};
use crate::features::{
    Dataset, FeatureTable, LabelKnowledge, LabelledLog, LiveFeatures, Matrix,
    account_features_with_types, sequence_context_from, sequence_day,
};
use crate::log::appended::AppendedEvents;
use crate::log::timeparse::format_rfc3339;
use crate::log::{EventLog, NULL_CODE, UserCode, UserIndex};
use crate::progress::{NoProgress, Progress};
use crate::rules::{ListEntry, Rule};

/// At most this many triggering events are listed in an alert (the highest scored).
const EVENTS_PER_ALERT: usize = 20;

/// One of the events that raised an alert.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AlertEvent {
    /// Data row in the file it was read from (0-based, after the header).
    pub row: u64,
    pub time: String,
    pub event: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    pub score: f32,
}

/// An account that reached high risk while the log was watched. Stored in the workspace as
/// it is; the alerts file and `vigil watch` print it as `alert_line` does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Alert {
    pub user: String,
    /// The model's account score after the new events.
    pub score: f32,
    pub risk: Risk,
    /// Why (the rules and lists hitting it first), as values a face says in its language.
    pub reasons: Vec<Reason>,
    pub events: Vec<AlertEvent>,
    /// When the alert was raised (ms since the epoch, UTC).
    pub raised_at_ms: i64,
    /// The file the triggering events were read from.
    pub file: String,
}

/// What the scorer needs of the open log's model and workspace.
pub struct ScorerSetup<'a> {
    /// The log's dataset as the model was trained or scored on (its columns are the model's).
    pub data: &'a Dataset,
    pub detector: Arc<dyn Detector>,
    /// The account thresholds in use (the analyst's, where set).
    pub thresholds: Thresholds,
    pub rules: Vec<Rule>,
    pub lists: Vec<ListEntry>,
    /// History is the log's rows before this one (a resumed watch); `None`: all of it.
    pub rows_before: Option<u64>,
    /// Accounts not to alert on, by name: those already alerted on, and those already at high
    /// risk in the history (they are in the analyst's queue).
    pub alerted: Vec<String>,
}

pub struct LiveScorer {
    log: EventLog,
    features: LiveFeatures,
    detector: Arc<dyn Detector>,
    thresholds: Thresholds,
    /// The model's account and event feature columns, which new rows are arranged as (the
    /// names only: the history's feature tables are not kept).
    model_columns: (Vec<String>, Vec<String>),
    main_types: Vec<String>,
    rules: Vec<Rule>,
    lists: Vec<ListEntry>,
    /// Events per user code.
    by_user: Vec<Vec<u32>>,
    /// Per entity role: the users of each value (for the accounts' `shared:` features).
    value_users: Vec<AHashMap<u32, AHashSet<UserCode>>>,
    alerted: AHashSet<String>,
    /// New events scored so far.
    pub scored: u64,
    /// Events of the open log past the checkpoint (a resumed watch): the watch reads them
    /// again as new, though the open log holds them.
    known_after_history: usize,
    /// For a sequence model, per user code: the events of the user's latest day with their
    /// features, which its windows read with the new events of that day. Empty otherwise.
    day_rows: AHashMap<UserCode, DayRows>,
}

/// One user's events of one day, each with its event features (the live cursors' columns).
struct DayRows {
    day: i64,
    events: Vec<(u32, Vec<f32>)>,
}

/// What scoring one batch gave: the alerts it raised, and the batch as scored.
pub struct Ingested {
    pub alerts: Vec<Alert>,
    pub batch: ScoredBatch,
}

impl LiveScorer {
    pub fn new(setup: ScorerSetup, progress: &dyn Progress) -> Result<Self> {
        let data = setup.data;
        let whole = LabelledLog {
            log: data.log.clone(),
            index: (*data.index).clone(),
            labels: data.labels.clone(),
        };
        let history = match setup.rows_before {
            Some(n) => {
                let keep: Vec<bool> = data.log.columns.row.iter().map(|&r| r < n).collect();
                whole.part(&keep)
            }
            None => whole,
        };
        // The log's own labels with when each becomes known, as the whole-log features read
        // them (not the targets, which know only what was known by the history's end).
        let known = training_labels(
            &history.log,
            &history.index,
            &[],
            defaults::label_delay_ms(),
        );
        // A sequence model reads the new events with their day's earlier ones: the features
        // of the history's last day are kept.
        let rows_from = match history.log.time_range_ms() {
            Some((_, last)) if setup.detector.kind().reads_sequences() => {
                sequence_context_from(last)
            }
            _ => i64::MAX,
        };
        let (features, recent_rows) =
            LiveFeatures::warm(&history.log, &known.features, rows_from, progress)?;
        let log = (*history.log).clone();
        let known_after_history = data.log.len() - log.len();
        let mut scorer = Self {
            features,
            detector: setup.detector.clone(),
            thresholds: setup.thresholds,
            model_columns: data.column_names(),
            main_types: data.main_types.iter().map(|(_, n)| n.clone()).collect(),
            rules: setup.rules,
            lists: setup.lists,
            by_user: Vec::new(),
            value_users: vec![AHashMap::new(); log.columns.entities.len()],
            alerted: setup.alerted.into_iter().collect(),
            scored: 0,
            known_after_history,
            log,
            day_rows: AHashMap::new(),
        };
        scorer.index_events(0);
        for (e, row) in recent_rows {
            scorer.keep_day_row(e, row);
        }
        Ok(scorer)
    }

    /// Events in the log (history and new).
    pub fn events(&self) -> usize {
        self.log.len()
    }

    /// How many of the first events it scores the open log already holds.
    pub fn known_after_history(&self) -> usize {
        self.known_after_history
    }

    fn index_events(&mut self, from: usize) {
        let c = &self.log.columns;
        for e in from..self.log.len() {
            // Appended lines without a user are turned away when read.
            let Some(u) = self.log.user_of(e) else {
                continue;
            };
            if self.by_user.len() <= u.index() {
                self.by_user.resize_with(u.index() + 1, Vec::new);
            }
            self.by_user[u.index()].push(e as u32);
            for (entity, users) in c.entities.iter().zip(&mut self.value_users) {
                let v = entity.column.codes[e];
                if v != NULL_CODE {
                    users.entry(v).or_default().insert(u);
                }
            }
        }
    }

    /// Scores the events of `batch`: the alerts they raise, and the batch as scored.
    pub fn ingest(&mut self, batch: &AppendedEvents) -> Result<Ingested> {
        if batch.log.is_empty() {
            return Ok(self.nothing_in(batch));
        }
        let first = self.log.len();
        self.log.append(&batch.log, 0);
        self.index_events(first);
        let fresh = self.log.len() - first;
        self.scored += fresh as u64;
        let rows = self.featurise_from(first);
        let data = self.touched_accounts(first, rows)?;
        let scores = self.detector.score(&data, &NoProgress)?;
        let rules = ActiveRules::new(self.rules.clone(), self.lists.clone(), &data);
        let scored = Scored {
            data: &data,
            scores: &scores,
            rules: &rules,
            fresh,
        };
        let file = batch.file.display().to_string();
        let alerts = self.alerts(&scored, &file);
        Ok(Ingested {
            alerts,
            batch: scored.batch(batch),
        })
    }

    /// An empty batch: no alert, nothing scored.
    fn nothing_in(&self, batch: &AppendedEvents) -> Ingested {
        Ingested {
            alerts: Vec::new(),
            batch: ScoredBatch {
                log: batch.log.clone(),
                event_features: Matrix::zeros(0, self.model_columns.1.len()),
                event_scores: Vec::new(),
                accounts: Vec::new(),
            },
        }
    }

    /// The event features of the log's events from `first` on, from the state kept per group
    /// (a sequence model also keeps each one as its user's latest day's).
    fn featurise_from(&mut self, first: usize) -> Matrix {
        let cols = self.features.specs().len();
        let mut rows = Matrix::zeros(self.log.len() - first, cols);
        let sequences = self.detector.kind().reads_sequences();
        for (i, e) in (first..self.log.len()).enumerate() {
            let row = self.features.push(&self.log, e);
            rows.data[i * cols..(i + 1) * cols].copy_from_slice(&row);
            if sequences {
                self.keep_day_row(e, row);
            }
        }
        rows
    }

    /// One alert per touched account that the new events made high risk and that has not
    /// raised one yet.
    fn alerts(&mut self, scored: &Scored, file: &str) -> Vec<Alert> {
        let data = scored.data;
        let raised_at_ms = chrono::Utc::now().timestamp_millis();
        let mut alerts = Vec::new();
        let new_events = scored.new_events();
        for (su, events) in data.log.users().zip(&new_events) {
            let name = data.user_name(su);
            if events.is_empty() || self.alerted.contains(name) {
                continue;
            }
            let score = scored.scores.user[su.index()];
            let risk = scored.rules.risk(su, self.thresholds.risk(score));
            if risk != Risk::High {
                continue;
            }
            let mut reasons = scored.rules.reasons(su);
            reasons.extend(self.detector.explain(data, su));
            alerts.push(Alert {
                user: name.to_string(),
                score,
                risk,
                reasons,
                events: scored.triggering(events),
                raised_at_ms,
                file: file.to_string(),
            });
            self.alerted.insert(name.to_string());
        }
        alerts
    }

    /// Keeps event `e`'s features as its user's latest day's (a sequence model's).
    fn keep_day_row(&mut self, e: usize, row: Vec<f32>) {
        let Some(u) = self.log.user_of(e) else {
            return;
        };
        let day = sequence_day(self.log.columns.ts_ms[e]);
        let kept = self.day_rows.entry(u).or_insert(DayRows {
            day,
            events: Vec::new(),
        });
        if kept.day != day {
            kept.day = day;
            kept.events.clear();
        }
        kept.events.push((e as u32, row));
    }

    /// The dataset of the accounts the events from `first` on touch: all their events, their
    /// account features (sharing counted over the whole log), and `rows` as the features of
    /// the new events, after those of their day's earlier events for a sequence model,
    /// arranged as the model's columns.
    fn touched_accounts(&self, first: usize, rows: Matrix) -> Result<Dataset> {
        let mut touched: Vec<UserCode> = (first..self.log.len())
            .filter_map(|e| self.log.user_of(e))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let mut keep = vec![false; self.log.len()];
        for &u in &touched {
            for &e in &self.by_user[u.index()] {
                keep[e as usize] = true;
            }
        }
        let log = self.log.filtered(&keep);
        let index = UserIndex::new(&log);
        let mut account = account_features_with_types(&log, &index, &self.main_types, &NoProgress)?;
        self.count_sharing(&log, &mut account);
        let (earlier, earlier_rows) = self.earlier_day_rows(&touched, first, &keep);
        let fresh = rows.rows;
        let mut values = earlier_rows;
        values.rows += fresh;
        values.data.extend(rows.data);
        let mut featured = earlier;
        featured.extend((log.len() - fresh) as u32..log.len() as u32);
        let events = FeatureTable {
            specs: self.features.specs().to_vec(),
            values,
            rows: Some(featured),
        };
        let data = Dataset {
            labels: LabelKnowledge::none(log.user_count()),
            index: Arc::new(index),
            log: Arc::new(log),
            account: Arc::new(account),
            events: Arc::new(events),
            main_types: Vec::new(),
        };
        Ok(data.aligned_to_columns(&self.model_columns))
    }

    /// The kept day rows of the `touched` users' events before `first`: their numbers in the
    /// part of the log `keep` marks, in order, and their features.
    fn earlier_day_rows(
        &self,
        touched: &[UserCode],
        first: usize,
        keep: &[bool],
    ) -> (Vec<u32>, Matrix) {
        let cols = self.features.specs().len();
        let mut earlier: Vec<(u32, &[f32])> = touched
            .iter()
            .filter_map(|u| self.day_rows.get(u))
            .flat_map(|d| &d.events)
            .filter(|(e, _)| (*e as usize) < first)
            .map(|(e, row)| (*e, row.as_slice()))
            .collect();
        earlier.sort_unstable_by_key(|(e, _)| *e);
        let mut matrix = Matrix::zeros(0, cols);
        let mut numbers = Vec::with_capacity(earlier.len());
        // An event's number in the part is how many kept events come before it.
        let mut kept_before = 0u32;
        let mut next = 0usize;
        for (e, row) in earlier {
            let e = e as usize;
            kept_before += keep[next..e].iter().filter(|&&k| k).count() as u32;
            next = e;
            numbers.push(kept_before);
            matrix.data.extend_from_slice(row);
            matrix.rows += 1;
        }
        (numbers, matrix)
    }

    /// The `shared:<entity>` account features over the whole log, not only the touched
    /// accounts' part of it: the most other users seen on any one of the account's values.
    fn count_sharing(&self, part: &EventLog, account: &mut FeatureTable) {
        let c = &self.log.columns;
        for (k, entity) in c.entities.iter().enumerate() {
            let name = format!("shared:{}", entity.name);
            let Some(col) = account.specs.iter().position(|s| s.name == name) else {
                continue;
            };
            for su in part.users() {
                let Some(u) = self.log.user_code(part.user_name(su)) else {
                    continue;
                };
                let most = self.by_user[u.index()]
                    .iter()
                    .filter_map(|&e| self.value_users[k].get(&entity.column.codes[e as usize]))
                    .map(|users| users.len().saturating_sub(1))
                    .max()
                    .unwrap_or(0);
                account.values.set(su.index(), col, most as f32);
            }
        }
    }
}

/// A batch scored: the touched accounts' dataset, their scores and rules, and how many of
/// its events are new (the last rows of the touched accounts' log, in arrival order).
struct Scored<'a> {
    data: &'a Dataset,
    scores: &'a Scores,
    rules: &'a ActiveRules,
    fresh: usize,
}

impl Scored<'_> {
    /// The first row of the new events in the touched accounts' log.
    fn first_new(&self) -> usize {
        self.data.log.len() - self.fresh
    }

    /// Each touched account's new events.
    fn new_events(&self) -> Vec<Vec<usize>> {
        let log = &self.data.log;
        let mut new_events: Vec<Vec<usize>> = vec![Vec::new(); self.data.users()];
        for e in self.first_new()..log.len() {
            if let Some(u) = log.user_of(e) {
                new_events[u.index()].push(e);
            }
        }
        new_events
    }

    /// The riskiest of `events` (at most `EVENTS_PER_ALERT`), in log order, as an alert
    /// names them.
    fn triggering(&self, events: &[usize]) -> Vec<AlertEvent> {
        let (sub, event_scores) = (&self.data.log.columns, &self.scores.event);
        let mut triggering = events.to_vec();
        triggering.sort_by(|&a, &b| event_scores[b].total_cmp(&event_scores[a]));
        triggering.truncate(EVENTS_PER_ALERT);
        triggering.sort_unstable();
        triggering
            .iter()
            .map(|&e| AlertEvent {
                row: sub.row[e],
                time: format_rfc3339(sub.ts_ms[e]),
                event: sub.event.get(e).unwrap_or_default().to_string(),
                amount: sub.amount.as_ref().map(|a| a[e]).filter(|a| a.is_finite()),
                score: event_scores[e],
            })
            .collect()
    }

    /// The batch as scored: its accounts' scores and features, and its events'.
    fn batch(&self, batch: &AppendedEvents) -> ScoredBatch {
        let data = self.data;
        let accounts = data
            .log
            .users()
            .map(|su| AccountUpdate {
                user: data.user_name(su).to_string(),
                score: self.scores.user[su.index()],
                features: data.account.values.row(su.index()).to_vec(),
            })
            .collect();
        // The new events' rows are the last (a sequence model's dataset has their day's
        // earlier events' before them).
        let all_rows = data.events.values.rows;
        let fresh_rows: Vec<usize> = (all_rows - self.fresh..all_rows).collect();
        ScoredBatch {
            log: batch.log.clone(),
            event_features: data.events.values.select_rows(&fresh_rows),
            event_scores: self.scores.event[self.first_new()..].to_vec(),
            accounts,
        }
    }
}
