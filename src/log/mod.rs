//! Ingestion: the only code that reads user files. Any behaviour log (delimited text, NDJSON,
//! Parquet; plain or gzip) becomes the canonical event table, with a load report.

pub mod appended;
mod assemble;
mod by_user;
mod convert;
mod delimited;
mod detect;
mod encoding;
mod error;
mod issues;
mod label;
mod labels;
mod links;
mod mapping;
mod ndjson;
mod parquet;
mod plan;
mod planner;
mod reader;
mod record;
mod report;
mod source;
mod table;
pub mod tail;
pub mod timeparse;
mod user_code;
mod user_csv;

pub use by_user::UserIndex;
pub use convert::{parse_amount, parse_label};
pub use delimited::worker_threads;
pub use error::LoadError;
pub use issues::{Example, Issue, IssueStat};
pub use label::Label;
#[cfg(test)]
pub(crate) use label::labels_of;
pub use labels::{UserLabel, read_labels};
pub use links::EntityUsers;
pub use mapping::{ExtraEvent, LABEL_NAMES, LabelLevel, Mapping, USER_NAMES, entity_name};
pub use parquet::{ColumnData, read_named_rows, read_number_columns, write_table as write_parquet};
pub use plan::{DEFAULT_EVENT_NAME, EventRole, Plan, Role, TimeRole};
pub use reader::{Loaded, Preview, load, preview};
pub use report::{LabelCounts, LoadReport, ReportLine};
pub use source::Delimiter;
pub use table::{CatColumn, Dict, EventColumns, EventLog, NULL_CODE, NamedColumn};
pub use timeparse::{TimeFormat, parse_duration_ms, parse_instant};
pub use user_code::UserCode;
pub use user_csv::{UserCsv, field, read_user_csv, read_user_list};
