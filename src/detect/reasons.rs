//! Why an account scored high: its features furthest from the training population, each said
//! in words with the normal range ("8 events in 1 min (normal ≤ 1)").

use serde::{Deserialize, Serialize};

use crate::features::{FeatureSpec, Scaler};

/// Deviations smaller than this many robust spreads are not worth an analyst's attention.
pub(super) const MIN_DEVIATION: f32 = 2.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub text: String,
    /// Signed distance from the median, in robust spreads.
    pub deviation: f32,
}

/// How far from the training population a value must be to be said. A value beyond the normal
/// range is said as such; when none of a high-scoring row's values is, the ones furthest beyond
/// the typical value are said instead (a rare flag such as "first use of this device" is never
/// beyond the 99th percentile when more than 1 % of events have it), so a flagged row is never
/// left without words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bar {
    OutsideNormal,
    BeyondTypical,
}

impl Bar {
    pub(super) const IN_ORDER: [Bar; 2] = [Bar::OutsideNormal, Bar::BeyondTypical];

    /// The quoted edge value that `v` must pass, on the side of `z`.
    fn edge(self, scaler: &Scaler, j: usize, z: f32) -> f32 {
        match (self, z > 0.0) {
            (Bar::OutsideNormal, true) => scaler.p99[j],
            (Bar::OutsideNormal, false) => scaler.p01[j],
            (Bar::BeyondTypical, _) => scaler.p50[j],
        }
    }

    /// Whether value `v` of feature `j`, `z` robust spreads from the centre, is worth saying:
    /// far from the centre, and past the edge the sentence quotes.
    pub(super) fn clears(self, scaler: &Scaler, j: usize, v: f32, z: f32) -> bool {
        let edge = self.edge(scaler, j, z);
        z.abs() >= MIN_DEVIATION && if z > 0.0 { v > edge } else { v < edge }
    }

    /// "8 events in 1 min (normal ≤ 1)", or "first use of this device (typical 0)".
    pub(super) fn say(
        self,
        spec: &FeatureSpec,
        scaler: &Scaler,
        j: usize,
        v: f32,
        z: f32,
    ) -> String {
        let edge = spec.unit.format(self.edge(scaler, j, z));
        let range = match (self, z > 0.0) {
            (Bar::OutsideNormal, true) => format!("normal ≤ {edge}"),
            (Bar::OutsideNormal, false) => format!("normal ≥ {edge}"),
            (Bar::BeyondTypical, _) => format!("typical {edge}"),
        };
        format!("{} ({range})", spec.say(v))
    }
}

pub fn reasons_for(specs: &[FeatureSpec], scaler: &Scaler, row: &[f32], k: usize) -> Vec<Reason> {
    for bar in Bar::IN_ORDER {
        let mut scored: Vec<(usize, f32)> = row
            .iter()
            .enumerate()
            .filter(|&(j, _)| j < scaler.cols())
            .map(|(j, &v)| (j, scaler.z(j, v)))
            .filter(|&(j, z)| bar.clears(scaler, j, row[j], z))
            .collect();
        if scored.is_empty() {
            continue;
        }
        scored.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
        return scored
            .into_iter()
            .take(k)
            .map(|(j, z)| Reason {
                feature: specs[j].name.clone(),
                text: bar.say(&specs[j], scaler, j, row[j], z),
                deviation: z,
            })
            .collect();
    }
    Vec::new()
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
