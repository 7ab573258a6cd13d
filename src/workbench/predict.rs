//! `vigil predict`: a behaviour prediction at a cut-off, graded against its baseline, with one
//! line per user written when asked.

use std::path::{Path, PathBuf};

use super::data::DataSource;
use super::error::{Result, WorkbenchError};
use crate::detect::{Detector, load_model};
use crate::log::timeparse::{format_rfc3339, parse_instant};
use crate::predict::{PredictOptions, Prediction, Target, predict as predict_log};
use crate::progress::Progress;

pub struct PredictRequest {
    pub options: PredictOptions,
    /// A model directory with a next-event head (a behaviour model) pretrained before the
    /// cut-off, whose expectations the networks also learn from.
    pub model: Option<PathBuf>,
    /// Where to write one line per user.
    pub out: Option<PathBuf>,
}

/// Loads `source`'s log, predicts, and writes the per-user predictions when asked.
pub fn predict(
    source: &DataSource,
    request: &PredictRequest,
    progress: &dyn Progress,
) -> Result<Prediction> {
    request.options.check()?;
    let encoder = match &request.model {
        Some(dir) => Some(encoder_before(dir, request.options.at_ms)?),
        None => None,
    };
    let whole = source.load_labelled(progress)?;
    let encoder = encoder.as_deref();
    let prediction = predict_log(&whole.log, &request.options, encoder, progress)?;
    if let Some(out) = &request.out {
        write_predictions(out, &prediction).map_err(|e| WorkbenchError::cannot_write(out, e))?;
    }
    Ok(prediction)
}

/// The model in `dir`, checked to have a next-event head and to have read nothing at or after
/// the cut-off `at_ms`: a model pretrained on the graded horizon would flatter its grades.
fn encoder_before(dir: &Path, at_ms: i64) -> Result<Box<dyn Detector>> {
    let (detector, meta) = load_model(dir)?;
    if !detector.kind().pretrains() {
        return Err(WorkbenchError::Request(format!(
            "--model {}: a {} model has no next-event head; give a behaviour model",
            dir.display(),
            detector.kind()
        )));
    }
    let last = parse_instant(&meta.training_data.time_max).unwrap_or(i64::MAX);
    if last >= at_ms {
        return Err(WorkbenchError::Request(format!(
            "--model {}: the model was pretrained on events up to {}, at or after the cut-off \
             {}: it has read the horizon the prediction is graded on; pretrain it on the log \
             before the cut-off (`vigil train LOG --detector behaviour --until {} --out DIR`)",
            dir.display(),
            meta.training_data.time_max,
            format_rfc3339(at_ms),
            format_rfc3339(at_ms)
        )));
    }
    Ok(detector)
}

/// `user,probability,baseline_probability,actual` for purchase and churn (the probability of
/// yes; actual 1/0, empty when unknown), `user,predicted,probability,baseline,actual` with
/// event type names for the next event.
fn write_predictions(out: &Path, p: &Prediction) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(out)?;
    let class = |c: Option<u32>| c.map_or(String::new(), |c| p.classes[c as usize].clone());
    match p.target {
        Target::NextEvent => {
            w.write_record(["user", "predicted", "probability", "baseline", "actual"])?;
            for r in &p.rows {
                w.write_record([
                    r.user.as_str(),
                    &class(Some(r.predicted)),
                    &format!("{:.4}", r.probability),
                    &class(Some(r.baseline_predicted)),
                    &class(r.actual),
                ])?;
            }
        }
        Target::Purchase | Target::Churn => {
            w.write_record(["user", "probability", "baseline_probability", "actual"])?;
            for r in &p.rows {
                w.write_record([
                    r.user.as_str(),
                    &format!("{:.4}", r.probability),
                    &format!("{:.4}", r.baseline_probability),
                    &r.actual.map_or(String::new(), |a| a.to_string()),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}
