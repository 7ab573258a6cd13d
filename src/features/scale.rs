//! Normalisation fitted on training data and stored with the model: a signed log squashes the
//! heavy tails every count and amount has, then a robust centre and spread (median and MAD)
//! keep a few extreme fraudsters from setting the scale for everyone.

use serde::{Deserialize, Serialize};

use super::matrix::Matrix;

/// Values beyond this many robust spreads are clipped: far enough to stay the most extreme,
/// near enough to keep a network's inputs tame.
const CLIP: f32 = 8.0;
/// Quantiles are taken on at most this many rows (evenly strided) to keep fitting linear.
const MAX_FIT_ROWS: usize = 200_000;

/// The signed log: squashes a heavy tail on either side of 0 and keeps the sign.
pub fn slog(x: f32) -> f32 {
    x.signum() * x.abs().ln_1p()
}

/// Per-feature statistics of the training rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    /// Median of the signed log of each feature.
    pub center: Vec<f32>,
    pub spread: Vec<f32>,
    /// 1st, 50th and 99th percentiles of the raw values: the "normal" range reasons quote.
    /// NaN for a feature with no value in the training rows (JSON writes it as `null`).
    #[serde(deserialize_with = "nan_for_null")]
    pub p01: Vec<f32>,
    #[serde(deserialize_with = "nan_for_null")]
    pub p50: Vec<f32>,
    #[serde(deserialize_with = "nan_for_null")]
    pub p99: Vec<f32>,
}

/// Reads back what serde_json wrote for NaN (`null`) as NaN.
fn nan_for_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
    let values: Vec<Option<f32>> = Deserialize::deserialize(d)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f32::NAN)).collect())
}

fn quantile(sorted: &[f32], q: f32) -> f32 {
    if sorted.is_empty() {
        return f32::NAN;
    }
    let pos = q * (sorted.len() - 1) as f32;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f32)
}

impl Scaler {
    pub fn fit(x: &Matrix) -> Self {
        let stride = x.rows.div_ceil(MAX_FIT_ROWS).max(1);
        let mut s = Self {
            center: Vec::with_capacity(x.cols),
            spread: Vec::with_capacity(x.cols),
            p01: Vec::with_capacity(x.cols),
            p50: Vec::with_capacity(x.cols),
            p99: Vec::with_capacity(x.cols),
        };
        for j in 0..x.cols {
            let mut raw: Vec<f32> = x
                .column(j)
                .step_by(stride)
                .filter(|v| v.is_finite())
                .collect();
            raw.sort_unstable_by(f32::total_cmp);
            s.p01.push(quantile(&raw, 0.01));
            s.p50.push(quantile(&raw, 0.5));
            s.p99.push(quantile(&raw, 0.99));
            // slog is monotone, so the sorted raw values give sorted logged ones.
            let logged: Vec<f32> = raw.iter().map(|&v| slog(v)).collect();
            let center = quantile(&logged, 0.5);
            let mut dev: Vec<f32> = logged.iter().map(|v| (v - center).abs()).collect();
            dev.sort_unstable_by(f32::total_cmp);
            let mad = 1.4826 * quantile(&dev, 0.5);
            // Features that are mostly one value (a MAD of 0) fall back to the mean deviation.
            let spread = if mad > 1e-6 {
                mad
            } else {
                let mean_dev = dev.iter().sum::<f32>() / dev.len().max(1) as f32;
                if mean_dev > 1e-6 {
                    1.2533 * mean_dev
                } else {
                    1.0
                }
            };
            s.center.push(if center.is_finite() { center } else { 0.0 });
            s.spread.push(spread);
        }
        s
    }

    pub fn cols(&self) -> usize {
        self.center.len()
    }

    /// How far `v` of feature `j` is from the centre, in robust spreads (unclipped; NaN is 0).
    pub fn z(&self, j: usize, v: f32) -> f32 {
        if v.is_finite() {
            (slog(v) - self.center[j]) / self.spread[j]
        } else {
            0.0
        }
    }

    pub fn transform(&self, x: &Matrix) -> Matrix {
        let mut out = x.clone();
        self.transform_in_place(&mut out);
        out
    }

    /// Scales `x` where it is (a training matrix need not exist twice).
    pub fn transform_in_place(&self, x: &mut Matrix) {
        x.map_in_place(|j, v| self.z(j, v).clamp(-CLIP, CLIP));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_and_clips_and_fills_missing() {
        let x = Matrix::from_columns(&[vec![1.0, 2.0, 3.0, 4.0, 1e9, f32::NAN], vec![5.0; 6]]);
        let s = Scaler::fit(&x);
        assert_eq!(s.p50[0], 3.0);
        let t = s.transform(&x);
        assert!(t.row(2)[0].abs() < 1e-6, "the median maps to 0");
        assert_eq!(t.row(4)[0], CLIP);
        assert_eq!(t.row(5)[0], 0.0);
        assert!(
            t.column(1).all(|v| v == 0.0),
            "a constant feature maps to 0"
        );
    }

    #[test]
    fn a_feature_without_values_survives_the_model_file() {
        let x = Matrix::from_columns(&[vec![1.0, 2.0, 3.0], vec![f32::NAN; 3]]);
        let s = Scaler::fit(&x);
        assert!(s.p01[1].is_nan());
        let json = serde_json::to_string(&s).unwrap();
        let back: Scaler = serde_json::from_str(&json).unwrap();
        assert_eq!(back.center, s.center);
        assert_eq!(back.p50[0], s.p50[0]);
        assert!(back.p01[1].is_nan() && back.p50[1].is_nan() && back.p99[1].is_nan());
    }
}
