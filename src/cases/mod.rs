//! The workspace: labels, notes, settings, rules, lists and the kept model for one log, with
//! an append-only audit log, in a SQLite file (one analyst) or a PostgreSQL database (a team,
//! with roles, claims, assignment and a change feed the windows follow).

mod assignments;
mod bell;
mod case;
mod case_rows;
mod changes;
mod claim_rows;
mod claims;
mod clock;
mod copy;
mod db;
mod error;
mod exchange;
mod held;
mod journal;
mod lists_store;
mod location;
mod model_store;
mod queue;
mod rules_store;
mod schema;
mod settings;
mod sql;
mod sync;
mod team;
mod watch_store;
mod workspace;

pub use bell::ChangeBell;
pub use case::{AuditEntry, Case, ImportedLabel, Overwritten, Source, Undone, Verdict};
pub use changes::{Change, ChangeKind, Origin};
pub use claims::{CLAIM_MS, Claim, Claimed};
pub use copy::{Copied, Merge, copy_workspace};
pub use error::{CaseError, Conflict, ConflictKind};
pub use exchange::{export_labels, import_labels};
pub use held::{Overtaken, Replayed};
pub use journal::{Held, HeldWhat};
pub use lists_store::{export_lists, read_lists};
pub use location::{PgUrl, WorkspaceAt};
pub use queue::{QueueOrder, order_queue};
pub use settings::{DAILY_CAPACITY, SettingKey};
pub use team::Role;
pub use watch_store::StoredAlert;
pub use workspace::{Guard, Imported, Workspace, default_workspace, os_user};
