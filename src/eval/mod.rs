//! Evaluation: splits, metrics and the detector comparison table behind `vigil eval` and the
//! model panel.

mod capacity;
mod comparison;
mod cost;
mod daily;
mod metrics;
mod setup;
mod split;
mod threshold;

pub use capacity::{DailyFlags, HIGH_SHARE};
pub use comparison::{COST_THRESHOLDS, CostReport, EvalRow, compare};
pub use cost::{CostCurve, CostPoint, Costs, MissedFraud};
pub use daily::{ScoredEvent, daily_top_k_precision};
pub use metrics::{Metrics, metric_text, metrics};
pub use setup::{EvalError, Setup, setup};
pub use split::{Split, random_test_users};
pub use threshold::{AtThreshold, Bin, ThresholdView};
