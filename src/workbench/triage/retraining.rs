//! Retraining from the triage: what a retrain takes, putting its model in place, and the
//! report of the model's quality before and after.

use std::sync::Arc;

use super::super::error::Result;
use super::super::model::ModelState;
use super::super::retrain_input::{ModelReport, RetrainInput};
use super::super::session::{Retrained, next_generation};
use super::Triage;
use crate::detect::DetectorKind;
use crate::features::Dataset;

impl Triage {
    /// Whether `every` new labels (0: never) have been given since the model was trained.
    pub fn retrain_due(&self, every: usize) -> bool {
        every > 0 && self.labels_since_training >= every
    }

    /// What a retrain of `kind` needs now; the labels given from here on count toward the
    /// next one.
    pub fn begin_retrain(&mut self, kind: DetectorKind) -> Result<RetrainInput> {
        let cases = self.workspace.cases()?;
        self.retrain_started = Some((self.report(), self.labels_since_training));
        Ok(RetrainInput {
            data: self.session.data.clone(),
            cases,
            kind,
            capacity: self.team.capacity,
            dir: self.session.model.dir.clone(),
        })
    }

    /// Puts the retrained model in place (the selection is kept) and reports before / after.
    pub fn finish_retrain(&mut self, r: Retrained) {
        let given = self.labels_since_training;
        let started = self.retrain_started.take();
        self.replace_model(r.data, r.model);
        // Labels given while it trained are not in the new model yet.
        let counted = started.as_ref().map_or(0, |s| s.1);
        self.labels_since_training = given.saturating_sub(counted);
        if let Some((before, _)) = started {
            self.retrain_report = Some((before, self.report()));
        }
        self.share_model();
    }

    /// The model just trained is kept in the workspace, so it becomes everyone's who works
    /// there. Not sharing it (the server away, a file unreadable) loses nothing here: this
    /// window scores with it, and the next retrain shares again.
    fn share_model(&mut self) {
        let model = &self.session.model;
        if !model.from_disk
            && model.save_error.is_none()
            && let Err(e) = self.workspace.keep_model(&model.dir, self.me())
        {
            self.session.model.save_error = Some(e.to_string());
        }
    }

    /// Puts a new model (and the dataset it was trained on) in place; the selection is kept.
    /// Thresholds the analyst moved stay, unless the new model is another detector (another
    /// scale); otherwise they are the new model's own, since a retrain can change the scale
    /// too (the ensemble's consensus becomes a supervised head once enough labels are known).
    pub fn replace_model(&mut self, data: Arc<Dataset>, model: ModelState) {
        let moved = self.thresholds != self.session.model.thresholds;
        if model.kind != self.session.model.kind || !moved {
            self.thresholds = model.thresholds;
        }
        self.session.data = data;
        self.session.model = model;
        self.recount_days();
        self.session.pending = None;
        self.session.generation = next_generation();
        // The rules' hits stay: they read the log and its features, which a retrain keeps
        // (only the targets change), never the model.
        self.reasons.borrow_mut().clear();
        self.labels_since_training = 0;
        self.relabel();
        self.rebuild_queue();
    }

    /// Metrics of the current model on the labels now known, graded out of sample where the
    /// model can be (`ModelState::graded`): those worked out when the labels or the model last
    /// changed, with precision, recall and F1 at the suspicious threshold as it is now.
    pub fn report(&self) -> ModelReport {
        let at = self.at_suspicious();
        let mut report = self.shown.quality.clone();
        report.metrics.precision = at.precision;
        report.metrics.recall = at.recall;
        report.metrics.f1 = at.f1;
        report
    }
}
