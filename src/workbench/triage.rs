//! The analyst's working state over one session, and everything the analyst can do to it:
//! label, note, undo, move through the queue, filter it, set thresholds, retrain. The window
//! calls these; so can a test, without a window.
//!
//! Its fields are private: the faces read through the accessors below, and every change goes
//! through a command that keeps what is derived in step (the labels shown, the queue, the
//! threshold view, the reasons), never per frame and never by convention. The commands are
//! grouped by topic in the child modules, which alone see the fields.

mod absorb;
mod bulk;
mod jobs;
mod labelling;
mod queue;
mod retraining;
mod rules;
mod settings;
mod team;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::active_rules::ActiveRules;
use super::defaults;
use super::error::Result;
use super::evidence::{Field, FieldValue, LinkedAccount, TimelineEvent};
use super::outlook::Outlook;
use super::population::{RankBy, Rankings, SegmentWeeks, write_ranked};
use super::queue_filter::QueueFilter;
use super::session::{OpenRequest, Opened, Session, open};
use super::similar::{Likeness, SimilarAccount};
use super::team_state::Team;
use crate::cases::{Case, Verdict, Workspace};
use crate::detect::{Level, Reason, Risk, Selection, Thresholds};
use crate::eval::{AtThreshold, Bin, DailyFlags, ThresholdView};
use crate::features::FeatureSpec;
use crate::language::Language;
use crate::log::{Label, LoadReport, Mapping, UserCode};
use crate::progress::Progress;
use crate::segments::Segmentation;

use super::retrain_input::ModelReport;

pub const HISTOGRAM_BINS: usize = 50;
pub const PR_POINTS: usize = 300;

pub struct Triage {
    session: Session,
    workspace: Workspace,
    /// Cases by account.
    cases: HashMap<UserCode, Case>,
    /// Per account: the label shown and learned (the one rule of `labels`), the threshold
    /// view over it, and the generation caches of it key on.
    shown: Shown,
    thresholds: Thresholds,
    /// How many accounts a day each threshold of the current scores flags.
    daily: DailyFlags,
    filter: QueueFilter,
    /// Accounts in queue order.
    queue: Vec<UserCode>,
    selected: Option<UserCode>,
    /// Accounts marked for a bulk decision.
    marked: BTreeSet<UserCode>,
    /// The workspace's rules and lists bound to this log.
    rules: ActiveRules,
    /// The session's segments, once found.
    segments: Option<Segmentation>,
    /// How the segments share each week's active accounts (with the segments).
    segment_weeks: Option<SegmentWeeks>,
    /// Purchase, churn and next-event predictions after the log's end, once made.
    outlook: Option<Outlook>,
    /// The outlook's accounts ranked by purchase chance and by churn risk.
    rankings: Option<Rankings>,
    /// Verdicts given since the model was last trained.
    labels_since_training: usize,
    /// Before and after the last retrain, on the labels then known.
    retrain_report: Option<(ModelReport, ModelReport)>,
    /// The report and the label count when the running retrain started.
    retrain_started: Option<(ModelReport, usize)>,
    /// Each account's reasons, worked out once per model and rules.
    reasons: RefCell<HashMap<UserCode, Vec<Reason>>>,
    /// This analyst among the team: role, claims, assignments, changes taken in.
    team: Team,
}

/// What is drawn from the accounts' labels, rebuilt together (`Triage::relabel`).
struct Shown {
    labels: Vec<Label>,
    view: ThresholdView,
    histogram: Vec<Bin>,
    pr_curve: Vec<(f64, f64)>,
    /// The model's quality on the labels shown (out of sample where it can be); its
    /// precision and recall are those at the suspicious threshold when it was worked out
    /// (`Triage::report` gives them at the threshold of now).
    quality: ModelReport,
    /// Renewed whenever the labels or the segments change.
    version: u64,
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
                Opened::Ready(session, workspace) => return Self::new(*session, *workspace),
                Opened::NeedsMapping(preview) => confirmed = Some(preview),
            }
        }
    }

    pub fn new(session: Session, workspace: Workspace) -> Result<Self> {
        let cases = workspace
            .cases()?
            .into_iter()
            .filter_map(|c| Some((session.data.log.user_code(&c.user)?, c)))
            .collect();
        let thresholds = session.model.thresholds;
        let rules = ActiveRules::new(workspace.rules()?, workspace.list_entries()?, &session.data);
        let team = Team::load(&workspace, workspace.identity(), false)?;
        let mut t = Self {
            team,
            rules,
            shown: Shown {
                labels: Vec::new(),
                view: ThresholdView::new(&[], &[]),
                histogram: Vec::new(),
                pr_curve: Vec::new(),
                quality: ModelReport::default(),
                version: 0,
            },
            queue: Vec::new(),
            selected: None,
            marked: BTreeSet::new(),
            filter: QueueFilter::default(),
            segments: None,
            segment_weeks: None,
            outlook: None,
            rankings: None,
            labels_since_training: 0,
            retrain_report: None,
            retrain_started: None,
            reasons: RefCell::default(),
            daily: session.model.daily_flags(&session.data),
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
        t.claim_selected();
        Ok(t)
    }

    // ----- The log -----

    /// The session behind the triage: for the application layer's headless work and tests.
    /// The window reads through the accessors of this type instead.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The workspace, read-only: its history, rules and settings.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    pub fn log_path(&self) -> &Path {
        &self.session.log_path
    }

    pub fn load_report(&self) -> &LoadReport {
        &self.session.report
    }

    pub fn event_count(&self) -> usize {
        self.session.data.log.len()
    }

    /// How many accounts the log has.
    pub fn users(&self) -> usize {
        self.session.data.users()
    }

    /// Every account of the log, in code order.
    pub fn user_codes(&self) -> impl DoubleEndedIterator<Item = UserCode> + ExactSizeIterator {
        UserCode::all(self.users())
    }

    pub fn user_name(&self, u: UserCode) -> &str {
        self.session.data.user_name(u)
    }

    /// The account called `name`, when the log has one.
    pub fn user_by_name(&self, name: &str) -> Option<UserCode> {
        self.session.data.log.user_code(name)
    }

    /// First and last event time (ms).
    pub fn time_range(&self) -> Option<(i64, i64)> {
        self.session.time_range
    }

    /// The events of account `u`, oldest first.
    pub fn events_of(&self, u: UserCode) -> &[u32] {
        self.session.data.index.events(u)
    }

    /// Every event of account `u`, oldest first, as the timeline draws it.
    pub fn timeline(&self, u: UserCode) -> Vec<TimelineEvent<'_>> {
        self.session.timeline(u)
    }

    /// A hover's text for event `e`: its fields, then why it scored as it did, in `language`.
    pub fn event_summary(&self, e: usize, language: Language) -> String {
        self.session.event_summary(e, language)
    }

    /// Every field of event `e` as (name, value), in the event table's column order.
    pub fn event_fields(&self, e: usize) -> Vec<(Field, FieldValue)> {
        self.session.event_fields(e)
    }

    /// The accounts sharing an entity value with `u`, riskiest first.
    pub fn linked_accounts(&self, u: UserCode) -> Vec<LinkedAccount> {
        self.session.linked_accounts(u)
    }

    /// The `k` accounts nearest to `u` in behaviour, read `by` features or the sequence model.
    pub fn similar_accounts(&self, u: UserCode, k: usize, by: Likeness) -> Vec<SimilarAccount> {
        self.session.similar_accounts(u, k, by)
    }

    /// Whether the model reads accounts its own way (the sequence networks), so accounts can
    /// be compared by that reading.
    pub fn has_model_reading(&self) -> bool {
        self.session.model.embedding.is_some()
    }

    /// The feature columns a rule can name: the account's, then the event's.
    pub fn feature_specs(&self) -> (&[FeatureSpec], &[FeatureSpec]) {
        let data = &self.session.data;
        (&data.account.specs, &data.events.specs)
    }

    /// The roles whose values the allow and block lists can hold.
    pub fn list_roles(&self) -> Vec<String> {
        crate::rules::list_roles(&self.session.data.log)
    }

    /// Renewed whenever the log or the model is replaced: what caches of views of either key
    /// on.
    pub fn generation(&self) -> u64 {
        self.session.generation
    }

    // ----- The model -----

    pub fn model(&self) -> &super::ModelState {
        &self.session.model
    }

    /// What the search over time chose for the accounts and for the events, where the model's
    /// boosted trees were searched for: the settings and the validation AP (on the latest
    /// labelled period's new victims, where it could).
    pub fn search_choices(&self) -> Vec<(Level, Selection)> {
        [Level::User, Level::Event]
            .into_iter()
            .filter_map(|l| Some((l, self.session.model.detector.selection(l)?.clone())))
            .collect()
    }

    /// What a model that learns without labels learnt (the behaviour model), graded on the
    /// passes it did not train on.
    pub fn self_supervision(&self) -> Option<crate::detect::SelfSupervision> {
        self.session.model.detector.self_supervision().cloned()
    }

    /// The chosen detector while the queue is still ordered by the quick first look.
    pub fn pending_detector(&self) -> Option<crate::detect::DetectorKind> {
        self.session.pending
    }

    pub fn labels_since_training(&self) -> usize {
        self.labels_since_training
    }

    /// Before and after the last retrain.
    pub fn retrain_report(&self) -> Option<&(ModelReport, ModelReport)> {
        self.retrain_report.as_ref()
    }

    // ----- The queue -----

    /// The accounts the filter admits, in queue order.
    pub fn queue(&self) -> &[UserCode] {
        &self.queue
    }

    pub fn filter(&self) -> &QueueFilter {
        &self.filter
    }

    pub fn selected(&self) -> Option<UserCode> {
        self.selected
    }

    /// Where the selection is in the queue.
    pub fn queue_position(&self) -> Option<usize> {
        let s = self.selected?;
        self.queue.iter().position(|&u| u == s)
    }

    /// The accounts marked for a bulk decision.
    pub fn marked(&self) -> &BTreeSet<UserCode> {
        &self.marked
    }

    pub fn is_marked(&self, u: UserCode) -> bool {
        self.marked.contains(&u)
    }

    // ----- One account -----

    pub fn score(&self, u: UserCode) -> f32 {
        self.session.model.scores.user[u.index()]
    }

    /// The model's risk with the rules hitting the account applied.
    pub fn risk(&self, u: UserCode) -> Risk {
        self.rules.risk(u, self.thresholds.risk(self.score(u)))
    }

    /// The account's label as shown and learned: its verdict's, else the log's.
    pub fn label_of(&self, u: UserCode) -> Label {
        self.shown.labels[u.index()]
    }

    /// Every account's label as shown, by user code.
    pub fn labels(&self) -> &[Label] {
        &self.shown.labels
    }

    /// The label the log itself gives the account, as known by its end.
    pub fn log_label_of(&self, u: UserCode) -> Label {
        self.session.log_labels[u.index()]
    }

    pub fn case(&self, u: UserCode) -> Option<&Case> {
        self.cases.get(&u)
    }

    /// Every account with a case.
    pub fn cases(&self) -> impl Iterator<Item = (UserCode, &Case)> {
        self.cases.iter().map(|(&u, c)| (u, c))
    }

    pub fn verdict(&self, u: UserCode) -> Option<Verdict> {
        self.case(u).and_then(|c| c.verdict)
    }

    /// The account's reasons (the rules hitting it first), computed once per model and rules.
    pub fn reasons(&self, u: UserCode) -> Vec<Reason> {
        if let Some(r) = self.reasons.borrow().get(&u) {
            return r.clone();
        }
        let mut r = self.rules.reasons(u);
        r.extend(self.session.model.detector.explain(&self.session.data, u));
        self.reasons.borrow_mut().insert(u, r.clone());
        r
    }

    /// The reasons for event `e`'s score.
    pub fn event_reasons(&self, e: usize) -> Vec<Reason> {
        self.session
            .model
            .detector
            .explain_event(&self.session.data, e)
    }

    /// The account's segment and its distance from the segment's centre, once found.
    pub fn segment_of(&self, u: UserCode) -> Option<(usize, f32)> {
        let s = self.segments.as_ref()?;
        Some((*s.assignments.get(u.index())?, *s.distance.get(u.index())?))
    }

    // ----- Thresholds and the distribution -----

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// What `threshold` flags, against the labels shown.
    pub fn at(&self, threshold: f32) -> AtThreshold {
        self.shown.view.at(threshold)
    }

    pub fn at_suspicious(&self) -> AtThreshold {
        self.at(self.thresholds.suspicious)
    }

    pub fn at_high(&self) -> AtThreshold {
        self.at(self.thresholds.high)
    }

    /// Account scores in `HISTOGRAM_BINS` bars by label.
    pub fn histogram(&self) -> &[Bin] {
        &self.shown.histogram
    }

    /// (recall, precision) along the scores, at most `PR_POINTS`.
    pub fn pr_curve(&self) -> &[(f64, f64)] {
        &self.shown.pr_curve
    }

    /// Whether precision and recall (at a threshold, and the curve) are counted on
    /// out-of-sample scores of the labelled accounts, or on the labels the model learnt.
    pub fn graded_out_of_sample(&self) -> bool {
        self.shown.view.is_graded()
    }

    /// Renewed whenever the labels shown or the segments change: what caches of views of them
    /// key on.
    pub fn version(&self) -> u64 {
        self.shown.version
    }

    // ----- Segments, outlook, rules -----

    pub fn segments(&self) -> Option<&Segmentation> {
        self.segments.as_ref()
    }

    /// Each segment's share of the active accounts, week by week.
    pub fn segment_weeks(&self) -> Option<&SegmentWeeks> {
        self.segment_weeks.as_ref()
    }

    /// The accounts the outlook predicts `by` for, most likely first (none before it is made).
    pub fn ranked_by(&self, by: RankBy) -> &[(UserCode, f32)] {
        self.rankings.as_ref().map_or(&[], |r| r.by(by))
    }

    /// Writes the ranking `by` with each account's segment to `out`, in `language`; returns the
    /// rows written.
    pub fn write_ranked(&self, out: &Path, by: RankBy, language: Language) -> Result<usize> {
        let (Some(outlook), Some(rankings)) = (&self.outlook, &self.rankings) else {
            return Ok(0);
        };
        let name_of = |u: UserCode| self.user_name(u).to_string();
        write_ranked(
            out,
            rankings.by(by),
            outlook,
            self.segments.as_ref(),
            name_of,
            language,
        )
    }

    pub fn outlook(&self) -> Option<&Outlook> {
        self.outlook.as_ref()
    }

    /// The workspace's rules and lists as bound to this log.
    pub fn rules(&self) -> &ActiveRules {
        &self.rules
    }
}
