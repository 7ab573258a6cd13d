//! `vigil segments`: the accounts of a log in k-means segments with a 2-D view and profiles,
//! written as `user,segment,x,y,distance` and reported per segment; by the account features,
//! or by a model's reading of each account (the behaviour model's embedding).

use std::path::{Path, PathBuf};

use super::data::DataSource;
use super::error::{Result, WorkbenchError};
use crate::detect::{align_features, load_model};
use crate::features::{Dataset, Matrix};
use crate::log::Label;
use crate::progress::{Progress, Stage};
use crate::segments::{Segmentation, segment, segment_by};

pub struct SegmentRequest {
    /// The number of segments; `None` chooses it by the silhouette.
    pub k: Option<usize>,
    pub seed: u64,
    /// Where to write one line per account.
    pub out: Option<PathBuf>,
    /// A model directory whose reading of each account places the accounts (`None`: their
    /// features do).
    pub by_model: Option<PathBuf>,
}

pub struct Segmented {
    pub segmentation: Segmentation,
    /// Account names, in the segmentation's order.
    pub users: Vec<String>,
}

/// Segments the accounts of `source`'s log by their account features (no event features are
/// built), or by the reading of each account of the model `request` names, and writes the
/// assignments when asked.
pub fn segments(
    source: &DataSource,
    request: &SegmentRequest,
    progress: &dyn Progress,
) -> Result<Segmented> {
    // A k below 2 is wrong for any log, and a model without readings for any: say so before
    // reading one.
    check_k(request.k, None)?;
    let model = match &request.by_model {
        Some(dir) => Some((load_model(dir)?, dir)),
        None => None,
    };
    if let Some(((detector, _), dir)) = &model
        && !detector.kind().reads_account_events()
    {
        return Err(WorkbenchError::Request(format!(
            "--by-model {}: a {} model has no reading of each account; give a behaviour, gru \
             or cnn_gru model",
            dir.display(),
            detector.kind()
        )));
    }
    let whole = source.load_labelled(progress)?;
    let (data, readings) = match model {
        // A sequence model reads its events' features, in its own order; the behaviour
        // model reads the events themselves.
        Some(((detector, meta), dir)) if detector.kind().reads_sequences() => {
            let mut data = whole.featurise(progress)?;
            align_features(&meta, dir, &mut data)?;
            let readings = detector.account_embedding(&data, progress)?;
            (data, readings)
        }
        Some(((detector, _), _)) => {
            let data = whole.featurise_accounts(progress)?;
            let readings = detector.account_embedding(&data, progress)?;
            (data, readings)
        }
        None => (whole.featurise_accounts(progress)?, None),
    };
    let segmentation = segment_dataset(
        &data,
        &data.labels.user,
        (request.k, request.seed),
        readings.as_ref(),
        progress,
    )?;
    let names: Vec<String> = data
        .log
        .users()
        .map(|u| data.user_name(u).to_string())
        .collect();
    if let Some(out) = &request.out {
        write_assignments(out, &names, &segmentation)
            .map_err(|e| WorkbenchError::cannot_write(out, e))?;
    }
    Ok(Segmented {
        segmentation,
        users: names,
    })
}

/// Segments the accounts of `data` (the window's session, or a log's accounts), placed by
/// their features or by `readings` (a model's, one row per account); `labels` per account are
/// for the profiles' fraud rates.
pub fn segment_dataset(
    data: &Dataset,
    labels: &[Label],
    (k, seed): (Option<usize>, u64),
    readings: Option<&Matrix>,
    progress: &dyn Progress,
) -> Result<Segmentation> {
    check_k(k, Some(data.users()))?;
    progress.report(Stage::Segmenting, 0, None);
    let segmentation = match readings {
        Some(r) => segment_by(r, &data.account, labels, k, seed),
        None => segment(&data.account, labels, k, seed),
    };
    if progress.is_cancelled() {
        return Err(WorkbenchError::Cancelled);
    }
    Ok(segmentation)
}

/// A given k must be at least 2 and at most the number of accounts (when known).
fn check_k(k: Option<usize>, users: Option<usize>) -> Result<()> {
    let Some(k) = k else { return Ok(()) };
    if k >= 2 && users.is_none_or(|n| k <= n) {
        return Ok(());
    }
    let most = users.map_or(String::new(), |n| {
        format!(" and at most the number of accounts ({n})")
    });
    Err(WorkbenchError::Request(format!(
        "--k {k}: expected at least 2{most}"
    )))
}

fn write_assignments(out: &Path, users: &[String], s: &Segmentation) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(out)?;
    w.write_record(["user", "segment", "x", "y", "distance"])?;
    for (u, name) in users.iter().enumerate() {
        let (x, y) = s.xy[u];
        w.write_record([
            name.as_str(),
            &s.assignments[u].to_string(),
            &format!("{x:.4}"),
            &format!("{y:.4}"),
            &format!("{:.4}", s.distance[u]),
        ])?;
    }
    w.flush()?;
    Ok(())
}
