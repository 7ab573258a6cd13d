//! The live watch: a growing log (or a folder of new files) scored as events arrive, with
//! alerts stored in the workspace. `scorer` scores new events incrementally; `run` follows the
//! source, checkpoints, and hands the alerts to a face (`vigil watch`, the window's Live mode).
//! For the window, `follow_growing` also adds each scored batch to the open log (`growth`),
//! which the triage takes in (`Triage::absorb`): new events join its queue and timelines.

mod follow_growing;
mod growth;
mod run;
mod scorer;

pub use follow_growing::follow_growing;
pub use growth::{AccountUpdate, Grown, Growth, ScoredBatch, WorkspaceState};
pub use run::{OpenLog, WatchEvent, WatchRequest, WatchSummary, alert_line, follow, watch};
pub use scorer::{Alert, AlertEvent, Ingested, LiveScorer, ScorerSetup};
