//! The team's settings from the window: the thresholds and the daily review capacity. Both
//! are a lead's: an analyst's change is refused at once, the team's staying on screen.

use std::time::Instant;

use super::VigilApp;
use crate::detect::Thresholds;
use crate::gui::i18n::t;

impl VigilApp {
    /// The team's daily review capacity, the thresholds following it; an analyst's change is
    /// refused at once, with the reason.
    pub(super) fn set_daily_capacity(&mut self, capacity: usize) {
        let Some(t) = &mut self.triage else { return };
        if let Err(e) = t.set_daily_capacity(capacity) {
            let text = match e.is_not_lead() {
                true => t!("msg.capacity_refused", who = t.me()).into_owned(),
                false => t!("msg.settings_not_saved", e = e).into_owned(),
            };
            self.failed(text, &e);
        }
    }

    /// The thresholds as the analyst moved them; an analyst's move is refused at once, the
    /// thresholds staying the workspace's, with the reason.
    pub(super) fn set_thresholds(&mut self, th: Thresholds) {
        let Some(t) = &mut self.triage else { return };
        match t.set_thresholds(th) {
            Ok(()) => {
                self.settings_dirty_since.get_or_insert_with(Instant::now);
            }
            Err(e) => {
                let text = t!("msg.thresholds_refused", who = t.me()).into_owned();
                self.failed(text, &e);
            }
        }
    }
}
