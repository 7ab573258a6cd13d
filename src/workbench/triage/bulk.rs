//! Bulk decisions: the analyst marks several accounts (one by one, a range of the queue, every
//! account linked to one or behaving like it, or the whole filtered queue) and labels them in
//! one action, which is one transaction and one undo; the audit log still has a line per
//! account.

use std::collections::BTreeSet;

use super::super::error::Result;
use super::super::similar::Likeness;
use super::Triage;
use crate::cases::{Source, Verdict};
use crate::log::UserCode;

impl Triage {
    /// Marks `u`, or unmarks it when it was marked (a ctrl-click).
    pub fn toggle_mark(&mut self, u: UserCode) {
        if u.index() < self.users() && !self.marked.remove(&u) {
            self.marked.insert(u);
        }
    }

    /// Marks every account of the queue from the selection to `u`, both included (a
    /// shift-click); just `u` when either is not in the queue.
    pub fn mark_range_to(&mut self, u: UserCode) {
        let from = self.queue_position();
        let to = self.queue.iter().position(|&q| q == u);
        match (from, to) {
            (Some(a), Some(b)) => {
                let (lo, hi) = (a.min(b), a.max(b));
                self.marked.extend(self.queue[lo..=hi].iter().copied());
            }
            _ => {
                self.marked.insert(u);
            }
        }
    }

    /// Marks `u` and every account linked to it through a shared entity value.
    pub fn mark_linked(&mut self, u: UserCode) {
        if u.index() >= self.users() {
            return;
        }
        self.marked.insert(u);
        let linked = self.session.linked_accounts(u);
        self.marked.extend(linked.into_iter().map(|l| l.user));
    }

    /// Marks `u` and the `k` accounts nearest to it in behaviour, read `by` features or the
    /// sequence model.
    pub fn mark_similar(&mut self, u: UserCode, k: usize, by: Likeness) {
        if u.index() >= self.users() {
            return;
        }
        self.marked.insert(u);
        let similar = self.session.similar_accounts(u, k, by);
        self.marked.extend(similar.into_iter().map(|s| s.user));
    }

    /// Marks every account of the queue as it is filtered now.
    pub fn mark_queue(&mut self) {
        self.marked.extend(self.queue.iter().copied());
    }

    pub fn clear_marks(&mut self) {
        self.marked.clear();
    }

    /// Gives every marked account `verdict` in one transaction (all or none is saved) and one
    /// undo entry, then clears the marks; returns how many were labelled. Where another
    /// analyst holds or recently decided any of them, nothing is written and the decision
    /// asks once, listing them (`conflict`).
    pub fn label_marked(&mut self, verdict: Verdict, author: &str) -> Result<usize> {
        let marked: BTreeSet<UserCode> = std::mem::take(&mut self.marked);
        let names: Vec<String> = marked
            .iter()
            .map(|&u| self.user_name(u).to_string())
            .collect();
        let me = self.me().to_string();
        let guard = self.guard_for(None, verdict, &me);
        let written = self
            .workspace
            .decide(&names, verdict, author, Source::Analyst, guard);
        self.after_verdict(None, verdict, written.as_ref().err(), names.len());
        let cases = match written {
            Ok(cases) => cases,
            Err(e) => {
                // Nothing was saved: the marks stay for another try.
                self.marked = marked;
                return Err(e.into());
            }
        };
        for (&u, case) in marked.iter().zip(cases) {
            self.keep_case(u, case);
        }
        self.verdicts_given(marked.len());
        Ok(marked.len())
    }
}
