//! The settings the workspace keeps for its log (thresholds, the queue's filter, the selected
//! account, what a watch saw at its start), each under a typed key: a setting is named once.

use std::borrow::Cow;

use super::changes::{ChangeKind, note_change};
use super::error::CaseError;
use super::sql::args;
use super::workspace::Workspace;
use crate::time_units::MINUTE_MS;

/// A setting of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKey<'a> {
    ThresholdSuspicious,
    ThresholdHigh,
    /// The detector the thresholds were set for (another one scores on another scale).
    ThresholdDetector,
    /// For how many minutes another analyst's decision counts as recent: a verdict over it
    /// asks first even when the window has seen it.
    RecentDecisionMinutes,
    /// How many accounts a day the team reviews: the default thresholds flag at most that many.
    DailyCapacity,
    /// The queue's filter and order, as JSON.
    QueueFilter,
    SelectedUser,
    /// The accounts already at high risk when this source (its key) was first watched, as
    /// a JSON list: they are in the queue, and are not alerted on.
    WatchHighAtStart(&'a str),
}

impl SettingKey<'_> {
    /// The key as the settings table stores it.
    pub fn key(&self) -> Cow<'static, str> {
        match self {
            SettingKey::ThresholdSuspicious => "threshold_suspicious".into(),
            SettingKey::ThresholdHigh => "threshold_high".into(),
            SettingKey::ThresholdDetector => "threshold_detector".into(),
            SettingKey::RecentDecisionMinutes => "recent_decision_minutes".into(),
            SettingKey::DailyCapacity => "daily_capacity".into(),
            SettingKey::QueueFilter => "queue_filter".into(),
            SettingKey::SelectedUser => "selected_user".into(),
            SettingKey::WatchHighAtStart(source) => format!("watch_high_at_start:{source}").into(),
        }
    }

    /// Thresholds and the recent-decision minutes are the team's and only a lead sets them; the queue's filter and the
    /// selection are each analyst's own; what a watch saw is the workspace's.
    fn scope(&self) -> Scope {
        match self {
            SettingKey::ThresholdSuspicious
            | SettingKey::ThresholdHigh
            | SettingKey::ThresholdDetector
            | SettingKey::RecentDecisionMinutes
            | SettingKey::DailyCapacity => Scope::LeadSets,
            SettingKey::QueueFilter | SettingKey::SelectedUser => Scope::Personal,
            SettingKey::WatchHighAtStart(_) => Scope::Shared,
        }
    }

    /// What changing it is, as a refusal names it.
    fn action(&self) -> &'static str {
        match self {
            SettingKey::RecentDecisionMinutes => "change how long a decision counts as recent",
            SettingKey::DailyCapacity => "change the team's daily review capacity",
            _ => "change the thresholds",
        }
    }

    /// The key as stored for `who` (a personal setting is kept per analyst).
    fn stored_key(&self, who: &str) -> String {
        match self.scope() {
            Scope::Personal => format!("{}@{who}", self.key()),
            Scope::LeadSets | Scope::Shared => self.key().into_owned(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    LeadSets,
    Personal,
    Shared,
}

impl Workspace {
    /// A saved setting as `who` sees it, when there is one. A personal setting saved before
    /// workspaces had members (one analyst's file) is read as everyone's.
    pub fn setting(&self, key: SettingKey<'_>, who: &str) -> Result<Option<String>, CaseError> {
        let value = |k: String| {
            self.read(|s| {
                s.row("SELECT value FROM settings WHERE key = ?1", args![k])?
                    .map(|r| r.text("value"))
                    .transpose()
            })
        };
        match value(key.stored_key(who))? {
            Some(v) => Ok(Some(v)),
            None if key.scope() == Scope::Personal => value(key.key().into_owned()),
            None => Ok(None),
        }
    }

    /// Saves a setting for `who`; a threshold only when `who` leads (unless it is unchanged).
    pub fn set_setting(
        &self,
        key: SettingKey<'_>,
        value: &str,
        who: &str,
    ) -> Result<(), CaseError> {
        if key.scope() == Scope::LeadSets {
            if self.setting(key, who)?.as_deref() == Some(value) {
                return Ok(());
            }
            self.require_lead(who, key.action())?;
        }
        self.write(|s| {
            s.exec(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                args![key.stored_key(who), value],
            )?;
            if key.scope() != Scope::Personal {
                note_change(s, ChangeKind::Setting, None, who, self.origin())?;
            }
            Ok(())
        })
    }

    /// How many accounts a day the team reviews (the lead's setting; 100 unless set).
    pub fn daily_capacity(&self, who: &str) -> Result<usize, CaseError> {
        Ok(self
            .setting(SettingKey::DailyCapacity, who)?
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(DAILY_CAPACITY))
    }

    /// How long another analyst's decision counts as recent: a verdict over it asks first
    /// even when the window has seen it (the lead's setting; 30 minutes unless set).
    pub fn recent_decision_ms(&self, who: &str) -> Result<i64, CaseError> {
        let minutes = self
            .setting(SettingKey::RecentDecisionMinutes, who)?
            .and_then(|v| v.trim().parse::<u32>().ok())
            .unwrap_or(RECENT_DECISION_MINUTES);
        Ok(i64::from(minutes) * MINUTE_MS)
    }
}

/// How many accounts a day a team reviews unless the lead sets another
/// (`SettingKey::DailyCapacity`): the default thresholds flag at most that many.
pub const DAILY_CAPACITY: usize = 100;

/// Another analyst's decision counts as recent for this many minutes unless the lead sets
/// another (`SettingKey::RecentDecisionMinutes`).
pub const RECENT_DECISION_MINUTES: u32 = 30;
