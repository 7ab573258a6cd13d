//! The settings the workspace keeps for its log (thresholds, the queue's filter, the selected
//! account, what a watch saw at its start), each under a typed key: a setting is named once.

use std::borrow::Cow;

use rusqlite::{OptionalExtension, params};

use super::error::CaseError;
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
}

impl Workspace {
    /// A saved setting, when there is one.
    pub fn setting(&self, key: SettingKey<'_>) -> Result<Option<String>, CaseError> {
        self.conn()
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key.key()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    pub fn set_setting(&self, key: SettingKey<'_>, value: &str) -> Result<(), CaseError> {
        self.conn()
            .execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key.key(), value],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }
}
