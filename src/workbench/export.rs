//! Scores written out (`vigil score`): per user (riskiest first, with risk and reasons) or per
//! event (with the source row, so scores join back to the file, and the event's reasons), for
//! a time window.

use std::path::{Path, PathBuf};

use super::data::DataSource;
use super::error::{Result, WorkbenchError};
use super::model::fit;
use crate::detect::{
    Detector, DetectorKind, Level, Scores, TrainOptions, align_features, load_model,
};
use crate::features::Dataset;
use crate::features::lookback_ms;
use crate::log::timeparse::format_rfc3339;
use crate::memory::give_back_freed_memory;
use crate::progress::Progress;

/// The model that scores: a model directory, or a detector trained on the spot.
pub enum ModelChoice {
    Dir(PathBuf),
    Train(DetectorKind),
}

pub struct ScoreRequest {
    pub model: ModelChoice,
    pub level: Level,
    /// Only events (or users active) from this time on.
    pub from: Option<i64>,
    /// Only events (or users active) before this time.
    pub until: Option<i64>,
    pub seed: u64,
    pub out: PathBuf,
}

pub struct ScoreOutcome {
    pub written: usize,
    /// The model's features this log lacks (they counted as typical).
    pub missing_features: Vec<String>,
}

pub fn score_to_csv(
    source: &DataSource,
    request: &ScoreRequest,
    progress: &dyn Progress,
) -> Result<ScoreOutcome> {
    let whole = source.load_labelled(progress)?;
    let (data, detector, missing_features) = match &request.model {
        ModelChoice::Dir(dir) => {
            let (detector, meta) = load_model(dir)?;
            let mut data = match (request.level, request.from) {
                // Event scores of a bounded-look-back model need the window and the history its
                // features read: that history is read, only the window is featurised and kept.
                (Level::Event, Some(from)) if meta.detector.has_bounded_lookback() => {
                    let lookback = lookback_ms(whole.labels.delay_ms);
                    let part =
                        whole.range(Some(from.saturating_sub(lookback)), request.until, None);
                    drop(whole);
                    give_back_freed_memory();
                    part.featurise_from(from, progress)?
                }
                _ => whole.featurise(progress)?,
            };
            let missing = align_features(&meta, dir, &mut data)?;
            (data, detector, missing)
        }
        ModelChoice::Train(kind) => {
            let data = whole.featurise(progress)?;
            let options = TrainOptions::all_users(&data, request.seed);
            let detector = fit(&data, *kind, &options, progress)?.detector;
            (data, detector, Vec::new())
        }
    };
    let scores = detector.score(&data, progress)?;
    let window = Window {
        from: request.from.unwrap_or(i64::MIN),
        until: request.until.unwrap_or(i64::MAX),
    };
    let written = write_scores(
        &request.out,
        request.level,
        &data,
        detector.as_ref(),
        &scores,
        window,
    )
    .map_err(|e| WorkbenchError::Output {
        path: request.out.clone(),
        detail: format!("cannot write: {e}"),
    })?;
    Ok(ScoreOutcome {
        written,
        missing_features,
    })
}

#[derive(Clone, Copy)]
struct Window {
    from: i64,
    until: i64,
}

impl Window {
    fn contains(self, t: i64) -> bool {
        t >= self.from && t < self.until
    }
}

fn write_scores(
    out: &Path,
    level: Level,
    data: &Dataset,
    detector: &dyn Detector,
    scores: &Scores,
    window: Window,
) -> std::result::Result<usize, csv::Error> {
    let file = std::fs::File::create(out)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let c = &data.log.columns;
    let mut written = 0usize;
    match level {
        Level::User => {
            let thresholds = detector.thresholds(Level::User);
            w.write_record(["user", "score", "risk", "reasons"])?;
            let mut active = vec![false; data.users()];
            for (e, &u) in c.user.codes.iter().enumerate() {
                if window.contains(c.ts_ms[e]) {
                    active[u as usize] = true;
                }
            }
            let mut users: Vec<usize> = (0..data.users()).filter(|&u| active[u]).collect();
            users.sort_by(|&a, &b| scores.user[b].total_cmp(&scores.user[a]).then(a.cmp(&b)));
            for u in users {
                let s = scores.user[u];
                let reasons: Vec<String> = detector
                    .explain(data, u)
                    .into_iter()
                    .map(|r| r.text)
                    .collect();
                w.write_record([
                    data.user_name(u),
                    &format!("{s:.6}"),
                    thresholds.risk(s).name(),
                    &reasons.join("; "),
                ])?;
                written += 1;
            }
        }
        Level::Event => {
            w.write_record(["row", "user", "ts", "score", "reasons"])?;
            // Reasons say why an event is flagged: the events under the suspicious threshold
            // (nearly all of them) need none, and a week of events is written in seconds.
            let flagged = detector.thresholds(Level::Event).suspicious;
            for e in (0..data.log.len()).filter(|&e| window.contains(c.ts_ms[e])) {
                let reasons: Vec<String> = match scores.event[e] >= flagged {
                    true => detector
                        .explain_event(data, e)
                        .into_iter()
                        .map(|r| r.text)
                        .collect(),
                    false => Vec::new(),
                };
                w.write_record([
                    &c.row[e].to_string(),
                    data.user_name(c.user.codes[e] as usize),
                    &format_rfc3339(c.ts_ms[e]),
                    &format!("{:.6}", scores.event[e]),
                    &reasons.join("; "),
                ])?;
                written += 1;
            }
        }
    }
    w.flush()?;
    Ok(written)
}
