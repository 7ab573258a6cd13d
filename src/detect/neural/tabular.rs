//! Networks on one feature row: the MLP classifier and the autoencoder.

use candle_core::{DType, Module, Tensor};
use candle_nn::{VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::compute_device;
use super::nets::{AutoencoderNet, MlpNet};
use super::tensors::Array;
use super::train::{
    LoopParams, fit, init_seeded, lock_vars, rows_tensor, score_in_blocks, weighted_bce,
};
use crate::detect::holdout::split_validation;
use crate::detect::{DetectError, TrainingCurve};
use crate::features::Matrix;
use crate::log::Label;
use crate::progress::{Progress, Stage};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetKind {
    Mlp,
    Autoencoder,
}

enum Net {
    Mlp(MlpNet),
    Autoencoder(AutoencoderNet),
}

/// Heavily imbalanced logs would make fraud weigh thousands of times a legit row; this cap
/// keeps the gradient of one fraud example sane.
const MAX_POSITIVE_WEIGHT: f32 = 50.0;
const SCORE_BATCH: usize = 8192;

pub struct TabularNet {
    pub kind: NetKind,
    pub in_dim: usize,
    varmap: VarMap,
    net: Net,
}

impl TabularNet {
    pub fn new(kind: NetKind, in_dim: usize) -> Result<Self, DetectError> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, compute_device());
        let net = match kind {
            NetKind::Mlp => Net::Mlp(MlpNet::new(in_dim, vb)?),
            NetKind::Autoencoder => Net::Autoencoder(AutoencoderNet::new(in_dim, vb)?),
        };
        Ok(Self {
            kind,
            in_dim,
            varmap,
            net,
        })
    }

    /// Trains on the rows of `x` (already scaled). The MLP learns from rows labelled 0/1 in
    /// `y`, class-weighted; the autoencoder learns to rebuild every row.
    pub fn fit(
        &mut self,
        x: &Matrix,
        y: &[Label],
        seed: u64,
        epochs: usize,
        progress: &dyn Progress,
    ) -> Result<TrainingCurve, DetectError> {
        init_seeded(&self.varmap, seed)?;
        let device = compute_device();
        let rows: Vec<usize> = match self.kind {
            NetKind::Mlp => (0..x.rows).filter(|&i| y[i].is_known()).collect(),
            NetKind::Autoencoder => (0..x.rows).collect(),
        };
        let positives = rows.iter().filter(|&&i| y[i].is_fraud()).count();
        let positive_weight = ((rows.len() - positives) as f32 / positives.max(1) as f32)
            .clamp(1.0, MAX_POSITIVE_WEIGHT);
        let (train, val) = split_validation(&rows, |i| y[i].is_fraud(), 0.2, seed);
        let params = LoopParams {
            epochs: if epochs > 0 {
                epochs
            } else {
                (400_000 / train.len().max(1)).clamp(6, 60)
            },
            batch: 256,
            learning_rate: 3e-3,
            patience: 6,
            seed,
            stage: Stage::Training(match self.kind {
                NetKind::Mlp => "mlp",
                NetKind::Autoencoder => "autoencoder",
            }),
        };
        let net = &self.net;
        let loss_of = |batch: &[usize]| -> candle_core::Result<Tensor> {
            let xb = rows_tensor(x, batch, device)?;
            match net {
                Net::Mlp(m) => {
                    let t: Vec<f32> = batch.iter().map(|&i| f32::from(y[i].is_fraud())).collect();
                    let w: Vec<f32> = t
                        .iter()
                        .map(|&t| if t > 0.5 { positive_weight } else { 1.0 })
                        .collect();
                    let t = Tensor::from_vec(t, batch.len(), device)?;
                    let w = Tensor::from_vec(w, batch.len(), device)?;
                    weighted_bce(&m.forward(&xb)?, &t, &w)
                }
                Net::Autoencoder(a) => a.errors(&xb)?.mean_all(),
            }
        };
        fit(&self.varmap, &params, &train, &val, &loss_of, progress)
    }

    /// The MLP's fraud probability or the autoencoder's reconstruction error, per row.
    pub fn raw_scores(&self, x: &Matrix) -> Result<Vec<f32>, DetectError> {
        Ok(score_in_blocks(x, SCORE_BATCH, |xb| match &self.net {
            Net::Mlp(m) => candle_nn::ops::sigmoid(&m.forward(xb)?),
            Net::Autoencoder(a) => a.errors(xb),
        })?)
    }

    pub fn arrays(&self, prefix: &str) -> Result<Vec<Array>, DetectError> {
        vars_to_arrays(&self.varmap, prefix)
    }

    pub fn from_arrays(
        kind: NetKind,
        in_dim: usize,
        arrays: &[Array],
        prefix: &str,
    ) -> Result<Self, DetectError> {
        let net = Self::new(kind, in_dim)?;
        arrays_to_vars(&net.varmap, arrays, prefix)?;
        Ok(net)
    }
}

pub(super) fn vars_to_arrays(varmap: &VarMap, prefix: &str) -> Result<Vec<Array>, DetectError> {
    let vars = lock_vars(varmap)?;
    let mut out = Vec::new();
    for (name, var) in vars.iter() {
        out.push(Array {
            name: format!("{prefix}{name}"),
            shape: var.dims().to_vec(),
            data: var
                .as_tensor()
                .flatten_all()?
                .to_dtype(DType::F32)?
                .to_vec1::<f32>()?,
        });
    }
    Ok(out)
}

/// Loads every weight the network has from `arrays`; a missing or misshapen one is an error.
pub(super) fn arrays_to_vars(
    varmap: &VarMap,
    arrays: &[Array],
    prefix: &str,
) -> Result<(), DetectError> {
    let vars = lock_vars(varmap)?;
    for (name, var) in vars.iter() {
        let full = format!("{prefix}{name}");
        let a = arrays
            .iter()
            .find(|a| a.name == full)
            .ok_or_else(|| DetectError::MissingWeight { name: full.clone() })?;
        if a.shape != var.dims() || a.data.len() != a.shape.iter().product::<usize>() {
            return Err(DetectError::WeightShape {
                name: full,
                found: a.shape.clone(),
                expected: var.dims().to_vec(),
            });
        }
        var.set(&Tensor::from_vec(
            a.data.clone(),
            a.shape.as_slice(),
            var.device(),
        )?)?;
    }
    Ok(())
}
