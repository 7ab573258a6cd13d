//! `vigil predict`: a behaviour prediction at a cut-off, graded against its baseline, with one
//! line per user written when asked.

use std::path::{Path, PathBuf};

use super::data::DataSource;
use super::error::{Result, WorkbenchError};
use crate::predict::{PredictOptions, Prediction, Target, predict as predict_log};
use crate::progress::Progress;

pub struct PredictRequest {
    pub options: PredictOptions,
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
    let whole = source.load_labelled(progress)?;
    let prediction = predict_log(&whole.log, &request.options, progress)?;
    if let Some(out) = &request.out {
        write_predictions(out, &prediction).map_err(|e| WorkbenchError::cannot_write(out, e))?;
    }
    Ok(prediction)
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
