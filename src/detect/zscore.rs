//! The robust statistical baseline: every feature is already a robust z-score (median / MAD of
//! the training users, see `Scaler`, clipped at ±8); an account's raw score is the mean of its
//! three largest absolute deviations, so one wildly abnormal trait is not diluted by fifty
//! ordinary ones. Many fraud accounts reach the clip on three traits at once, so the mean of
//! all deviations breaks their ties (at a weight too small to reorder anything else).

use crate::features::Matrix;

const TOP: usize = 3;
/// Weight of the mean deviation: at most 8 × this, below the 1/3 step of the top-3 mean.
const TIE_BREAK: f32 = 0.02;

pub fn raw_scores(scaled: &Matrix) -> Vec<f32> {
    (0..scaled.rows)
        .map(|i| {
            let mut top = [0.0f32; TOP];
            let mut total = 0.0f32;
            for &v in scaled.row(i) {
                let a = v.abs();
                total += a;
                if a > top[TOP - 1] {
                    top[TOP - 1] = a;
                    top.sort_unstable_by(|x, y| y.total_cmp(x));
                }
            }
            let mean = total / scaled.cols.max(1) as f32;
            top.iter().sum::<f32>() / TOP as f32 + TIE_BREAK * mean
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturated_accounts_are_told_apart_by_the_rest() {
        // Rows are accounts: two reach the clip on three traits, the second is also odd
        // on a fourth; a third is ordinary.
        let m = Matrix {
            rows: 3,
            cols: 4,
            data: vec![
                8.0, 8.0, 8.0, 0.5, //
                8.0, 8.0, 8.0, 3.0, //
                1.0, 0.0, 0.0, 0.0,
            ],
        };
        let s = raw_scores(&m);
        assert!(s[1] > s[0] && s[0] > s[2], "{s:?}");
    }
}
