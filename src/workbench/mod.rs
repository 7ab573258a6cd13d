//! The application layer: everything an analyst or a script can do, written once, free of
//! any UI. The window (`gui`) and the command line (`cli`) are thin faces over these calls, so
//! whatever the window can do, a test can do without one.
//!
//! - `session`: open a log (preview, mapping, load, workspace, features, kept-or-new model,
//!   scores) and retrain; `evidence`: linked accounts and event fields for the account view;
//!   `similar`: the accounts nearest in behaviour.
//! - `triage`: the analyst's working state and actions (label, note, undo, queue, thresholds);
//!   `bulk`: marking several accounts and labelling them in one action; `rules`: analyst
//!   rules bound to the log, backtested, and applied to risk and reasons.
//! - `labels`: the one rule for which label an account carries, shown and trained on.
//! - `data`, `train`, `export`, `compare`, `segments`, `predict`: the headless commands' work.
//! - `watch`: the live watch, scoring a growing log as events arrive and raising alerts.
//! - `defaults`: one set of defaults for both faces.

mod active_rules;
mod assign;
pub mod cluster;
mod compare;
mod data;
pub mod defaults;
mod error;
mod evidence;
mod export;
mod job;
mod labels;
mod link;
mod model;
mod outlook;
mod population;
mod predict;
mod queue_filter;
mod retrain_input;
mod rules_report;
mod scored_rows;
mod segments;
mod session;
mod similar;
mod team_delta;
mod team_state;
mod train;
mod triage;
pub mod watch;

pub use active_rules::{ActiveRules, rule_hits, test_rule};
pub use assign::{AssignRequest, Assigned, assign_queue, scored_by};
pub use compare::{CompareRequest, compare};
pub use data::{DataSource, mapping_from};
pub use defaults::bundled_sample;
pub use error::{Result, WorkbenchError};
pub use evidence::{
    Field, FieldValue, LinkedAccount, MAX_USERS_PER_VALUE, SharedValue, TimelineEvent,
};
pub use export::{ModelChoice, PerDay, ScoreOutcome, ScoreRequest, score_to_csv};
pub use job::Job;
pub use labels::{
    TrainingLabels, display_labels, effective_label, training_labels, verdicts_by_user,
};
pub use link::{Away, BACK_SHOWN_MS, Back, Link, LinkStatus};
pub use model::{ByCost, ModelState, compute_device_name, model_dir};
pub use outlook::{AccountOutlook, Outlook, default_horizon, outlook};
pub use population::{RankBy, SegmentWeeks, ranked, segment_weeks, write_ranked};
pub use predict::{PredictRequest, predict};
pub use queue_filter::{LabelFilter, QueueFilter, RiskFilter};
pub use retrain_input::{ModelReport, RetrainInput};
pub use rules_report::{HitRow, RuleTest, RuleTestReport, RuleTestRequest, test_rules};
pub use segments::{SegmentRequest, Segmented, segment_dataset, segments};
pub use session::{OpenRequest, Opened, Retrained, Session, open, retrain};
pub use similar::{Likeness, SIMILAR_SHOWN, SimilarAccount};
pub use team_delta::{TeamDelta, read_delta};
pub use team_state::{Refused, Synced};
pub use train::{TrainRequest, Trained, train};
pub use triage::{HISTOGRAM_BINS, PR_POINTS, Triage};
