//! The one rule for which label an account carries, the same for what the window shows and
//! what a model learns: the analyst's verdict when there is one, else the log's own label as
//! known by the log's end. A verdict replaces the log's labels of that account: "fraud" and
//! "legit" are labels, "unsure" means not known (it neither shows nor teaches a label).

use crate::cases::{Case, Verdict};
use crate::features::LabelKnowledge;
use crate::log::{EventLog, Label, UserCode, UserIndex};

/// An account's label: its verdict's, else the log's.
pub fn effective_label(log_label: Label, verdict: Option<Verdict>) -> Label {
    match verdict {
        Some(v) => v.label(),
        None => log_label,
    }
}

/// Each user's verdict, by user code; cases of users the log does not have are left out.
pub fn verdicts_by_user(log: &EventLog, cases: &[Case]) -> Vec<Option<Verdict>> {
    let mut out = vec![None; log.user_count()];
    for c in cases {
        if let Some(u) = log.user_code(&c.user) {
            out[u.index()] = c.verdict;
        }
    }
    out
}

/// The labels of a log as the workbench uses them: what features may read, what a model
/// trained now learns, and the log's own label per user.
pub struct TrainingLabels {
    /// The log's own labels with the time each became known: the as-of features read these.
    /// Verdicts are given at the log's end, so no earlier event's features can know them.
    pub features: LabelKnowledge,
    /// The log's labels known by its last event with every verdict applied by
    /// `effective_label`: what a model trained now learns from. At event level a legit verdict
    /// clears the account's fraud events and an unsure one makes them unknown; a fraud verdict
    /// keeps the log's finer word on which events were fraud.
    pub targets: LabelKnowledge,
    /// Per user: the log's label as known by its last event (`label_delay_ms` after its event).
    pub log_labels: Vec<Label>,
}

pub fn training_labels(
    log: &EventLog,
    index: &UserIndex,
    cases: &[Case],
    label_delay_ms: i64,
) -> TrainingLabels {
    let features = LabelKnowledge::new(log, index, &[], label_delay_ms);
    let end = log.columns.ts_ms.iter().copied().max().unwrap_or(0);
    let mut targets = features.known_before(log, end.saturating_add(1));
    let log_labels = targets.user.clone();
    let verdicts = verdicts_by_user(log, cases);
    for u in UserCode::all(verdicts.len()) {
        let Some(verdict) = verdicts[u.index()] else {
            continue;
        };
        let label = effective_label(log_labels[u.index()], Some(verdict));
        targets.set_user(u, label, end);
        if let Some(events) = &mut targets.event {
            for &e in index.events(u) {
                let l = &mut events[e as usize];
                match verdict {
                    Verdict::Legit if l.is_known() => *l = Label::Legit,
                    Verdict::Unsure => *l = Label::Unknown,
                    _ => {}
                }
            }
        }
    }
    TrainingLabels {
        features,
        targets,
        log_labels,
    }
}

/// The label of every user as the window shows it.
pub fn display_labels(log_labels: &[Label], verdicts: &[Option<Verdict>]) -> Vec<Label> {
    log_labels
        .iter()
        .zip(verdicts)
        .map(|(&l, &v)| effective_label(l, v))
        .collect()
}
