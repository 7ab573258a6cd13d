//! What the triage keeps in the workspace between sessions: thresholds, the queue's filter and
//! the selected account.

use super::super::error::{Result, WorkbenchError};
use super::super::team_delta::{StoredThresholds, stored_thresholds};
use super::Triage;
use crate::cases::{CaseError, Role, SettingKey};
use crate::detect::Thresholds;

impl Triage {
    /// Thresholds, filters and the selected account as the workspace last had them. Thresholds
    /// set for another detector are on another scale (ranks, probabilities) and are not
    /// restored. A setting that cannot be read (a damaged value) is left at its default: it
    /// is written again at the next save.
    pub(super) fn restore_settings(&mut self) {
        self.restore_thresholds();
        let get = |k: SettingKey| self.workspace.setting(k, self.me()).ok().flatten();
        let filter = get(SettingKey::QueueFilter).and_then(|v| serde_json::from_str(&v).ok());
        let selected = get(SettingKey::SelectedUser).and_then(|name| self.user_by_name(&name));
        if let Some(f) = filter {
            self.filter = f;
        }
        if selected.is_some() {
            self.selected = selected;
        }
    }

    /// The team's thresholds as the workspace has them (a lead may have moved them).
    pub(super) fn restore_thresholds(&mut self) {
        let stored = stored_thresholds(&self.workspace, self.me());
        self.apply_thresholds(&stored);
    }

    /// Thresholds as stored (detector, suspicious, high), when they are this detector's.
    pub(super) fn apply_thresholds(&mut self, stored: &StoredThresholds) {
        let [detector, suspicious, high] = stored;
        let parse = |v: &Option<String>| v.as_deref().and_then(|v| v.parse::<f32>().ok());
        let same_detector = detector
            .as_deref()
            .is_none_or(|d| d == self.session.model.kind.name());
        if let (true, Some(s), Some(h)) = (same_detector, parse(suspicious), parse(high)) {
            self.thresholds = Thresholds {
                suspicious: s,
                high: h.max(s),
            };
        }
    }

    /// Writes thresholds (a lead's; unchanged ones are not written), this analyst's filters
    /// and selection to the workspace. An analyst's thresholds are not written (they are the
    /// lead's); ones the workspace refuses (the lead was made an analyst meanwhile) are put
    /// back as the workspace has them, so the refusal is said once and not tried again.
    pub fn save_settings(&mut self) -> Result<()> {
        let saved = match self.role() {
            Role::Lead => self.save_thresholds(),
            Role::Analyst => Ok(()),
        };
        if matches!(saved, Err(CaseError::NotLead { .. })) {
            self.restore_thresholds();
            self.rebuild_queue();
        }
        let ws = &self.workspace;
        let me = self.me();
        let filter = serde_json::to_string(&self.filter).map_err(|e| WorkbenchError::Output {
            path: ws.location().to_string().into(),
            detail: format!("the queue's filter could not be written: {e}"),
        })?;
        ws.set_setting(SettingKey::QueueFilter, &filter, me)?;
        if let Some(u) = self.selected {
            ws.set_setting(SettingKey::SelectedUser, self.user_name(u), me)?;
        }
        Ok(saved?)
    }

    fn save_thresholds(&self) -> std::result::Result<(), CaseError> {
        let (ws, th, me) = (&self.workspace, self.thresholds, self.me());
        ws.set_setting(
            SettingKey::ThresholdSuspicious,
            &th.suspicious.to_string(),
            me,
        )?;
        ws.set_setting(SettingKey::ThresholdHigh, &th.high.to_string(), me)?;
        ws.set_setting(
            SettingKey::ThresholdDetector,
            self.session.model.kind.name(),
            me,
        )
    }

    /// How many accounts a day the team reviews: what the default thresholds flag.
    pub fn daily_capacity(&self) -> usize {
        self.team.capacity
    }

    /// How many accounts a day `threshold` flags on the current scores: each day, the
    /// accounts active that day scoring at or above it, each labelled account at the score of
    /// a model that did not learn its label (as the coming days' accounts will score).
    pub fn flagged_per_day(&self, threshold: f32) -> f64 {
        self.daily.per_day(threshold)
    }

    /// Sets the team's daily review capacity (a lead's: an analyst is refused, naming who
    /// may). Thresholds not moved by hand follow it at once.
    pub fn set_daily_capacity(&mut self, capacity: usize) -> Result<()> {
        let capacity = capacity.max(1);
        let me = self.me().to_string();
        let value = capacity.to_string();
        self.workspace
            .set_setting(SettingKey::DailyCapacity, &value, &me)?;
        self.apply_capacity(capacity);
        Ok(())
    }

    /// Takes in the team's capacity: the model's thresholds become the ones that flag at most
    /// that many a day (never below its own), and so do the thresholds shown when they were
    /// the model's (not moved by hand).
    pub(super) fn apply_capacity(&mut self, capacity: usize) {
        self.team.capacity = capacity;
        let own = self.session.model.own_thresholds;
        let by_capacity = self.daily.thresholds(self.team.capacity, own);
        if self.thresholds == self.session.model.thresholds {
            self.thresholds = by_capacity;
        }
        self.session.model.thresholds = by_capacity;
        self.rebuild_queue();
    }

    /// Counts again how many accounts a day each threshold flags (the scores or the log
    /// changed).
    pub(super) fn recount_days(&mut self) {
        self.daily = self.session.model.daily_flags(&self.session.data);
    }
}
