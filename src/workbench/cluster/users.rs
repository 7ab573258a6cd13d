//! The stages over whole users and whole entity values of the whole log: what is known of
//! each user's label, the event types' counts, and each account's sharing of entity values.

use std::path::Path;

use super::super::error::Result;
use super::exchange::{Sharing, TargetCounts, TypeCount, write_rows};
use super::part::{LogRow, PartSource};
use crate::detect::{EventSample, MAX_EVENT_TRAIN_ROWS};
use crate::features::{lookback_ms, shared_users_of};
use crate::log::{EntityUsers, LoadReport, NULL_CODE, read_labels};
use crate::progress::Progress;

pub struct UsersRequest<'a> {
    pub source: PartSource,
    /// Labels CSV `user,label[,ts]`.
    pub labels: Option<&'a Path>,
    /// The window to be scored: `[from, until)`, ms since the epoch.
    pub from_ms: i64,
    pub until_ms: i64,
    pub users_out: &'a Path,
    pub types_out: &'a Path,
    pub rows_out: &'a Path,
    /// `entity,row`: one row of each (value, user) pair of each entity, what `sharing` reads.
    pub pairs_out: &'a Path,
    /// Read the part as `vigil train --until` reads a log: its events before `until_ms`, with
    /// the labels known then (a training set's first stage; see `collect`).
    pub as_of_until: bool,
    /// `positive,other`: the part's events counted by training target (fraud, and the rest),
    /// which the cluster sums into a training set's sample.
    pub targets_out: Option<&'a Path>,
}

/// The first data row of one (value, user) pair of an entity.
#[derive(serde::Serialize)]
struct PairRow {
    entity: String,
    row: u64,
}

/// What the part (whole users) knows of its users, its events per type, its rows that the
/// window's event features read (the window and its look-back), and one row of each of its
/// (value, user) pairs (a busy value's sharing then reads its users, not its events): written
/// to the request's files. Returns the part's load report (the rows it turned away).
pub fn users_of_part(request: &UsersRequest, progress: &dyn Progress) -> Result<LoadReport> {
    let file_labels = match request.labels {
        Some(p) => read_labels(p)?,
        None => Vec::new(),
    };
    let (mut part, report) = request.source.load(&file_labels, None, progress)?;
    if request.as_of_until {
        let t = request.until_ms;
        part = part.range(None, Some(t), Some(t));
    }
    let known = part.labels.users_known(&part.log);
    if let Some(out) = request.targets_out {
        let targets = part.labels.event_targets(&part.log);
        let sample = EventSample::of_targets(&targets, MAX_EVENT_TRAIN_ROWS);
        write_rows(
            out,
            &[TargetCounts {
                positive: sample.positive,
                other: sample.other,
            }],
        )?;
    }
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
    let read_from = request
        .from_ms
        .saturating_sub(lookback_ms(request.source.label_delay_ms));
    let c = &part.log.columns;
    let mut needed: Vec<u64> = (0..part.log.len())
        .filter(|&e| c.ts_ms[e] >= read_from && c.ts_ms[e] < request.until_ms)
        .map(|e| c.row[e])
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let needed: Vec<LogRow> = needed.into_iter().map(|row| LogRow { row }).collect();
    let mut pairs = Vec::new();
    for entity in &c.entities {
        let mut firsts: Vec<(u32, u32, u64)> = (0..part.log.len())
            .filter(|&e| entity.column.codes[e] != NULL_CODE)
            .map(|e| (entity.column.codes[e], c.user.codes[e], c.row[e]))
            .collect();
        firsts.sort_unstable();
        firsts.dedup_by_key(|&mut (v, u, _)| (v, u));
        pairs.extend(firsts.into_iter().map(|(_, _, row)| PairRow {
            entity: entity.name.clone(),
            row,
        }));
    }
    write_rows(request.users_out, &known)?;
    write_rows(request.pairs_out, &pairs)?;
    write_rows(request.types_out, &counts)?;
    write_rows(request.rows_out, &needed)?;
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
    let column = source.entity(log, entity)?;
    let index = EntityUsers::new(column, &log.columns.user);
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
