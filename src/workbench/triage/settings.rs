//! What the triage keeps in the workspace between sessions: thresholds, the queue's filter and
//! the selected account.

use super::super::error::Result;
use super::Triage;
use crate::detect::Thresholds;

impl Triage {
    /// Thresholds, filters and the selected account as the workspace last had them. Thresholds
    /// set for another detector are on another scale (ranks, probabilities) and are not restored.
    pub(super) fn restore_settings(&mut self) {
        let get = |k: &str| self.workspace.setting(k).ok().flatten();
        let parse = |k: &str| get(k).and_then(|v| v.parse::<f32>().ok());
        let same_detector =
            get("threshold_detector").is_none_or(|d| d == self.session.model.kind.name());
        if let (true, Some(s), Some(h)) = (
            same_detector,
            parse("threshold_suspicious"),
            parse("threshold_high"),
        ) {
            self.thresholds = Thresholds {
                suspicious: s,
                high: h.max(s),
            };
        }
        if let Some(f) = get("queue_filter").and_then(|v| serde_json::from_str(&v).ok()) {
            self.filter = f;
        }
        self.selected = get("selected_user").and_then(|name| self.user_by_name(&name));
    }

    /// Writes thresholds, filters and the selection to the workspace.
    pub fn save_settings(&self) -> Result<()> {
        let ws = &self.workspace;
        ws.set_setting(
            "threshold_suspicious",
            &self.thresholds.suspicious.to_string(),
        )?;
        ws.set_setting("threshold_high", &self.thresholds.high.to_string())?;
        ws.set_setting("threshold_detector", self.session.model.kind.name())?;
        let filter = serde_json::to_string(&self.filter).unwrap_or_default();
        ws.set_setting("queue_filter", &filter)?;
        if let Some(u) = self.selected {
            ws.set_setting("selected_user", self.user_name(u))?;
        }
        Ok(())
    }
}
