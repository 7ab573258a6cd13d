//! Why an account scored high: its features furthest from the training population, each said
//! in words with the normal range ("8 events in 1 min (normal ≤ 1)").

use serde::{Deserialize, Serialize};

use crate::features::{FeatureSpec, Scaler};

/// Deviations smaller than this many robust spreads are not worth an analyst's attention.
const MIN_DEVIATION: f32 = 2.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub text: String,
    /// Signed distance from the median, in robust spreads.
    pub deviation: f32,
}

/// Whether value `v` of feature `j`, `z` robust spreads from the centre, is worth saying: far
/// from the centre, and outside the normal range the sentence quotes.
pub(super) fn stands_out(scaler: &Scaler, j: usize, v: f32, z: f32) -> bool {
    z.abs() >= MIN_DEVIATION
        && if z > 0.0 {
            v > scaler.p99[j]
        } else {
            v < scaler.p01[j]
        }
}

/// "8 events in 1 min (normal ≤ 1)".
pub(super) fn deviation_text(
    spec: &FeatureSpec,
    scaler: &Scaler,
    j: usize,
    v: f32,
    z: f32,
) -> String {
    let normal = if z > 0.0 {
        format!("normal ≤ {}", spec.unit.format(scaler.p99[j]))
    } else {
        format!("normal ≥ {}", spec.unit.format(scaler.p01[j]))
    };
    format!("{} ({normal})", spec.say(v))
}

pub fn reasons_for(specs: &[FeatureSpec], scaler: &Scaler, row: &[f32], k: usize) -> Vec<Reason> {
    let mut scored: Vec<(usize, f32)> = row
        .iter()
        .enumerate()
        .filter(|&(j, _)| j < scaler.cols())
        .map(|(j, &v)| (j, scaler.z(j, v)))
        .filter(|&(j, z)| stands_out(scaler, j, row[j], z))
        .collect();
    scored.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    scored
        .into_iter()
        .take(k)
        .map(|(j, z)| Reason {
            feature: specs[j].name.clone(),
            text: deviation_text(&specs[j], scaler, j, row[j], z),
            deviation: z,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{Matrix, Unit};

    #[test]
    fn the_furthest_feature_comes_first_in_words() {
        let specs = vec![
            FeatureSpec::new("peak_1min", "{} events in 1 min", Unit::Count),
            FeatureSpec::new("amount_max", "largest amount {}", Unit::Money),
        ];
        let mut a: Vec<f32> = (0..200).map(|i| (i % 2) as f32).collect();
        a[0] = 1.0;
        let b: Vec<f32> = (0..200).map(|i| 50.0 + (i % 7) as f32).collect();
        let scaler = Scaler::fit(&Matrix::from_columns(&[a, b]));
        let r = reasons_for(&specs, &scaler, &[8.0, 52.0], 3);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].text, "8 events in 1 min (normal ≤ 1)");
    }
}
