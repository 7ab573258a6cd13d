//! A softmax classifier over feature rows: a multinomial logistic regression with no hidden
//! layer (the baselines), or an MLP with ReLU layers. Unweighted cross-entropy, so what it
//! gives are probabilities, not ranks: "a 30 % chance to buy" is what the account view shows.

use candle_core::{DType, Module, Tensor};
use candle_nn::{Linear, VarBuilder, VarMap, linear};

use super::compute_device;
use super::train::{LoopParams, fit, init_seeded, rows_tensor, score_in_blocks};
use crate::detect::holdout::split_validation;
use crate::detect::{DetectError, TrainingCurve};
use crate::features::Matrix;
use crate::progress::{Progress, Stage};

const SCORE_BATCH: usize = 8192;

pub struct Classifier {
    pub in_dim: usize,
    pub classes: usize,
    varmap: VarMap,
    hidden: Vec<Linear>,
    out: Linear,
}

impl Classifier {
    /// `hidden` lists the widths of the ReLU layers; empty is a logistic regression.
    pub fn new(in_dim: usize, classes: usize, hidden: &[usize]) -> Result<Self, DetectError> {
        let varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, DType::F32, compute_device());
        let mut layers = Vec::with_capacity(hidden.len());
        let mut width = in_dim;
        for (i, &h) in hidden.iter().enumerate() {
            layers.push(linear(width, h, vb.pp(format!("hidden{i}")))?);
            width = h;
        }
        let out = linear(width, classes.max(2), vb.pp("out"))?;
        Ok(Self {
            in_dim,
            classes: classes.max(2),
            varmap,
            hidden: layers,
            out,
        })
    }

    fn logits(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.hidden {
            h = layer.forward(&h)?.relu()?;
        }
        self.out.forward(&h)
    }

    /// Trains on every row of `x` (already scaled) with its class in `y`, stopping early on a
    /// validation fifth; `epochs` 0 chooses from the data size.
    pub fn fit(
        &mut self,
        x: &Matrix,
        y: &[u32],
        seed: u64,
        epochs: usize,
        stage: Stage,
        progress: &dyn Progress,
    ) -> Result<TrainingCurve, DetectError> {
        init_seeded(&self.varmap, seed)?;
        let device = compute_device();
        let rows: Vec<usize> = (0..x.rows).collect();
        let (train, val) = split_validation(&rows, |i| y[i] == 1, 0.2, seed);
        let params = LoopParams {
            epochs: if epochs > 0 {
                epochs
            } else {
                (1_000_000 / train.len().max(1)).clamp(8, 60)
            },
            batch: 256,
            learning_rate: if self.hidden.is_empty() { 2e-2 } else { 3e-3 },
            patience: 4,
            seed,
            stage,
        };
        let loss_of = |batch: &[usize]| -> candle_core::Result<Tensor> {
            let xb = rows_tensor(x, batch, device)?;
            let t: Vec<u32> = batch.iter().map(|&i| y[i]).collect();
            let t = Tensor::from_vec(t, batch.len(), device)?;
            candle_nn::loss::cross_entropy(&self.logits(&xb)?, &t)
        };
        fit(&self.varmap, &params, &train, &val, &loss_of, progress)
    }

    /// Each row's class probabilities, row after row (`rows * classes` values).
    pub fn probabilities(&self, x: &Matrix) -> Result<Vec<f32>, DetectError> {
        Ok(score_in_blocks(x, SCORE_BATCH, |xb| {
            candle_nn::ops::softmax_last_dim(&self.logits(xb)?)
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    /// Three classes told apart by which of two features is large.
    fn blobs() -> (Matrix, Vec<u32>) {
        let mut data = Vec::new();
        let mut y = Vec::new();
        for i in 0..600 {
            let class = (i % 3) as u32;
            let jitter = ((i * 37 % 101) as f32 / 101.0 - 0.5) * 0.4;
            let (a, b) = match class {
                0 => (1.0, 0.0),
                1 => (0.0, 1.0),
                _ => (-1.0, -1.0),
            };
            data.extend([a + jitter, b - jitter]);
            y.push(class);
        }
        let rows = y.len();
        (
            Matrix {
                rows,
                cols: 2,
                data,
            },
            y,
        )
    }

    #[test]
    fn learns_separable_classes_and_gives_probabilities() {
        let (x, y) = blobs();
        for hidden in [&[][..], &[16][..]] {
            let mut c = Classifier::new(2, 3, hidden).unwrap();
            c.fit(&x, &y, 3, 30, Stage::TrainingBaseline, &NoProgress)
                .unwrap();
            let p = c.probabilities(&x).unwrap();
            let mut right = 0;
            for (i, &class) in y.iter().enumerate() {
                let row = &p[i * 3..i * 3 + 3];
                assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
                let best = (0..3).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
                right += usize::from(best as u32 == class);
            }
            assert!(right > 570, "{right} of 600 right with hidden {hidden:?}");
        }
    }
}
