//! The window's background work, prepared from the triage: each job takes what it reads
//! (shared, not copied) and runs on a job thread while the analyst keeps working; its result
//! comes back through a command (`set_segments`, `set_outlook`, `finish_retrain`).

use super::super::compare::{CompareRequest, compare};
use super::super::defaults;
use super::super::job::Job;
use super::super::outlook::{Outlook, outlook};
use super::super::segments::segment_dataset;
use super::super::session::{Retrained, team_model};
use super::Triage;
use crate::cases::Case;
use crate::detect::{DetectorKind, Level};
use crate::eval::EvalRow;
use crate::progress::Progress;
use crate::segments::Segmentation;

impl Triage {
    /// Every detector trained and graded on the session's labels (`vigil eval`'s table).
    pub fn compare_job(&self) -> impl Job<Vec<EvalRow>> {
        let data = self.session.data.clone();
        let request = CompareRequest {
            costs: None,
            split: defaults::compare_split(),
            detectors: DetectorKind::ALL.to_vec(),
            level: Level::User,
            seed: defaults::SEED,
            epochs: defaults::EPOCHS,
            horizon_ms: None,
            top_k: defaults::TOP_K,
        };
        move |p: &dyn Progress| compare(data, &request, p)
    }

    /// The session's segments (`k` of them, or k chosen by the silhouette), profiled with the
    /// labels shown, the accounts placed by their features or, `by_reading`, by the model's
    /// reading of each (where it has one). The account features are the session's: nothing is
    /// featurised again.
    pub fn segments_job(&self, k: Option<usize>, by_reading: bool) -> impl Job<Segmentation> {
        let data = self.session.data.clone();
        let labels = self.shown.labels.clone();
        let readings = self.session.model.embedding.clone().filter(|_| by_reading);
        move |p: &dyn Progress| {
            let seed = defaults::SEED;
            segment_dataset(&data, &labels, (k, seed), readings.as_deref(), p)
        }
    }

    /// The model a teammate kept in the team's workspace, read for this log: the result is
    /// put in place like a retrain's (`finish_retrain`).
    pub fn team_model_job(&self) -> impl Job<Retrained> {
        let data = self.session.data.clone();
        let cases: Vec<Case> = self.cases.values().cloned().collect();
        let workspace = self.workspace.path().to_path_buf();
        let dir = self.session.model.dir.clone();
        move |p: &dyn Progress| team_model(&data, &cases, &workspace, dir, p)
    }

    /// Purchase, churn and the next event after the log's end, for every account.
    pub fn outlook_job(&self) -> impl Job<Outlook> {
        let data = self.session.data.clone();
        move |p: &dyn Progress| outlook(&data, defaults::SEED, p)
    }
}
