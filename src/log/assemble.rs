//! Joins converted chunks, in file order, into one event table: global dictionaries,
//! global row numbers, and removal of exact duplicate rows (the first copy is kept).

use std::collections::HashSet;

use super::convert::Converted;
use super::issues::IssueLog;
use super::mapping::LabelLevel;
use super::plan::Plan;
use super::table::{EventColumns, EventLog};

pub struct Assembler {
    columns: EventColumns,
    seen: HashSet<u128, ahash::RandomState>,
    pub rows_read: u64,
    pub duplicates: u64,
    pub rejects: IssueLog,
    pub warnings: IssueLog,
    label_level: Option<LabelLevel>,
}

impl Assembler {
    pub fn new(plan: &Plan) -> Self {
        Self {
            columns: plan.empty_columns(),
            seen: HashSet::default(),
            rows_read: 0,
            duplicates: 0,
            rejects: IssueLog::default(),
            warnings: IssueLog::default(),
            label_level: plan.label.map(|(_, l)| l),
        }
    }

    /// Adds the next chunk; chunks must arrive in file order.
    pub fn absorb(&mut self, chunk: Converted) {
        let offset = self.rows_read;
        let mut duplicate_rows = Vec::new();
        for &(row, hash) in &chunk.accepted {
            if !self.seen.insert(hash) {
                duplicate_rows.push(row);
            }
        }
        self.duplicates += duplicate_rows.len() as u64;
        // Events are in row order, so one pass over the sorted duplicate rows marks them.
        let mut dup = duplicate_rows.iter().peekable();
        let keep: Vec<bool> = chunk
            .columns
            .row
            .iter()
            .map(|&r| {
                while dup.next_if(|&&d| d < r).is_some() {}
                dup.peek() != Some(&&r)
            })
            .collect();
        self.columns.append_from(&chunk.columns, &keep, offset);
        self.rejects.merge(chunk.rejects, offset);
        self.warnings.merge(chunk.warnings, offset);
        self.rows_read += chunk.rows;
    }

    pub fn finish(mut self) -> (EventLog, Stats) {
        self.columns.shrink_to_fit();
        let stats = Stats {
            rows_read: self.rows_read,
            duplicates: self.duplicates,
            rejects: self.rejects,
            warnings: self.warnings,
        };
        let log = EventLog {
            columns: self.columns,
            label_level: self.label_level,
        };
        (log, stats)
    }
}

/// Row counts and problems of a finished load.
pub struct Stats {
    pub rows_read: u64,
    pub duplicates: u64,
    pub rejects: IssueLog,
    pub warnings: IssueLog,
}
