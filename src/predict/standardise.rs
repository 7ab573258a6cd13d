//! Inputs for the prediction networks: a signed log (counts, days and money all have long
//! tails), then each column centred on its mean and divided by its standard deviation.
//!
//! Not the detectors' robust scaler: its median and MAD suit finding outliers, but where most
//! customers bought once, a MAD of almost nothing would clip every frequent buyer to the same
//! value, and frequency is what predicts the next purchase.

use crate::features::Matrix;

pub struct Standardiser {
    mean: Vec<f32>,
    std: Vec<f32>,
}

fn slog(x: f32) -> f32 {
    if x.is_finite() {
        x.signum() * x.abs().ln_1p()
    } else {
        0.0
    }
}

impl Standardiser {
    pub fn fit(x: &Matrix) -> Self {
        let n = x.rows.max(1) as f64;
        let (mut mean, mut std) = (Vec::with_capacity(x.cols), Vec::with_capacity(x.cols));
        for j in 0..x.cols {
            let m = x.column(j).map(|v| slog(v) as f64).sum::<f64>() / n;
            let var = x
                .column(j)
                .map(|v| (slog(v) as f64 - m).powi(2))
                .sum::<f64>()
                / n;
            mean.push(m as f32);
            std.push(if var > 1e-12 { var.sqrt() as f32 } else { 1.0 });
        }
        Self { mean, std }
    }

    pub fn transform(&self, mut x: Matrix) -> Matrix {
        x.map_in_place(|j, v| (slog(v) - self.mean[j]) / self.std[j]);
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_out_centred_with_unit_spread() {
        let x = Matrix::from_columns(&[vec![1.0, 1.0, 1.0, 40.0], vec![5.0; 4]]);
        let s = Standardiser::fit(&x);
        let z = s.transform(x);
        let col: Vec<f32> = z.column(0).collect();
        assert!(col.iter().sum::<f32>().abs() < 1e-5);
        assert!(col[3] > 1.5, "the frequent buyer stands out: {col:?}");
        assert!(z.column(1).all(|v| v == 0.0));
    }
}
