//! The workspace: an analyst's labels, notes and settings for one log, in a SQLite file (WAL,
//! synchronous commits), with an append-only audit log.

mod case;
mod error;
mod exchange;
mod lists_store;
mod queue;
mod rules_store;
mod schema;
mod settings;
mod watch_store;
mod workspace;

pub use case::{AuditEntry, Case, ImportedLabel, Source, Undone, Verdict};
pub use error::CaseError;
pub use exchange::{export_labels, import_labels};
pub use lists_store::{export_lists, read_lists};
pub use queue::{QueueOrder, order_queue};
pub use settings::SettingKey;
pub use watch_store::StoredAlert;
pub use workspace::{Workspace, default_workspace, os_user};
