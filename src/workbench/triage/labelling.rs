//! Verdicts and notes on the selected account, undo, and the labels shown after each: the
//! one rule of `labels` applied to the log's labels and the cases.

use super::super::error::Result;
use super::super::labels::{display_labels, verdicts_by_user};
use super::super::queue_filter::LabelFilter;
use super::super::retrain_input::ModelReport;
use super::super::session::next_generation;
use super::{HISTOGRAM_BINS, PR_POINTS, Triage};
use crate::cases::{Case, Source, Verdict};
use crate::eval::{ThresholdView, metrics};
use crate::log::UserCode;

impl Triage {
    /// Recomputes the labels shown and everything drawn from them.
    pub(super) fn relabel(&mut self) {
        let cases: Vec<Case> = self.cases.values().cloned().collect();
        let verdicts = verdicts_by_user(&self.session.data.log, &cases);
        let shown = &mut self.shown;
        shown.labels = display_labels(&self.session.log_labels, &verdicts);
        shown.version = next_generation();
        let model = &self.session.model;
        let graded = model.scores_to_grade();
        shown.view = if model.graded.is_out_of_sample() {
            ThresholdView::graded(&model.scores.user, &graded, &shown.labels)
        } else {
            ThresholdView::new(&model.scores.user, &shown.labels)
        };
        shown.histogram = shown.view.histogram(HISTOGRAM_BINS);
        shown.pr_curve = shown.view.pr_curve(PR_POINTS);
        shown.quality = ModelReport {
            detector: model.kind.name().to_string(),
            labels: shown.labels.iter().filter(|l| l.is_known()).count(),
            metrics: metrics(&graded, &shown.labels, self.thresholds.suspicious),
            out_of_sample: model.graded.is_out_of_sample(),
        };
    }

    /// Gives the selected account `verdict` (on disk when this returns) and moves to the next
    /// account; returns the account's name, or `None` when nothing is selected.
    pub fn label(&mut self, verdict: Verdict, author: &str) -> Result<Option<String>> {
        let Some(u) = self.selected else {
            return Ok(None);
        };
        let user = self.user_name(u).to_string();
        let me = self.me().to_string();
        let guard = self.guard_for(Some(&user), verdict, &me);
        let written = self.workspace.decide(
            std::slice::from_ref(&user),
            verdict,
            author,
            Source::Analyst,
            guard,
        );
        self.after_verdict(Some(&user), verdict, written.as_ref().err(), 1);
        let case = written?.pop();
        let next = self.neighbour(1);
        if let Some(case) = case {
            self.keep_case(u, case);
        }
        self.verdicts_given(1);
        self.selected = next.or(self.selected);
        self.claim_selected();
        Ok(Some(user))
    }

    /// Puts a verdict's case in place. A verdict keeps the account's note; one kept in the
    /// offline journal does not know it, so the note shown stays.
    pub(super) fn keep_case(&mut self, u: UserCode, mut case: Case) {
        if case.note.is_empty()
            && let Some(old) = self.cases.get(&u)
        {
            case.note = old.note.clone();
        }
        self.cases.insert(u, case);
    }

    /// Puts `user`'s case as the workspace has it now (`None`: no case any more); the account,
    /// when this log has it.
    pub(super) fn put_case(&mut self, user: &str, case: Option<Case>) -> Option<UserCode> {
        let u = self.user_by_name(user)?;
        match case {
            Some(case) => self.cases.insert(u, case),
            None => self.cases.remove(&u),
        };
        Some(u)
    }

    /// Reads `user`'s case again from the workspace (another analyst's decision stands).
    pub(super) fn reload_case(&mut self, user: &str) -> Result<()> {
        let case = self.workspace.case(user)?;
        self.put_case(user, case);
        Ok(())
    }

    /// What `n` new verdicts (already in `cases`) change: the count toward the next retrain,
    /// the labels shown, and the queue when it is filtered by label.
    pub(super) fn verdicts_given(&mut self, n: usize) {
        self.labels_since_training += n;
        self.relabel();
        if self.filter.label != LabelFilter::All {
            self.rebuild_queue();
        }
    }

    /// Sets the selected account's note; returns the account's name.
    pub fn note(&mut self, text: &str, author: &str) -> Result<Option<String>> {
        let Some(u) = self.selected else {
            return Ok(None);
        };
        let user = self.user_name(u).to_string();
        let mut case = self.workspace.set_note(&user, text, author)?;
        if self.workspace.held()? > 0 && case.verdict.is_none() {
            // Kept offline: the verdict shown is still the account's.
            case.verdict = self.cases.get(&u).and_then(|c| c.verdict);
        }
        self.cases.insert(u, case);
        Ok(Some(user))
    }

    /// Takes back the latest label or note (every account of it, when it was a bulk decision)
    /// and selects its first account; returns what was undone ("u1", or "u1 and 39 more"), or
    /// `None` when there is nothing to undo.
    pub fn undo(&mut self, author: &str) -> Result<Option<String>> {
        let undone = self.workspace.undo(author)?;
        let Some(first) = undone.first().map(|d| d.user.clone()) else {
            return Ok(None);
        };
        let mut select = None;
        for d in &undone {
            if let Some(u) = self.put_case(&d.user, d.now.clone()) {
                select = select.or(Some(u));
            }
        }
        self.labels_since_training = self.labels_since_training.saturating_sub(undone.len());
        self.relabel();
        self.rebuild_queue();
        if select.is_some() {
            self.selected = select;
        }
        Ok(Some(match undone.len() {
            1 => first,
            n => format!("{first} and {} more", n - 1),
        }))
    }
}
