//! The population view of the segments tab: how each segment's share of the active accounts
//! moves over the log's weeks, and every account ranked by its chance to buy or to churn (with
//! its segment), to open or to export.

use std::path::Path;

use super::error::{Result, WorkbenchError};
use super::outlook::Outlook;
use crate::language::Language;
use crate::log::{EventLog, UserCode};
use crate::segments::Segmentation;
use crate::time_units::{DAY_MS, WEEK_MS};
use crate::words::segment_name;

/// Weeks start on Monday, 00:00 UTC (1970-01-01 was a Thursday: Mondays fall 4 days after a
/// multiple of 7 days).
const MONDAY_MS: i64 = 4 * DAY_MS;

/// Each segment's share of the accounts active in each week of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentWeeks {
    /// Each week's Monday (ms since the epoch), in order.
    pub starts_ms: Vec<i64>,
    /// Per week: the accounts active in it.
    pub active: Vec<usize>,
    /// Per segment, per week: its share of that week's active accounts (0 when none were).
    pub shares: Vec<Vec<f32>>,
}

fn week_of(ts: i64) -> i64 {
    (ts - MONDAY_MS).div_euclid(WEEK_MS)
}

/// How `segments` share the active accounts of each week of `log`.
pub fn segment_weeks(log: &EventLog, segments: &Segmentation) -> SegmentWeeks {
    let Some((first, last)) = log.time_range_ms() else {
        return SegmentWeeks {
            starts_ms: Vec::new(),
            active: Vec::new(),
            shares: vec![Vec::new(); segments.k],
        };
    };
    let (w0, w1) = (week_of(first), week_of(last));
    let weeks = (w1 - w0 + 1) as usize;
    // Whether an account is counted in a week yet: events come in any order.
    let mut seen = vec![false; weeks * segments.assignments.len()];
    let mut counts = vec![vec![0usize; weeks]; segments.k];
    let mut active = vec![0usize; weeks];
    for (e, &ts) in log.columns.ts_ms.iter().enumerate() {
        let Some(u) = log.user_of(e) else { continue };
        let Some(&s) = segments.assignments.get(u.index()) else {
            continue;
        };
        let w = (week_of(ts) - w0) as usize;
        let at = w * segments.assignments.len() + u.index();
        if !std::mem::replace(&mut seen[at], true) {
            counts[s][w] += 1;
            active[w] += 1;
        }
    }
    let shares = counts
        .iter()
        .map(|c| {
            c.iter()
                .zip(&active)
                .map(|(&n, &all)| if all > 0 { n as f32 / all as f32 } else { 0.0 })
                .collect()
        })
        .collect();
    SegmentWeeks {
        starts_ms: (w0..=w1).map(|w| w * WEEK_MS + MONDAY_MS).collect(),
        active,
        shares,
    }
}

/// What the accounts are ranked by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankBy {
    Purchase,
    Churn,
}

/// Both rankings of one outlook, made once when it arrives (a window draws them every frame).
pub struct Rankings {
    purchase: Vec<(UserCode, f32)>,
    churn: Vec<(UserCode, f32)>,
}

impl Rankings {
    pub fn of(outlook: &Outlook) -> Self {
        Self {
            purchase: ranked(outlook, RankBy::Purchase),
            churn: ranked(outlook, RankBy::Churn),
        }
    }

    pub fn by(&self, by: RankBy) -> &[(UserCode, f32)] {
        match by {
            RankBy::Purchase => &self.purchase,
            RankBy::Churn => &self.churn,
        }
    }
}

/// The accounts the outlook predicts `by` for, most likely first (ties by account).
pub fn ranked(outlook: &Outlook, by: RankBy) -> Vec<(UserCode, f32)> {
    let values = match by {
        RankBy::Purchase => &outlook.purchase,
        RankBy::Churn => &outlook.churn,
    };
    let mut rows: Vec<(UserCode, f32)> = UserCode::all(values.len())
        .zip(values.iter().copied())
        .filter(|(_, p)| p.is_finite())
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

/// Writes the ranking as CSV (`user,segment,segment_name,purchase,churn,next_event,next_p`),
/// most likely first; segment columns empty before segments are found. Returns the rows.
pub fn write_ranked(
    out: &Path,
    rows: &[(UserCode, f32)],
    outlook: &Outlook,
    segments: Option<&Segmentation>,
    name_of: impl Fn(UserCode) -> String,
    language: Language,
) -> Result<usize> {
    let write = || -> csv::Result<()> {
        let mut w = csv::Writer::from_path(out)?;
        w.write_record([
            "user",
            "segment",
            "segment_name",
            "purchase",
            "churn",
            "next_event",
            "next_p",
        ])?;
        let number = |v: Option<&f32>| {
            v.copied()
                .filter(|p| p.is_finite())
                .map_or(String::new(), |p| format!("{p:.6}"))
        };
        for &(u, _) in rows {
            let segment = segments.and_then(|s| s.assignments.get(u.index()).copied());
            let name = segment
                .and_then(|i| segments?.profiles.get(i))
                .map_or(String::new(), |p| segment_name(p, language));
            let next = outlook.next.get(u.index()).cloned().flatten();
            w.write_record([
                name_of(u),
                segment.map_or(String::new(), |s| s.to_string()),
                name,
                number(outlook.purchase.get(u.index())),
                number(outlook.churn.get(u.index())),
                next.as_ref().map_or(String::new(), |(e, _)| e.clone()),
                number(next.as_ref().map(|(_, p)| p)),
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    write().map_err(|e| WorkbenchError::cannot_write(out, e))?;
    Ok(rows.len())
}
