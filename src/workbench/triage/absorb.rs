//! The analyst's triage taking in what a watch added to the open log: the grown dataset and
//! its scores replace the session's, so the queue, the timeline and every view keyed on the
//! session's generation show the new events. User codes only grow (new accounts come after),
//! so the selection, the marks, the cases and the segments stay where they are.

use super::super::active_rules::ActiveRules;
use super::super::error::Result;
use super::super::session::next_generation;
use super::super::watch::Grown;
use super::Triage;
use crate::log::UserCode;

impl Triage {
    /// Puts `grown` in place of the session's dataset and scores; a dataset smaller than the
    /// one shown (built before another was swapped in) is ignored. Returns whether it was
    /// taken.
    pub fn absorb(&mut self, grown: Grown) -> Result<bool> {
        let before = self.users();
        let s = &mut self.session;
        if grown.data.log.len() < s.data.log.len() || grown.data.users() < before {
            return Ok(false);
        }
        let users = grown.data.users();
        s.log_labels = grown.log_labels;
        s.time_range = grown.data.log.time_range_ms();
        s.links = grown.links;
        s.data = grown.data;
        s.model.scores = grown.scores;
        // A reading per account exists only for the sequence models, which do not watch.
        s.model.embedding = s.model.embedding.take().filter(|m| m.rows == users);
        s.generation = next_generation();
        // A new account may have a case already (from an earlier, longer log): one lookup by
        // its key each, not a read of every case.
        for u in UserCode::all(users).skip(before) {
            if let Some(case) = self.workspace.case(s.data.user_name(u))? {
                self.cases.insert(u, case);
            }
        }
        // Bound on the watch's thread; again here only if the analyst changed them since.
        self.rules =
            if grown.rules.rules == self.rules.rules && grown.rules.lists == self.rules.lists {
                grown.rules
            } else {
                ActiveRules::new(
                    std::mem::take(&mut self.rules.rules),
                    std::mem::take(&mut self.rules.lists),
                    &self.session.data,
                )
            };
        self.reasons.borrow_mut().clear();
        self.recount_days();
        self.relabel();
        self.rebuild_queue();
        Ok(true)
    }
}
