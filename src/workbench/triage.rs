//! The analyst's working state over one session, and everything the analyst can do to it:
//! label, note, undo, move through the queue, filter it, set thresholds, retrain. The window
//! calls these; so can a test, without a window. Everything derived (queue order, threshold
//! view, histogram) is rebuilt when its inputs change, never per frame.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::active_rules::ActiveRules;
use super::defaults;
use super::error::Result;
use super::labels::{display_labels, verdicts_by_user};
use super::model::ModelState;
use super::outlook::Outlook;
use super::queue_filter::{LabelFilter, QueueFilter};
use super::session::{OpenRequest, Opened, Retrained, Session, next_generation, open, retrain};
use crate::cases::{Case, Source, Verdict, Workspace, order_queue};
use crate::detect::{DetectorKind, Reason, Risk, Thresholds};
use crate::eval::{AtThreshold, Bin, Metrics, ThresholdView, metrics};
use crate::features::Dataset;
use crate::log::{LABEL_UNKNOWN, Mapping};
use crate::progress::Progress;
use crate::segments::Segmentation;

pub const HISTOGRAM_BINS: usize = 50;
pub const PR_POINTS: usize = 300;

/// Metrics of one model on the labels known when it was compared.
#[derive(Clone, Debug)]
pub struct ModelReport {
    pub detector: String,
    pub labels: usize,
    pub metrics: Metrics,
}

/// What a retrain needs, taken from the triage when it starts (it then runs elsewhere).
pub struct RetrainInput {
    pub data: Arc<Dataset>,
    pub cases: Vec<Case>,
    pub kind: DetectorKind,
    pub dir: PathBuf,
}

impl RetrainInput {
    /// Accounts with a fraud or legit verdict: what the retrain learns from the analyst.
    pub fn verdicts(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.verdict.and_then(Verdict::as_label).is_some())
            .count()
    }

    pub fn run(self, progress: &dyn Progress) -> Result<Retrained> {
        retrain(&self.data, &self.cases, self.kind, self.dir, progress)
    }
}

pub struct Triage {
    pub session: Session,
    pub workspace: Workspace,
    /// Cases by user code.
    pub cases: HashMap<u32, Case>,
    /// Per user: 1 fraud, 0 legit, -1 unlabelled (the one rule of `labels`).
    pub labels: Vec<i8>,
    pub thresholds: Thresholds,
    pub view: ThresholdView,
    pub histogram: Vec<Bin>,
    pub pr_curve: Vec<(f64, f64)>,
    pub filter: QueueFilter,
    /// The session's segments, once found (`set_segments`).
    pub segments: Option<Segmentation>,
    /// Purchase, churn and next-event predictions after the log's end, once made.
    pub outlook: Option<Outlook>,
    /// Renewed (`next_generation`) whenever `labels` or `segments` change: what caches of
    /// views of them key on.
    pub version: u64,
    /// User codes in queue order.
    pub queue: Vec<usize>,
    pub selected: Option<usize>,
    /// The workspace's rules bound to this log (`rules.rs`).
    pub rules: ActiveRules,
    /// Accounts marked for a bulk decision (`bulk.rs`), by user code.
    pub marked: BTreeSet<usize>,
    /// Verdicts given since the model was last trained.
    pub labels_since_training: usize,
    /// Before and after the last retrain, on the labels then known.
    pub retrain_report: Option<(ModelReport, ModelReport)>,
    /// The report and the label count when the running retrain started.
    retrain_started: Option<(ModelReport, usize)>,
    reasons: RefCell<HashMap<usize, Vec<Reason>>>,
}

impl Triage {
    /// Opens `path` as the window does (workspace, kept model or `detector`), for the headless
    /// commands: column detection's plan is taken as it is, never asked about. `model`, when
    /// given, is the model directory to score with instead.
    pub fn open_headless(
        path: &Path,
        mapping: &Mapping,
        workspace: Option<PathBuf>,
        model: Option<PathBuf>,
        train_now: bool,
        progress: &dyn Progress,
    ) -> Result<Self> {
        let request = |confirmed| OpenRequest {
            path: path.to_path_buf(),
            mapping: mapping.clone(),
            mapping_given: true,
            confirmed,
            workspace: workspace.clone(),
            detector: defaults::DETECTOR,
            train_now,
            model: model.clone(),
        };
        // A confirmed plan is never asked about again, so this opens at most twice.
        let mut confirmed = None;
        loop {
            match open(request(confirmed.take()), progress)? {
                Opened::Ready(session, workspace) => return Self::new(*session, workspace),
                Opened::NeedsMapping(preview) => confirmed = Some(preview),
            }
        }
    }

    pub fn new(session: Session, workspace: Workspace) -> Result<Self> {
        let cases = workspace
            .cases()?
            .into_iter()
            .filter_map(|c| {
                let u = session.data.log.columns.user.dict.lookup(&c.user)?;
                Some((u, c))
            })
            .collect();
        let thresholds = session.model.thresholds;
        let rules = ActiveRules::new(workspace.rules()?, workspace.list_entries()?, &session.data);
        let mut t = Self {
            rules,
            labels: Vec::new(),
            view: ThresholdView::new(&[], &[]),
            histogram: Vec::new(),
            pr_curve: Vec::new(),
            queue: Vec::new(),
            selected: None,
            marked: BTreeSet::new(),
            filter: QueueFilter::default(),
            segments: None,
            outlook: None,
            version: 0,
            labels_since_training: 0,
            retrain_report: None,
            retrain_started: None,
            reasons: RefCell::default(),
            session,
            workspace,
            cases,
            thresholds,
        };
        t.restore_settings();
        t.relabel();
        t.rebuild_queue();
        if t.queue_position().is_none() {
            t.selected = t.queue.first().copied().or(t.selected);
        }
        Ok(t)
    }

    /// Thresholds, filters and the selected account as the workspace last had them. Thresholds
    /// set for another detector are on another scale (ranks, probabilities) and are not restored.
    fn restore_settings(&mut self) {
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
        self.selected = get("selected_user")
            .and_then(|name| self.session.data.log.columns.user.dict.lookup(&name))
            .map(|u| u as usize);
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

    pub fn users(&self) -> usize {
        self.session.data.users()
    }

    pub fn user_name(&self, u: usize) -> &str {
        self.session.data.user_name(u)
    }

    pub fn score(&self, u: usize) -> f32 {
        self.session.model.scores.user[u]
    }

    /// The model's risk with the rules hitting the account applied.
    pub fn risk(&self, u: usize) -> Risk {
        self.rules.risk(u, self.thresholds.risk(self.score(u)))
    }

    pub fn case(&self, u: usize) -> Option<&Case> {
        self.cases.get(&(u as u32))
    }

    pub fn verdict(&self, u: usize) -> Option<Verdict> {
        self.case(u).and_then(|c| c.verdict)
    }

    /// Recomputes display labels and everything drawn from them.
    pub fn relabel(&mut self) {
        let cases: Vec<Case> = self.cases.values().cloned().collect();
        let verdicts = verdicts_by_user(&self.session.data.log, &cases);
        self.labels = display_labels(&self.session.log_labels, &verdicts);
        self.version = next_generation();
        self.view = ThresholdView::new(&self.session.model.scores.user, &self.labels);
        self.histogram = self.view.histogram(HISTOGRAM_BINS);
        self.pr_curve = self.view.pr_curve(PR_POINTS);
    }

    pub fn at_suspicious(&self) -> AtThreshold {
        self.view.at(self.thresholds.suspicious)
    }

    pub fn at_high(&self) -> AtThreshold {
        self.view.at(self.thresholds.high)
    }

    fn admits(&self, u: usize, needle: &str) -> bool {
        let label_ok = match self.filter.label {
            LabelFilter::All => true,
            LabelFilter::NoVerdict => self.verdict(u).is_none(),
            LabelFilter::Unlabelled => self.verdict(u).is_none() && self.labels[u] == LABEL_UNKNOWN,
            LabelFilter::Fraud => self.labels[u] == 1,
            LabelFilter::Legit => self.labels[u] == 0,
            LabelFilter::Unsure => self.verdict(u) == Some(Verdict::Unsure),
        };
        let segment_ok = match (&self.segments, self.filter.segment) {
            (Some(s), Some(wanted)) => s.assignments.get(u) == Some(&wanted),
            _ => true,
        };
        label_ok
            && segment_ok
            && self.filter.risk.admits(self.risk(u))
            && (needle.is_empty() || self.user_name(u).to_lowercase().contains(needle))
    }

    /// Puts the session's segments in place (ignored when they are of more accounts than the
    /// log has); a segment filter of the previous ones is dropped. Accounts a live watch added
    /// after they were found have no segment.
    pub fn set_segments(&mut self, segments: Segmentation) {
        if segments.assignments.len() > self.users() {
            return;
        }
        self.segments = Some(segments);
        self.version = next_generation();
        self.filter.segment = None;
        self.rebuild_queue();
    }

    /// Puts the behaviour outlook in place (ignored when it is of more accounts than the log
    /// has; accounts a live watch added since have none).
    pub fn set_outlook(&mut self, outlook: Outlook) {
        if outlook.purchase.len() <= self.users() {
            self.outlook = Some(outlook);
        }
    }

    /// The account's segment and its distance from the segment's centre, in words.
    pub fn segment_text(&self, u: usize) -> Option<String> {
        let s = self.segments.as_ref()?;
        Some(format!(
            "segment {}, {:.2} from its centre",
            s.assignments.get(u)?,
            s.distance.get(u)?
        ))
    }

    /// Filters and orders the queue; the selection stays where it is.
    pub fn rebuild_queue(&mut self) {
        let needle = self.filter.search.trim().to_lowercase();
        let candidates: Vec<usize> = (0..self.users())
            .filter(|&u| self.admits(u, &needle))
            .collect();
        self.queue = order_queue(
            &self.session.model.scores.user,
            &candidates,
            self.thresholds.suspicious,
            self.filter.order,
        );
    }

    /// Where the selection is in the queue.
    pub fn queue_position(&self) -> Option<usize> {
        let s = self.selected?;
        self.queue.iter().position(|&u| u == s)
    }

    /// The account `step` places after (or before, when negative) the selection.
    pub fn neighbour(&self, step: isize) -> Option<usize> {
        let next = match self.queue_position() {
            Some(p) => p.checked_add_signed(step)?,
            None => 0,
        };
        self.queue.get(next).copied()
    }

    pub fn select(&mut self, u: usize) {
        if u < self.users() {
            self.selected = Some(u);
        }
    }

    /// Moves through the queue: +1 next, -1 previous.
    pub fn step(&mut self, step: isize) {
        if let Some(u) = self.neighbour(step) {
            self.selected = Some(u);
        }
    }

    /// The account's reasons (the rules hitting it first), computed once per model and rules.
    pub fn reasons(&self, u: usize) -> Vec<Reason> {
        if let Some(r) = self.reasons.borrow().get(&u) {
            return r.clone();
        }
        let mut r = self.rules.reasons(u);
        r.extend(self.session.model.detector.explain(&self.session.data, u));
        self.reasons.borrow_mut().insert(u, r.clone());
        r
    }

    pub(super) fn clear_reasons(&mut self) {
        self.reasons.borrow_mut().clear();
    }

    /// Gives the selected account `verdict` (on disk when this returns) and moves to the next
    /// account; returns the account's name, or `None` when nothing is selected.
    pub fn label(&mut self, verdict: Verdict, author: &str) -> Result<Option<String>> {
        let Some(u) = self.selected else {
            return Ok(None);
        };
        let user = self.user_name(u).to_string();
        let case = self
            .workspace
            .set_verdict(&user, verdict, author, Source::Analyst)?;
        let next = self.neighbour(1);
        self.cases.insert(u as u32, case);
        self.verdicts_given(1);
        self.selected = next.or(self.selected);
        Ok(Some(user))
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
        let case = self.workspace.set_note(&user, text, author)?;
        self.cases.insert(u as u32, case);
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
            if let Some(u) = self.session.data.log.columns.user.dict.lookup(&d.user) {
                match &d.now {
                    Some(case) => self.cases.insert(u, case.clone()),
                    None => self.cases.remove(&u),
                };
                select = select.or(Some(u as usize));
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

    pub fn set_thresholds(&mut self, th: Thresholds) {
        self.thresholds = Thresholds {
            suspicious: th.suspicious,
            high: th.high.max(th.suspicious),
        };
        if self.filter.risk != Default::default() || self.filter.order != Default::default() {
            self.rebuild_queue();
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
        self.session.pending = None;
        self.session.generation = next_generation();
        // The rules' hits stay: they read the log and its features, which a retrain keeps
        // (only the targets change), never the model.
        self.reasons.borrow_mut().clear();
        self.labels_since_training = 0;
        self.relabel();
        self.rebuild_queue();
    }

    /// Metrics of the current scores on the labels now known.
    pub fn report(&self) -> ModelReport {
        let labelled = self.labels.iter().filter(|&&l| l != LABEL_UNKNOWN).count();
        ModelReport {
            detector: self.session.model.kind.name().to_string(),
            labels: labelled,
            metrics: metrics(
                &self.session.model.scores.user,
                &self.labels,
                self.thresholds.suspicious,
            ),
        }
    }
}
