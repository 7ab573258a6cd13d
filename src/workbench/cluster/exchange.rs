//! The files the stages exchange through the cluster: small CSV tables (users, type counts,
//! sharing) and Parquet event features keyed by the part's data row and the event's place
//! among that row's events (a row can hold several events: `extra_events`).

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::super::error::{Result, WorkbenchError};
use crate::features::{FeatureTable, UserKnowledge};
use crate::log::{ColumnData, EventLog, read_number_columns, write_parquet};

/// One event type's count of events in a part.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TypeCount {
    pub event: String,
    pub events: u64,
}

/// One account's `shared:<entity>` value in a part.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sharing {
    pub user: String,
    pub entity: String,
    pub others: f32,
}

/// A part's events counted by training target: fraud, and the rest (`EventSample`).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct TargetCounts {
    pub positive: u64,
    pub other: u64,
}

fn input_error(path: &Path, e: impl std::fmt::Display) -> WorkbenchError {
    WorkbenchError::Request(format!("{}: {e}", path.display()))
}

pub fn write_rows<T: Serialize>(path: &Path, rows: &[T]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| WorkbenchError::cannot_write(path, e))?;
    for r in rows {
        w.serialize(r)
            .map_err(|e| WorkbenchError::cannot_write(path, e))?;
    }
    w.flush().map_err(|e| WorkbenchError::cannot_write(path, e))
}

pub fn read_rows<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let mut r = csv::Reader::from_path(path).map_err(|e| input_error(path, e))?;
    r.deserialize()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| input_error(path, format!("line {}: {e}", i + 2))))
        .collect()
}

pub fn read_users_known(path: &Path) -> Result<Vec<UserKnowledge>> {
    read_rows(path)
}

/// Writes `table`'s rows (events of `log`) keyed by `row` and `place`.
pub fn write_event_features(path: &Path, log: &EventLog, table: &FeatureTable) -> Result<()> {
    let events: Vec<usize> = match &table.rows {
        Some(rows) => rows.iter().map(|&e| e as usize).collect(),
        None => (0..table.values.rows).collect(),
    };
    let places = log.places_in_row();
    let mut columns: Vec<(&str, ColumnData)> = vec![
        (
            "row",
            ColumnData::Float(
                events
                    .iter()
                    .map(|&e| Some(log.columns.row[e] as f64))
                    .collect(),
            ),
        ),
        (
            "place",
            ColumnData::Int(events.iter().map(|&e| places[e] as i32).collect()),
        ),
    ];
    for (j, spec) in table.specs.iter().enumerate() {
        let values = (0..events.len())
            .map(|r| Some(f64::from(table.values.get(r, j))))
            .collect();
        columns.push((&spec.name, ColumnData::Float(values)));
    }
    write_parquet(path, columns).map_err(|e| WorkbenchError::cannot_write(path, e))
}

/// Event features read back: the events of `log` they are for (ascending) and each column's
/// values in that order (a null is NaN: an event without that group).
pub struct GivenFeatures {
    pub events: Vec<u32>,
    pub columns: HashMap<String, Vec<f32>>,
}

pub fn read_event_features(path: &Path, log: &EventLog) -> Result<GivenFeatures> {
    let mut columns: HashMap<String, Vec<f64>> = read_number_columns(path)
        .map_err(|e| input_error(path, e))?
        .into_iter()
        .collect();
    let mut key = |name: &str| {
        columns
            .remove(name)
            .ok_or_else(|| input_error(path, format!("no `{name}` column")))
    };
    let (rows, places) = (key("row")?, key("place")?);
    let mut event_of: HashMap<(u64, u32), u32> = HashMap::new();
    for (e, (&row, place)) in log.columns.row.iter().zip(log.places_in_row()).enumerate() {
        event_of.insert((row, place), e as u32);
    }
    // Each given row's event, then the rows in event order.
    let mut order: Vec<(u32, usize)> = Vec::with_capacity(rows.len());
    for (i, (&row, &place)) in rows.iter().zip(&places).enumerate() {
        let e = event_of.get(&(row as u64, place as u32)).ok_or_else(|| {
            input_error(
                path,
                format!("row {row} (event {place} of it) is not an event of the part"),
            )
        })?;
        order.push((*e, i));
    }
    order.sort_unstable();
    Ok(GivenFeatures {
        events: order.iter().map(|&(e, _)| e).collect(),
        columns: columns
            .into_iter()
            .map(|(name, values)| {
                let ordered = order.iter().map(|&(_, i)| values[i] as f32).collect();
                (name, ordered)
            })
            .collect(),
    })
}
