//! The settings the workspace keeps for its log (thresholds, the queue's filter, the selected
//! account, what a watch saw at its start), each under a typed key: a setting is named once.

use std::borrow::Cow;

use super::changes::{ChangeKind, note_change};
use super::error::CaseError;
use super::sql::args;
use super::workspace::Workspace;

/// A setting of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKey<'a> {
    ThresholdSuspicious,
    ThresholdHigh,
    /// The detector the thresholds were set for (another one scores on another scale).
    ThresholdDetector,
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
            SettingKey::QueueFilter => "queue_filter".into(),
            SettingKey::SelectedUser => "selected_user".into(),
            SettingKey::WatchHighAtStart(source) => format!("watch_high_at_start:{source}").into(),
        }
    }

    /// Thresholds are the team's and only a lead sets them; the queue's filter and the
    /// selection are each analyst's own; what a watch saw is the workspace's.
    fn scope(&self) -> Scope {
        match self {
            SettingKey::ThresholdSuspicious
            | SettingKey::ThresholdHigh
            | SettingKey::ThresholdDetector => Scope::LeadSets,
            SettingKey::QueueFilter | SettingKey::SelectedUser => Scope::Personal,
            SettingKey::WatchHighAtStart(_) => Scope::Shared,
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
                    .map(|r| r.text(0))
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
            self.require_lead(who, "change the thresholds")?;
        }
        self.write(|s| {
            s.exec(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                args![key.stored_key(who), value],
            )?;
            if key.scope() != Scope::Personal {
                note_change(s, ChangeKind::Setting, None, who)?;
            }
            Ok(())
        })
    }
}
