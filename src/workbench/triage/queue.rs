//! Moving through the queue and what decides it: the filter, the thresholds, the segments.

use super::super::error::Result;
use super::super::population::{Rankings, segment_weeks};
use super::super::queue_filter::{LabelFilter, QueueFilter};
use super::super::session::next_generation;
use super::Triage;
use crate::cases::{CaseError, Role, Verdict, order_queue};
use crate::detect::Thresholds;
use crate::log::UserCode;
use crate::segments::Segmentation;

impl Triage {
    fn admits(&self, u: UserCode, needle: &str) -> bool {
        let label = self.label_of(u);
        let label_ok = match self.filter.label {
            LabelFilter::All => true,
            LabelFilter::NoVerdict => self.verdict(u).is_none(),
            LabelFilter::Unlabelled => self.verdict(u).is_none() && !label.is_known(),
            LabelFilter::Fraud => label.is_fraud(),
            LabelFilter::Legit => label.is_legit(),
            LabelFilter::Unsure => self.verdict(u) == Some(Verdict::Unsure),
        };
        let segment_ok = match (&self.segments, self.filter.segment) {
            (Some(s), Some(wanted)) => s.assignments.get(u.index()) == Some(&wanted),
            _ => true,
        };
        let assigned_ok = !self.filter.assigned_to_me || self.assigned_to_me(u);
        label_ok
            && segment_ok
            && assigned_ok
            && self.filter.risk.admits(self.risk(u))
            && (needle.is_empty() || self.user_name(u).to_lowercase().contains(needle))
    }

    /// Filters and orders the queue; the selection stays where it is.
    pub(super) fn rebuild_queue(&mut self) {
        let needle = self.filter.search.trim().to_lowercase();
        let candidates: Vec<UserCode> = self
            .user_codes()
            .filter(|&u| self.admits(u, &needle))
            .collect();
        self.queue = order_queue(
            &self.session.model.scores.user,
            &candidates,
            self.thresholds.suspicious,
            self.filter.order,
        );
    }

    /// The account `step` places after (or before, when negative) the selection.
    /// Accounts another analyst holds are passed over: they are being worked.
    pub(super) fn neighbour(&self, step: isize) -> Option<UserCode> {
        let mut at = match self.queue_position() {
            Some(p) => p.checked_add_signed(step)?,
            None => 0,
        };
        loop {
            let u = *self.queue.get(at)?;
            if self.claimed_by_other(u).is_none() {
                return Some(u);
            }
            at = at.checked_add_signed(step.signum())?;
        }
    }

    /// Selects `u`, claiming it for this analyst.
    pub fn select(&mut self, u: UserCode) {
        if u.index() < self.users() {
            self.selected = Some(u);
            self.claim_selected();
        }
    }

    /// Moves through the queue: +1 next, -1 previous, over accounts others hold.
    pub fn step(&mut self, step: isize) {
        if let Some(u) = self.neighbour(step) {
            self.selected = Some(u);
            self.claim_selected();
        }
    }

    /// Refilters the queue; a selection the filter hides gives way to the queue's first.
    pub fn set_filter(&mut self, f: QueueFilter) {
        self.filter = f;
        self.rebuild_queue();
        if self.queue_position().is_none() {
            self.selected = self.queue.first().copied().or(self.selected);
        }
    }

    /// Sets the thresholds (`high` never below `suspicious`); the queue follows where the
    /// risk filter or the order reads them. The thresholds are the team's: an analyst's
    /// change is refused, naming who may, and the thresholds stay as the workspace has them.
    pub fn set_thresholds(&mut self, th: Thresholds) -> Result<()> {
        if self.role() != Role::Lead {
            return Err(CaseError::NotLead {
                who: self.me().to_string(),
                action: "change the thresholds",
            }
            .into());
        }
        self.thresholds = Thresholds {
            suspicious: th.suspicious,
            high: th.high.max(th.suspicious),
        };
        if self.filter.risk != Default::default() || self.filter.order != Default::default() {
            self.rebuild_queue();
        }
        Ok(())
    }

    /// Puts the session's segments in place (ignored when they are of more accounts than the
    /// log has); a segment filter of the previous ones is dropped. Accounts a live watch added
    /// after they were found have no segment.
    pub fn set_segments(&mut self, segments: Segmentation) {
        if segments.assignments.len() > self.users() {
            return;
        }
        self.segment_weeks = Some(segment_weeks(&self.session.data.log, &segments));
        self.segments = Some(segments);
        self.shown.version = next_generation();
        self.filter.segment = None;
        self.rebuild_queue();
    }

    /// Puts the behaviour outlook in place (ignored when it is of more accounts than the log
    /// has; accounts a live watch added since have none).
    pub fn set_outlook(&mut self, outlook: super::super::outlook::Outlook) {
        if outlook.purchase.len() <= self.users() {
            self.rankings = Some(Rankings::of(&outlook));
            self.outlook = Some(outlook);
        }
    }
}
