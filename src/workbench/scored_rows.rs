//! The rows `vigil score` writes, from a dataset's scores: one per account active in a window
//! (score, risk, reasons) or one per event of it (its source row, user, time, score, and the
//! reasons of the flagged ones). The cluster worker writes the same rows for its part.

use std::path::Path;

use crate::detect::{Detector, Level, Reason, Scores};
use crate::features::Dataset;
use crate::language::{Language, Say};
use crate::log::UserCode;
use crate::log::timeparse::format_rfc3339;

/// A time window `[from, until)` in ms since the epoch.
#[derive(Clone, Copy)]
pub(super) struct Window {
    pub from: i64,
    pub until: i64,
}

impl Window {
    pub fn contains(self, t: i64) -> bool {
        t >= self.from && t < self.until
    }
}

/// A dataset's scores with what says why: the rows `vigil score` writes.
pub(super) struct Scored<'a> {
    pub data: &'a Dataset,
    pub detector: &'a dyn Detector,
    pub scores: &'a Scores,
    /// The language the reasons are written in.
    pub language: Language,
}

pub(super) fn write_scores(
    out: &Path,
    level: Level,
    scored: &Scored,
    window: Window,
) -> std::result::Result<usize, csv::Error> {
    let written = match level {
        Level::User => {
            let file = std::fs::File::create(out)?;
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
            w.write_record(["user", "score", "risk", "reasons"])?;
            let written = scored.write_account_rows(&mut w, window)?;
            w.flush()?;
            written
        }
        Level::Event => {
            let mut w = event_writer(out)?;
            let written = scored.write_event_rows(&mut w, window)?;
            w.flush()?;
            written
        }
    };
    Ok(written)
}

const EVENT_HEADER: [&str; 5] = ["row", "user", "ts", "score", "reasons"];

pub(super) type CsvOut = csv::Writer<std::io::BufWriter<std::fs::File>>;

pub(super) fn event_writer(out: &Path) -> std::result::Result<CsvOut, csv::Error> {
    let file = std::fs::File::create(out)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record(EVENT_HEADER)?;
    Ok(w)
}

impl Scored<'_> {
    /// One line per account active in `window`, riskiest first: its score, risk and reasons.
    pub fn write_account_rows(
        &self,
        w: &mut CsvOut,
        window: Window,
    ) -> std::result::Result<usize, csv::Error> {
        let (data, scores) = (self.data, self.scores);
        let thresholds = self.detector.thresholds(Level::User);
        let mut active = vec![false; data.users()];
        for e in self.events_in(window) {
            if let Some(u) = data.log.user_of(e) {
                active[u.index()] = true;
            }
        }
        let mut users: Vec<UserCode> = data.log.users().filter(|u| active[u.index()]).collect();
        users.sort_by(|&a, &b| {
            scores.user[b.index()]
                .total_cmp(&scores.user[a.index()])
                .then(a.cmp(&b))
        });
        let explained = self.detector.explain_accounts(data, &users);
        for (&u, reasons) in users.iter().zip(&explained) {
            let s = scores.user[u.index()];
            let reasons = self.said(reasons);
            w.write_record([
                data.user_name(u),
                &format!("{s:.6}"),
                thresholds.risk(s).name(),
                &reasons,
            ])?;
        }
        Ok(users.len())
    }

    /// One line per event of `window`: its source row, user, time, score and, when it is
    /// flagged, its reasons.
    pub fn write_event_rows(
        &self,
        w: &mut CsvOut,
        window: Window,
    ) -> std::result::Result<usize, csv::Error> {
        // Reasons say why an event is flagged: the events under the suspicious threshold
        // (nearly all of them) need none, and a week of events is written in seconds.
        let flagged = self.detector.thresholds(Level::Event).suspicious;
        let (data, scores) = (self.data, self.scores);
        let c = &data.log.columns;
        let flagged: Vec<usize> = self
            .events_in(window)
            .filter(|&e| scores.event[e] >= flagged)
            .collect();
        let mut explained = flagged
            .iter()
            .copied()
            .zip(self.detector.explain_events(data, &flagged))
            .peekable();
        let mut written = 0;
        for e in self.events_in(window) {
            let reasons = match explained.next_if(|(f, _)| *f == e) {
                Some((_, reasons)) => self.said(&reasons),
                None => String::new(),
            };
            let user = data.log.user_of(e).map_or("", |u| data.user_name(u));
            w.write_record([
                &c.row[e].to_string(),
                user,
                &format_rfc3339(c.ts_ms[e]),
                &format!("{:.6}", scores.event[e]),
                &reasons,
            ])?;
            written += 1;
        }
        Ok(written)
    }

    /// The events of `window`, in log order.
    fn events_in(&self, window: Window) -> impl Iterator<Item = usize> + '_ {
        let ts = &self.data.log.columns.ts_ms;
        (0..ts.len()).filter(move |&e| window.contains(ts[e]))
    }

    /// `reasons` in words, one after another.
    fn said(&self, reasons: &[Reason]) -> String {
        let said: Vec<String> = reasons.iter().map(|r| r.say(self.language)).collect();
        said.join("; ")
    }
}
