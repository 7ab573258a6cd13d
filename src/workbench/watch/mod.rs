//! The live watch: a growing log (or a folder of new files) scored as events arrive, with
//! alerts stored in the workspace. `scorer` scores new events incrementally; `run` follows the
//! source, checkpoints, and hands the alerts to a face (`vigil watch`, the window's Live mode).

mod absorb;
mod growth;
mod run;
mod scorer;

pub use growth::{AccountUpdate, Grown, Growth, ScoredBatch, follow_growing};
pub use run::{OpenLog, WatchEvent, WatchRequest, WatchSummary, alert_line, follow, watch};
pub use scorer::{Alert, AlertEvent, Ingested, LiveScorer, ScorerSetup};
