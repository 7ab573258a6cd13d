//! The one training loop every network uses: seeded initialisation, AdamW, shuffled batches,
//! a cancel check before every batch, early stopping on a validation split with the best
//! weights restored.

use candle_core::{DType, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarMap};
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{NeuralError, compute_device};
use crate::detect::{DetectError, TrainingCurve};
use crate::features::Matrix;
use crate::progress::{Progress, Stage};

pub struct LoopParams {
    pub epochs: usize,
    pub batch: usize,
    pub learning_rate: f64,
    /// Epochs without a better validation loss before stopping.
    pub patience: usize,
    pub seed: u64,
    pub stage: Stage,
}

/// The network's named variables, locked for reading or setting.
pub fn lock_vars(
    varmap: &VarMap,
) -> Result<std::sync::MutexGuard<'_, std::collections::HashMap<String, Var>>, DetectError> {
    varmap
        .data()
        .lock()
        .map_err(|_| NeuralError::WeightsLock.into())
}

/// Replaces Candle's unseeded initialisation: weights uniform in ±1/√fan_in, biases zero,
/// normalisations' gains one, in
/// name order, so the same seed gives the same network.
pub fn init_seeded(varmap: &VarMap, seed: u64) -> Result<(), DetectError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_1417);
    let vars = lock_vars(varmap)?;
    let mut names: Vec<&String> = vars.keys().collect();
    names.sort();
    for name in names {
        let var = &vars[name];
        let dims = var.dims().to_vec();
        let n: usize = dims.iter().product();
        let values: Vec<f32> = if name.ends_with("gain") {
            vec![1.0; n]
        } else if dims.len() < 2 || name.contains("bias") {
            vec![0.0; n]
        } else {
            let fan_in: usize = dims[1..].iter().product();
            let bound = 1.0 / (fan_in.max(1) as f32).sqrt();
            (0..n).map(|_| rng.random_range(-bound..bound)).collect()
        };
        var.set(&Tensor::from_vec(values, dims.as_slice(), var.device())?)?;
    }
    Ok(())
}

/// Mean of `weights`-weighted binary cross-entropy on logits, stable for any logit size.
pub fn weighted_bce(
    logits: &Tensor,
    targets: &Tensor,
    weights: &Tensor,
) -> candle_core::Result<Tensor> {
    let softplus = (logits.relu()? + (logits.abs()?.neg()?.exp()? + 1.0)?.log()?)?;
    let loss = ((softplus - (targets * logits)?)? * weights)?.sum_all()?;
    loss.broadcast_div(&(weights.sum_all()? + 1e-6)?)
}

fn snapshot(vars: &[Var]) -> candle_core::Result<Vec<Tensor>> {
    vars.iter().map(|v| v.as_tensor().copy()).collect()
}

/// Trains the variables of `varmap` on the loss `loss_of(batch_rows)`.
pub fn fit(
    varmap: &VarMap,
    params: &LoopParams,
    train_rows: &[usize],
    val_rows: &[usize],
    loss_of: &dyn Fn(&[usize]) -> candle_core::Result<Tensor>,
    progress: &dyn Progress,
) -> Result<TrainingCurve, DetectError> {
    let vars = varmap.all_vars();
    let mut optimizer = AdamW::new(
        vars.clone(),
        ParamsAdamW {
            lr: params.learning_rate,
            weight_decay: 1e-4,
            ..ParamsAdamW::default()
        },
    )?;
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed ^ 0xba7c);
    let mut order = train_rows.to_vec();
    let mut curve = TrainingCurve::default();
    let mut best: Option<(f32, Vec<Tensor>)> = None;
    let mut since_best = 0;
    let batches = order.len().div_ceil(params.batch).max(1);
    let total = (params.epochs * batches) as u64;
    for epoch in 0..params.epochs {
        order.shuffle(&mut rng);
        let (mut sum, mut count) = (0.0f64, 0usize);
        for (b, batch) in order.chunks(params.batch).enumerate() {
            if progress.is_cancelled() {
                return Err(DetectError::Cancelled);
            }
            let loss = loss_of(batch)?;
            optimizer.backward_step(&loss)?;
            sum += loss.to_scalar::<f32>()? as f64 * batch.len() as f64;
            count += batch.len();
            progress.report(params.stage, (epoch * batches + b + 1) as u64, Some(total));
        }
        curve.train_loss.push((sum / count.max(1) as f64) as f32);
        if val_rows.is_empty() {
            continue;
        }
        let (mut vsum, mut vcount) = (0.0f64, 0usize);
        for batch in val_rows.chunks(params.batch.max(1024)) {
            let loss = loss_of(batch)?.detach();
            vsum += loss.to_scalar::<f32>()? as f64 * batch.len() as f64;
            vcount += batch.len();
        }
        let val = (vsum / vcount.max(1) as f64) as f32;
        curve.validation_loss.push(val);
        if best.as_ref().is_none_or(|(b, _)| val < *b) {
            best = Some((val, snapshot(&vars)?));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= params.patience {
                break;
            }
        }
    }
    if let Some((_, weights)) = best {
        for (var, w) in vars.iter().zip(weights) {
            var.set(&w)?;
        }
    }
    Ok(curve)
}

/// The rows `batch` of `x` as a `(batch, cols)` tensor on `device`.
pub fn rows_tensor(
    x: &Matrix,
    batch: &[usize],
    device: &candle_core::Device,
) -> candle_core::Result<Tensor> {
    let mut v = Vec::with_capacity(batch.len() * x.cols);
    for &i in batch {
        v.extend_from_slice(x.row(i));
    }
    tensor_2d(v, batch.len(), x.cols, device)
}

/// Every row of `x` through `score`, `block` rows at a time (a big log is never one tensor),
/// the outputs flattened in row order.
pub fn score_in_blocks(
    x: &Matrix,
    block: usize,
    score: impl Fn(&Tensor) -> candle_core::Result<Tensor>,
) -> candle_core::Result<Vec<f32>> {
    let device = compute_device();
    let mut out = Vec::with_capacity(x.rows);
    for start in (0..x.rows).step_by(block.max(1)) {
        let end = (start + block).min(x.rows);
        let xb = tensor_2d(
            x.data[start * x.cols..end * x.cols].to_vec(),
            end - start,
            x.cols,
            device,
        )?;
        out.extend(score(&xb)?.flatten_all()?.to_vec1::<f32>()?);
    }
    Ok(out)
}

/// Row-major f32 values as a `(rows, cols)` tensor on `device`.
pub fn tensor_2d(
    values: Vec<f32>,
    rows: usize,
    cols: usize,
    device: &candle_core::Device,
) -> candle_core::Result<Tensor> {
    Tensor::from_vec(values, (rows, cols), device)?.to_dtype(DType::F32)
}
