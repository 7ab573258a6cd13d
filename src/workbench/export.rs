//! Scores written out (`vigil score`): per user (riskiest first, with risk and reasons) or per
//! event (with the source row, so scores join back to the file, and the event's reasons), for
//! a time window.

use std::path::{Path, PathBuf};

use super::data::DataSource;
use super::defaults::DAILY_CAPACITY;
use super::error::{Result, WorkbenchError};
use super::model::{daily_flags_within, fit, thresholds_by_capacity};
use super::scored_rows::{Scored, Window, event_writer, write_scores};
use crate::detect::{
    Detector, DetectorKind, Level, ModelMeta, TrainOptions, align_features, load_model,
};
use crate::features::LabelledLog;
use crate::features::lookback_ms;
use crate::language::Language;
use crate::log::timeparse::format_rfc3339;
use crate::memory::give_back_freed_memory;
use crate::progress::Progress;
use crate::risk::Thresholds;

/// The model that scores: a model directory, or a detector trained on the spot.
pub enum ModelChoice {
    Dir(PathBuf),
    Train(DetectorKind),
}

pub struct ScoreRequest {
    pub model: ModelChoice,
    pub level: Level,
    /// Only events (or users active) from this time on.
    pub from_ms: Option<i64>,
    /// Only events (or users active) before this time.
    pub until_ms: Option<i64>,
    pub seed: u64,
    pub out: PathBuf,
    /// Event scores are computed this many events at a time (default `BLOCK_EVENTS`): fewer
    /// take less memory and more time, never other scores.
    pub block_events: Option<usize>,
    /// The language the reasons are written in.
    pub language: Language,
}

pub struct ScoreOutcome {
    pub written: usize,
    /// The model's features this log lacks (they counted as typical).
    pub missing_features: Vec<String>,
    /// At account level: how many accounts a day each threshold flags in the window.
    pub per_day: Option<PerDay>,
}

/// How many accounts a day the model's thresholds flag in a window: each day, the accounts
/// active that day scoring at or above them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerDay {
    pub thresholds: Thresholds,
    pub suspicious: f64,
    pub high: f64,
    pub days: u32,
}

pub fn score_to_csv(
    source: &DataSource,
    request: &ScoreRequest,
    progress: &dyn Progress,
) -> Result<ScoreOutcome> {
    let whole = source.load_labelled(progress)?;
    let window = Window {
        from: request.from_ms.unwrap_or(i64::MIN),
        until: request.until_ms.unwrap_or(i64::MAX),
    };
    // An empty window would score nothing, and a model's columns cannot be checked against it.
    if let Some((first, last)) = whole.log.time_range_ms()
        && !whole.log.columns.ts_ms.iter().any(|&t| window.contains(t))
    {
        let at = |t: Option<i64>, open: &str| t.map_or(open.to_string(), format_rfc3339);
        return Err(WorkbenchError::NothingBetween {
            log: source.log.clone(),
            window: format!(
                "from {} until {}",
                at(request.from_ms, "the start"),
                at(request.until_ms, "the end")
            ),
            events: format!("from {} to {}", format_rfc3339(first), format_rfc3339(last)),
        });
    }
    let (data, detector, missing_features) = match &request.model {
        ModelChoice::Dir(dir) => {
            let (detector, meta) = load_model(dir)?;
            if request.level == Level::Event {
                return score_events_by_block(
                    whole,
                    detector.as_ref(),
                    &meta,
                    dir,
                    request,
                    progress,
                );
            }
            let mut data = match request.level {
                Level::User if meta.detector.scores_accounts_from_account_features() => {
                    whole.featurise_accounts(progress)?
                }
                _ => whole.featurise(progress)?,
            };
            let missing = align_features(&meta, dir, &mut data)?;
            (data, detector, missing)
        }
        ModelChoice::Train(kind) => {
            let data = whole.featurise(progress)?;
            let options = TrainOptions::all_users(&data, request.seed);
            let mut fitted = fit(&data, *kind, &options, progress)?;
            thresholds_by_capacity(&mut fitted, &data, DAILY_CAPACITY, progress)?;
            (data, fitted.detector, Vec::new())
        }
    };
    let scores = detector.score(&data, progress)?;
    let scored = Scored {
        data: &data,
        detector: detector.as_ref(),
        scores: &scores,
        language: request.language,
    };
    let written = write_scores(&request.out, request.level, &scored, window)
        .map_err(|e| WorkbenchError::cannot_write(&request.out, e))?;
    let per_day = (request.level == Level::User).then(|| {
        let thresholds = detector.thresholds(Level::User);
        let flags = daily_flags_within(&data, &scores.user, |t| window.contains(t));
        PerDay {
            thresholds,
            suspicious: flags.per_day(thresholds.suspicious),
            high: flags.per_day(thresholds.high),
            days: flags.days(),
        }
    });
    Ok(ScoreOutcome {
        written,
        missing_features,
        per_day,
    })
}

/// Events a block of event scoring featurises and keeps at most (its look-back is read, not
/// kept): memory stays near the loaded log's size whatever the window's length (on a 110 MB
/// log, 2.9x the file at 150,000 against 5.0x in one piece, for 10 % more time).
pub const BLOCK_EVENTS: usize = 150_000;

/// Event scores, block after block of time: each block is featurised and scored from where
/// its first events' context begins (`DetectorKind::event_context_from`) with the history
/// its features read before that, written, then dropped. Every event reads what the whole
/// log gives it, so the scores are the same as in one piece.
fn score_events_by_block(
    whole: LabelledLog,
    detector: &dyn Detector,
    meta: &ModelMeta,
    dir: &Path,
    request: &ScoreRequest,
    progress: &dyn Progress,
) -> Result<ScoreOutcome> {
    let window = Window {
        from: request.from_ms.unwrap_or(i64::MIN),
        until: request.until_ms.unwrap_or(i64::MAX),
    };
    let lookback = lookback_ms(whole.labels.delay_ms);
    let context_from = |from: i64| meta.detector.event_context_from(from);
    // Nothing before the window's look-back is read again: let it go before featurising.
    let whole = match request.from_ms {
        Some(from) => {
            let part = whole.range(
                Some(context_from(from).saturating_sub(lookback)),
                request.until_ms,
                None,
            );
            drop(whole);
            give_back_freed_memory();
            part
        }
        None => whole,
    };
    let output_error = |e: csv::Error| WorkbenchError::cannot_write(&request.out, e);
    let mut w = event_writer(&request.out).map_err(output_error)?;
    let mut outcome = ScoreOutcome {
        written: 0,
        missing_features: Vec::new(),
        per_day: None,
    };
    let block_events = request.block_events.unwrap_or(BLOCK_EVENTS).max(1);
    let blocks = blocks(&whole.log.columns.ts_ms, window, block_events);
    let mut whole = Some(whole);
    let last = blocks.len() - 1;
    for (b, block) in blocks.into_iter().enumerate() {
        let Some(log) = whole.take() else { break };
        // The last block reads the rest of the log: no copy of it is needed.
        let part = if b == last {
            log
        } else {
            let part = log.range(
                Some(context_from(block.from).saturating_sub(lookback)),
                Some(block.until),
                None,
            );
            whole = Some(log);
            part
        };
        let mut data = part.featurise_from(context_from(block.from), progress)?;
        let missing = align_features(meta, dir, &mut data)?;
        if b == 0 {
            outcome.missing_features = missing;
        }
        let scores = detector.score_from(&data, block.from, progress)?;
        let scored = Scored {
            data: &data,
            detector,
            scores: &scores,
            language: request.language,
        };
        outcome.written += scored
            .write_event_rows(&mut w, block)
            .map_err(output_error)?;
        drop(data);
        give_back_freed_memory();
    }
    w.flush().map_err(|e| output_error(e.into()))?;
    Ok(outcome)
}

/// `window` cut at event times into blocks of about `size` events each.
fn blocks(ts_ms: &[i64], window: Window, size: usize) -> Vec<Window> {
    let mut times: Vec<i64> = ts_ms
        .iter()
        .copied()
        .filter(|&t| window.contains(t))
        .collect();
    times.sort_unstable();
    let mut cuts: Vec<i64> = times.iter().skip(size).step_by(size).copied().collect();
    // A last block of less than half the size joins the one before.
    if !cuts.is_empty() && times.len() - size * cuts.len() < size / 2 {
        cuts.pop();
    }
    cuts.dedup();
    // A cut at the first time would leave an empty block before it.
    cuts.retain(|&c| Some(&c) != times.first());
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = window.from;
    for cut in cuts {
        if cut > from {
            out.push(Window { from, until: cut });
            from = cut;
        }
    }
    out.push(Window {
        from,
        until: window.until,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(times: &[i64], size: usize) -> Vec<(i64, i64)> {
        let all = Window {
            from: i64::MIN,
            until: i64::MAX,
        };
        blocks(times, all, size)
            .into_iter()
            .map(|w| (w.from, w.until))
            .collect()
    }

    #[test]
    fn blocks_cut_at_event_times_and_a_small_rest_joins_the_last() {
        let ten: Vec<i64> = (0..10).rev().collect();
        assert_eq!(
            cut(&ten, 4),
            [(i64::MIN, 4), (4, 8), (8, i64::MAX)],
            "the rest of 2 is half a block: its own"
        );
        assert_eq!(cut(&ten[1..], 4), [(i64::MIN, 4), (4, i64::MAX)]);
        assert_eq!(cut(&ten, 20), [(i64::MIN, i64::MAX)]);
        // Equal times stay in one block.
        assert_eq!(cut(&[3, 3, 3, 3, 3, 3], 2), [(i64::MIN, i64::MAX)]);
    }
}
