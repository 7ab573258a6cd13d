//! The two sides of a split: what the detectors train on, and what they are graded on with
//! every label, the test users' labels hidden from everything the training computes.

use std::sync::Arc;

use super::split::{Split, random_test_users};
use crate::detect::{DetectError, Level};
use crate::features::{Dataset, FeatureError, LabelKnowledge};
use crate::log::{Label, LoadError, UserCode, UserIndex, read_user_list};
use crate::progress::Progress;

/// What to train on and what to test on.
pub struct Setup {
    pub train: Arc<Dataset>,
    pub train_users: Vec<bool>,
    pub test: Arc<Dataset>,
    /// Per user code of `test`.
    pub test_users: Vec<bool>,
    /// Per event of `test`.
    pub test_events: Vec<bool>,
    /// Every label of `test`, for grading (the detectors may have seen fewer).
    pub truth: LabelKnowledge,
    /// Learn from no event at or after this time (a time split at event level).
    pub event_cutoff_ms: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(transparent)]
    Detect(#[from] DetectError),
    #[error("{0}")]
    Split(String),
}

/// Builds the train and test sides of `split` from the whole log's dataset. A time split
/// tests the events from the split's time on (for `horizon_ms` when given).
pub fn setup(
    full: Arc<Dataset>,
    split: &Split,
    level: Level,
    horizon_ms: Option<i64>,
    progress: &dyn Progress,
) -> Result<Setup, EvalError> {
    let log = full.log.clone();
    let events_of = move |test_users: &[bool]| -> Vec<bool> {
        (0..log.len())
            .map(|e| log.user_of(e).is_some_and(|u| test_users[u.index()]))
            .collect()
    };
    match split {
        Split::Random {
            seed,
            test_fraction,
        } => {
            let test_users = random_test_users(full.users(), *seed, *test_fraction);
            held_out(full, test_users, events_of, progress)
        }
        Split::Users { path } => {
            let test_users = listed_users(&full, path)?;
            held_out(full, test_users, events_of, progress)
        }
        Split::Time { at_ms } => {
            let end_ms = horizon_ms.map_or(i64::MAX, |h| at_ms.saturating_add(h));
            at_time(full, *at_ms, end_ms, level, progress)
        }
    }
}

/// The log's users that the list at `path` names; an error when it names none of them.
fn listed_users(full: &Dataset, path: &std::path::Path) -> Result<Vec<bool>, EvalError> {
    let names = read_user_list(path)?;
    let mut test_users = vec![false; full.users()];
    let mut found = 0;
    for n in &names {
        if let Some(u) = full.log.user_code(n) {
            found += usize::from(!test_users[u.index()]);
            test_users[u.index()] = true;
        }
    }
    if found == 0 {
        return Err(EvalError::Split(format!(
            "{}: none of its {} users is in the log",
            path.display(),
            names.len()
        )));
    }
    Ok(test_users)
}

/// A split in time: learn from what was known at `at_ms`, test the events in
/// `[at_ms, end_ms)` and the users they belong to.
fn at_time(
    full: Arc<Dataset>,
    at_ms: i64,
    end_ms: i64,
    level: Level,
    progress: &dyn Progress,
) -> Result<Setup, EvalError> {
    let ts = &full.log.columns.ts_ms;
    if !ts.iter().any(|&t| t < at_ms) || !ts.iter().any(|&t| t >= at_ms && t < end_ms) {
        return Err(EvalError::Split(
            "the time split leaves no events on one side; pick a time inside the log".into(),
        ));
    }
    let test_events: Vec<bool> = ts.iter().map(|&t| t >= at_ms && t < end_ms).collect();
    let mut test_users = vec![false; full.users()];
    for e in (0..test_events.len()).filter(|&e| test_events[e]) {
        if let Some(u) = full.log.user_of(e) {
            test_users[u.index()] = true;
        }
    }
    let (train, event_cutoff_ms) = match level {
        // Event features are as of their event, so the whole log's are the ones a model
        // trained at the split would have had; it learns from the events before it, with the
        // labels known then.
        Level::Event => (
            Arc::new(full.with_targets(full.labels.known_before(&full.log, at_ms))),
            Some(at_ms),
        ),
        // Account features sum a user's whole history: recompute them on the past.
        Level::User => (Arc::new(full.before(at_ms, progress)?), None),
    };
    // The past may lack a feature the whole log has (no refund yet): the test side is read in
    // the columns the model learnt.
    let test = match level {
        Level::Event => full.clone(),
        Level::User => Arc::new(full.aligned_to(&train)),
    };
    Ok(Setup {
        train_users: vec![true; train.users()],
        train,
        truth: full.labels.clone(),
        test,
        test_users,
        test_events,
        event_cutoff_ms,
    })
}

/// A split that holds users out: their labels are hidden from everything computed (entity
/// fraud rates included) and used only to grade the scores.
fn held_out(
    full: Arc<Dataset>,
    test_users: Vec<bool>,
    events_of: impl Fn(&[bool]) -> Vec<bool>,
    progress: &dyn Progress,
) -> Result<Setup, EvalError> {
    let truth = full.labels.clone();
    let mut hidden = truth.clone();
    for u in UserCode::all(test_users.len()).filter(|u| test_users[u.index()]) {
        hidden.set_user(u, Label::Unknown, i64::MAX);
    }
    if let Some(ev) = &mut hidden.event {
        for (e, l) in ev.iter_mut().enumerate() {
            if full.log.user_of(e).is_some_and(|u| test_users[u.index()]) {
                *l = Label::Unknown;
            }
        }
    }
    let index = UserIndex::new(&full.log);
    let data = Arc::new(Dataset::with_labels(
        full.log.clone(),
        index,
        hidden,
        progress,
    )?);
    Ok(Setup {
        train: data.clone(),
        train_users: test_users.iter().map(|t| !t).collect(),
        test_events: events_of(&test_users),
        test_users,
        test: data,
        truth,
        event_cutoff_ms: None,
    })
}
