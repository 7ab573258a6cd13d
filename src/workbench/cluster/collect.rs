//! The `collect` stage, the last of a training set's: a part of whole users as `vigil train
//! --until` reads a log (the events before the cut-off, the labels known then), with every
//! event's features the family stages computed. It gives the cluster the part's share of the
//! training sample (`EventSample`, drawn by the whole log's counts and each event's key, so
//! the parts together draw what one machine would) and every account's features.

use std::path::PathBuf;

use super::super::error::{Result, WorkbenchError};
use super::exchange::{TargetCounts, read_rows, write_rows};
use super::given::given_dataset;
use super::part::PartSource;
use crate::detect::EventSample;
use crate::features::UserKnowledge;
use crate::log::{ColumnData, write_parquet};
use crate::progress::Progress;

pub struct CollectRequest {
    /// The part, with the log's rows (`PartSource::rows`): the sample is drawn by them.
    pub source: PartSource,
    /// Every event's features, keyed by the log's rows.
    pub features: PathBuf,
    /// `event,events`: each event type's count before the cut-off, over the whole log.
    pub type_counts: PathBuf,
    pub until_ms: i64,
    /// `positive,other`: the whole log's events by training target (`users`, summed).
    pub targets: PathBuf,
    /// About how many events the sample holds.
    pub sample_events: usize,
    pub seed: u64,
    /// `row,place`: the part's events in the sample.
    pub events_out: PathBuf,
    /// `user`, `first_row` (where the account first appears in the log), then its features.
    pub accounts_out: PathBuf,
}

/// One event of a training sample: its data row in the log and its place among that row's.
#[derive(serde::Serialize)]
struct SampledEvent {
    row: u64,
    place: u32,
}

/// What a part gave a training set.
pub struct Collected {
    pub events: usize,
    pub accounts: usize,
}

pub fn collect_part(
    request: &CollectRequest,
    known: &[UserKnowledge],
    progress: &dyn Progress,
) -> Result<Collected> {
    if request.source.rows.is_none() {
        return Err(WorkbenchError::Request(
            "collect: the part's rows in the log are needed (--rows): the sample is drawn by them"
                .into(),
        ));
    }
    let (part, _) = request.source.load(&[], Some(known), progress)?;
    let t = request.until_ms;
    let part = part.range(None, Some(t), Some(t));
    let (data, _) = given_dataset(part, &request.features, &request.type_counts, progress)?;
    let counts: Vec<TargetCounts> = read_rows(&request.targets)?;
    let whole = EventSample {
        positive: counts.iter().map(|c| c.positive).sum(),
        other: counts.iter().map(|c| c.other).sum(),
        cap: request.sample_events as u64,
    };
    let log = &data.log;
    let targets = data.labels.event_targets(log);
    let places = log.places_in_row();
    let keep = whole.keeps_events(log, &places, &targets, request.seed);
    let sampled: Vec<SampledEvent> = (0..log.len())
        .filter(|&e| keep[e])
        .map(|e| SampledEvent {
            row: log.columns.row[e],
            place: places[e],
        })
        .collect();
    write_rows(&request.events_out, &sampled)?;

    let users: Vec<_> = log.users().collect();
    let first_row = |u| {
        data.index
            .events(u)
            .iter()
            .map(|&e| log.columns.row[e as usize])
            .min()
    };
    let mut columns: Vec<(&str, ColumnData)> = vec![
        (
            "user",
            ColumnData::Text(
                users
                    .iter()
                    .map(|&u| Some(log.user_name(u).to_string()))
                    .collect(),
            ),
        ),
        (
            "first_row",
            ColumnData::Float(
                users
                    .iter()
                    .map(|&u| first_row(u).map(|r| r as f64))
                    .collect(),
            ),
        ),
    ];
    let account = &data.account;
    for (j, spec) in account.specs.iter().enumerate() {
        let values = users
            .iter()
            .map(|&u| Some(f64::from(account.values.get(u.index(), j))))
            .collect();
        columns.push((&spec.name, ColumnData::Float(values)));
    }
    write_parquet(&request.accounts_out, columns)
        .map_err(|e| WorkbenchError::cannot_write(&request.accounts_out, e))?;
    Ok(Collected {
        events: sampled.len(),
        accounts: users.len(),
    })
}
