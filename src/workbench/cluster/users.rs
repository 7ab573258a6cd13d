//! The stages over whole users and whole entity values of the whole log: what is known of
//! each user's label, the event types' counts, and each account's sharing of entity values.

use std::path::Path;

use super::super::error::{Result, WorkbenchError};
use super::exchange::{Sharing, TypeCount, write_rows};
use super::part::PartSource;
use crate::features::shared_users_of;
use crate::log::{EntityUsers, LoadReport, read_labels};
use crate::progress::Progress;

/// What the part (whole users) knows of its users, and its events per type: written to
/// `users_out` and `types_out`. Returns the part's load report (the rows it turned away).
pub fn users_of_part(
    source: &PartSource,
    labels: Option<&Path>,
    users_out: &Path,
    types_out: &Path,
    progress: &dyn Progress,
) -> Result<LoadReport> {
    let file_labels = match labels {
        Some(p) => read_labels(p)?,
        None => Vec::new(),
    };
    let (part, report) = source.load(&file_labels, None, progress)?;
    let known = part.labels.users_known(&part.log);
    let counts: Vec<TypeCount> = part
        .log
        .event_type_counts()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(event, events)| TypeCount {
            event: event.to_string(),
            events,
        })
        .collect();
    write_rows(users_out, &known)?;
    write_rows(types_out, &counts)?;
    Ok(report)
}

/// The `shared:<entity>` account feature of the part's accounts (whole values of `entity`):
/// the most other users met on one of the account's values here.
pub fn sharing_of_part(
    source: &PartSource,
    entity: &str,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Vec<Sharing>> {
    let (part, _) = source.load(&[], None, progress)?;
    let log = &part.log;
    let column = log
        .columns
        .entities
        .iter()
        .find(|e| e.name == entity)
        .ok_or_else(|| {
            WorkbenchError::Request(format!(
                "{}: the log has no entity '{entity}'",
                source.part.display()
            ))
        })?;
    let index = EntityUsers::new(&column.column, &log.columns.user);
    let shared = shared_users_of(&index, log.user_count());
    let rows: Vec<Sharing> = log
        .users()
        .map(|u| Sharing {
            user: log.user_name(u).to_string(),
            entity: entity.to_string(),
            others: shared[u.index()],
        })
        .collect();
    write_rows(out, &rows)?;
    Ok(rows)
}
