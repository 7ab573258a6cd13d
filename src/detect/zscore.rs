//! The robust statistical baseline: every feature is already a robust z-score (median / MAD of
//! the training users, see `Scaler`); an account's raw score is the mean of its three largest
//! absolute deviations, so one wildly abnormal trait is not diluted by fifty ordinary ones.

use crate::features::Matrix;

const TOP: usize = 3;

pub fn raw_scores(scaled: &Matrix) -> Vec<f32> {
    (0..scaled.rows)
        .map(|i| {
            let mut top = [0.0f32; TOP];
            for &v in scaled.row(i) {
                let a = v.abs();
                if a > top[TOP - 1] {
                    top[TOP - 1] = a;
                    top.sort_unstable_by(|x, y| y.total_cmp(x));
                }
            }
            top.iter().sum::<f32>() / TOP as f32
        })
        .collect()
}
