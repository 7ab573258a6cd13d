//! The account features as k-means reads them: each column in signed log, centred on its mean
//! and divided by its standard deviation, missing values at the centre, clipped.
//!
//! Not the detectors' robust scaler (median and MAD): a column that is 0 for most accounts has
//! a MAD of almost nothing, so its few non-zero accounts sit dozens of spreads away and k-means
//! spends its segments on them. Measured on the bundled sample against the generator's
//! personas (adjusted Rand index at k = 4, 6, 8, 12): 0.06–0.24 with the robust scaler,
//! 0.26–0.38 with this one.

use crate::features::{Matrix, slog};

/// Standardised values beyond this are clipped: a handful of extreme accounts must not pull a
/// centre of their own.
const CLIP: f32 = 5.0;

/// `values` standardised column by column.
pub fn standardise(values: &Matrix) -> Matrix {
    let mut out = values.clone();
    for j in 0..values.cols {
        let (mut sum, mut sq, mut n) = (0.0f64, 0.0f64, 0usize);
        for v in values.column(j).filter(|v| v.is_finite()) {
            let l = f64::from(slog(v));
            sum += l;
            sq += l * l;
            n += 1;
        }
        let mean = if n > 0 { sum / n as f64 } else { 0.0 };
        let var = if n > 0 {
            sq / n as f64 - mean * mean
        } else {
            0.0
        };
        let sd = if var > 1e-12 { var.sqrt() } else { 1.0 };
        for r in 0..values.rows {
            let v = values.get(r, j);
            let z = if v.is_finite() {
                ((f64::from(slog(v)) - mean) / sd) as f32
            } else {
                0.0
            };
            out.set(r, j, z.clamp(-CLIP, CLIP));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_centred_scaled_and_missing_values_sit_at_the_centre() {
        let x = Matrix::from_columns(&[vec![1.0, 3.0, f32::NAN, 7.0], vec![5.0; 4]]);
        let z = standardise(&x);
        let col: Vec<f32> = z.column(0).collect();
        assert_eq!(col[2], 0.0);
        let finite = [col[0], col[1], col[3]];
        assert!(finite.iter().sum::<f32>().abs() < 1e-5);
        assert!(finite[0] < finite[1] && finite[1] < finite[2]);
        // A constant column stays at its centre.
        assert!(z.column(1).all(|v| v == 0.0));
    }
}
