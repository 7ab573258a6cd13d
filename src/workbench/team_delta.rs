//! What other windows changed since a mark of the change feed, read from the workspace in one
//! go: the work of a `sync` that needs the database. It can be read on any thread, over any
//! connection to the workspace (the window reads it on a follower thread of its own), and the
//! triage takes it in without touching the database (`Triage::apply_delta`).

use std::collections::{HashMap, HashSet};

use super::error::Result;
use crate::cases::{Case, ChangeKind, Claim, Origin, Role, SettingKey, Workspace};
use crate::rules::{ListEntry, Rule};

/// The team's thresholds as stored: the detector they were set for, suspicious, high.
pub(crate) type StoredThresholds = [Option<String>; 3];

/// Others' changes after a mark, with what they changed read back.
pub struct TeamDelta {
    /// The last change this covers.
    pub(crate) mark: i64,
    /// When it was read (ms): what the window has seen is current as of then.
    pub(crate) read_ms: i64,
    /// Accounts whose case changed, as they are now (`None`: no case any more).
    pub(crate) cases: Vec<(String, Option<Case>)>,
    pub(crate) claims: Option<HashMap<String, Claim>>,
    pub(crate) assigned: Option<HashSet<String>>,
    pub(crate) role: Option<Role>,
    pub(crate) rules: Option<(Vec<Rule>, Vec<ListEntry>)>,
    pub(crate) thresholds: Option<StoredThresholds>,
    /// How long a decision counts as recent now (ms), when a lead changed a setting.
    pub(crate) recent_ms: Option<i64>,
    /// The team's daily review capacity now, when a lead changed a setting.
    pub(crate) capacity: Option<usize>,
    /// Another window kept a newer model.
    pub(crate) model: bool,
}

impl TeamDelta {
    /// Whether another window changed anything.
    pub fn any(&self) -> bool {
        !self.cases.is_empty()
            || self.claims.is_some()
            || self.assigned.is_some()
            || self.role.is_some()
            || self.rules.is_some()
            || self.thresholds.is_some()
            || self.recent_ms.is_some()
            || self.capacity.is_some()
            || self.model
    }

    pub fn mark(&self) -> i64 {
        self.mark
    }
}

/// The team's thresholds as `ws` keeps them.
pub(crate) fn stored_thresholds(ws: &Workspace, me: &str) -> StoredThresholds {
    [
        SettingKey::ThresholdDetector,
        SettingKey::ThresholdSuspicious,
        SettingKey::ThresholdHigh,
    ]
    .map(|k| ws.setting(k, me).ok().flatten())
}

/// What changed in `ws` after `mark`, for `me`, but for the changes `mine` made itself (a
/// window is an identity of its own: the same analyst's writes from the shell or another
/// window are taken in like anyone's).
pub fn read_delta(ws: &Workspace, mark: i64, me: &str, mine: &Origin) -> Result<TeamDelta> {
    let read_ms = chrono::Utc::now().timestamp_millis();
    let changes = ws.changes_after(mark)?;
    let mark = changes.last().map_or(mark, |c| c.id);
    let theirs: Vec<_> = changes
        .iter()
        .filter(|c| c.origin.as_ref() != Some(mine))
        .collect();
    let kinds: HashSet<ChangeKind> = theirs.iter().map(|c| c.kind).collect();
    let users: Vec<String> = theirs
        .iter()
        .filter(|c| c.kind == ChangeKind::Case)
        .filter_map(|c| c.user.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    // Read back in one go (a bulk decision is many accounts); one without a case now had it
    // taken back.
    let mut now: HashMap<String, Case> = ws
        .cases_of(&users)?
        .into_iter()
        .map(|c| (c.user.clone(), c))
        .collect();
    let cases = users
        .into_iter()
        .map(|u| {
            let case = now.remove(&u);
            (u, case)
        })
        .collect();
    let changed = |k: ChangeKind| kinds.contains(&k);
    Ok(TeamDelta {
        mark,
        read_ms,
        cases,
        claims: changed(ChangeKind::Claim)
            .then(|| ws.claims())
            .transpose()?,
        assigned: changed(ChangeKind::Assignment)
            .then(|| ws.assigned_to(me).map(|a| a.into_iter().collect()))
            .transpose()?,
        role: changed(ChangeKind::Member)
            .then(|| ws.role_of(me))
            .transpose()?,
        rules: (changed(ChangeKind::Rule) || changed(ChangeKind::List))
            .then(|| Ok::<_, crate::cases::CaseError>((ws.rules()?, ws.list_entries()?)))
            .transpose()?,
        thresholds: changed(ChangeKind::Setting).then(|| stored_thresholds(ws, me)),
        recent_ms: changed(ChangeKind::Setting)
            .then(|| ws.recent_decision_ms(me))
            .transpose()?,
        capacity: changed(ChangeKind::Setting)
            .then(|| ws.daily_capacity(me))
            .transpose()?,
        model: changed(ChangeKind::Model),
    })
}
