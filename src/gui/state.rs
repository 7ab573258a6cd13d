//! The analyst's working state over one session: verdicts, display labels, thresholds, the
//! queue and its filters, the selection. Everything derived (queue order, threshold view,
//! histogram) is rebuilt when its inputs change, never per frame.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::cases::{Case, QueueOrder, Verdict, Workspace, order_queue};
use crate::detect::{Reason, Risk, Thresholds};
use crate::eval::{AtThreshold, Bin, Metrics, ThresholdView};
use crate::log::LABEL_UNKNOWN;

use super::pipeline::{ModelState, Session};

pub const HISTOGRAM_BINS: usize = 50;
pub const PR_POINTS: usize = 300;

/// Which accounts the queue shows, by label state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LabelFilter {
    #[default]
    All,
    Unlabelled,
    Fraud,
    Legit,
    Unsure,
}

impl LabelFilter {
    pub const ALL: [LabelFilter; 5] = [
        Self::All,
        Self::Unlabelled,
        Self::Fraud,
        Self::Legit,
        Self::Unsure,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Self::All => "any label",
            Self::Unlabelled => "unlabelled",
            Self::Fraud => "fraud",
            Self::Legit => "legit",
            Self::Unsure => "unsure",
        }
    }
}

/// The least risk level the queue shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RiskFilter {
    #[default]
    Any,
    SuspiciousUp,
    High,
}

impl RiskFilter {
    pub const ALL: [RiskFilter; 3] = [Self::Any, Self::SuspiciousUp, Self::High];
    pub fn name(self) -> &'static str {
        match self {
            Self::Any => "any risk",
            Self::SuspiciousUp => "suspicious+",
            Self::High => "high",
        }
    }
    fn admits(self, risk: Risk) -> bool {
        match self {
            Self::Any => true,
            Self::SuspiciousUp => risk != Risk::Normal,
            Self::High => risk == Risk::High,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueueFilter {
    pub risk: RiskFilter,
    pub label: LabelFilter,
    /// Substring of the user id (case-insensitive).
    pub search: String,
    pub order: QueueOrder,
}

/// Metrics of one model on the labels known when it was compared.
#[derive(Clone, Debug)]
pub struct ModelReport {
    pub detector: String,
    pub labels: usize,
    pub metrics: Metrics,
}

pub struct Triage {
    pub session: Session,
    pub workspace: Workspace,
    /// Cases by user code.
    pub cases: HashMap<u32, Case>,
    /// Per user: 1 fraud, 0 legit, -1 unlabelled (the analyst's verdict, else the log's).
    pub labels: Vec<i8>,
    pub thresholds: Thresholds,
    pub view: ThresholdView,
    pub histogram: Vec<Bin>,
    pub pr_curve: Vec<(f64, f64)>,
    pub filter: QueueFilter,
    /// User codes in queue order.
    pub queue: Vec<usize>,
    pub selected: Option<usize>,
    /// Verdicts given since the model was last trained.
    pub labels_since_training: usize,
    /// Before and after the last retrain, on the labels then known.
    pub retrain_report: Option<(ModelReport, ModelReport)>,
    reasons: RefCell<HashMap<usize, Vec<Reason>>>,
}

impl Triage {
    pub fn new(session: Session, workspace: Workspace) -> Result<Self, String> {
        let cases = workspace
            .cases()
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter_map(|c| {
                let u = session.data.log.columns.user.dict.lookup(&c.user)?;
                Some((u, c))
            })
            .collect();
        let thresholds = session.model.thresholds;
        let mut t = Self {
            labels: Vec::new(),
            view: ThresholdView::new(&[], &[]),
            histogram: Vec::new(),
            pr_curve: Vec::new(),
            queue: Vec::new(),
            selected: None,
            filter: QueueFilter::default(),
            labels_since_training: 0,
            retrain_report: None,
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

    /// Thresholds, filters and the selected account as the workspace last had them.
    fn restore_settings(&mut self) {
        let get = |k: &str| self.workspace.setting(k).ok().flatten();
        let parse = |k: &str| get(k).and_then(|v| v.parse::<f32>().ok());
        if let (Some(s), Some(h)) = (parse("threshold_suspicious"), parse("threshold_high")) {
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
    pub fn save_settings(&self) -> Result<(), String> {
        let ws = &self.workspace;
        let save = |k: &str, v: &str| ws.set_setting(k, v).map_err(|e| e.to_string());
        save(
            "threshold_suspicious",
            &self.thresholds.suspicious.to_string(),
        )?;
        save("threshold_high", &self.thresholds.high.to_string())?;
        save(
            "queue_filter",
            &serde_json::to_string(&self.filter).unwrap_or_default(),
        )?;
        if let Some(u) = self.selected {
            save("selected_user", self.user_name(u))?;
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

    pub fn risk(&self, u: usize) -> Risk {
        self.thresholds.risk(self.score(u))
    }

    pub fn case(&self, u: usize) -> Option<&Case> {
        self.cases.get(&(u as u32))
    }

    pub fn verdict(&self, u: usize) -> Option<Verdict> {
        self.case(u).and_then(|c| c.verdict)
    }

    /// Recomputes display labels and everything drawn from them.
    pub fn relabel(&mut self) {
        self.labels = (0..self.users())
            .map(|u| match self.verdict(u) {
                Some(v) => v.as_label().unwrap_or(LABEL_UNKNOWN),
                None => self.session.log_labels[u],
            })
            .collect();
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
            LabelFilter::Unlabelled => self.verdict(u).is_none() && self.labels[u] == LABEL_UNKNOWN,
            LabelFilter::Fraud => self.labels[u] == 1,
            LabelFilter::Legit => self.labels[u] == 0,
            LabelFilter::Unsure => self.verdict(u) == Some(Verdict::Unsure),
        };
        label_ok
            && self.filter.risk.admits(self.risk(u))
            && (needle.is_empty() || self.user_name(u).to_lowercase().contains(needle))
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

    /// The account's reasons, computed once per model.
    pub fn reasons(&self, u: usize) -> Vec<Reason> {
        if let Some(r) = self.reasons.borrow().get(&u) {
            return r.clone();
        }
        let r = self.session.model.detector.explain(&self.session.data, u);
        self.reasons.borrow_mut().insert(u, r.clone());
        r
    }

    /// Puts a new model (and the dataset it was trained on) in place; the selection is kept.
    pub fn replace_model(
        &mut self,
        data: std::sync::Arc<crate::features::Dataset>,
        model: ModelState,
    ) {
        self.session.data = data;
        self.session.model = model;
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
            metrics: crate::eval::metrics(
                &self.session.model.scores.user,
                &self.labels,
                self.thresholds.suspicious,
            ),
        }
    }
}
