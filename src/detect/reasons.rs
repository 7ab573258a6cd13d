//! Why an account or an event scored as it did, as values: its features furthest from the
//! training population with the bound they pass, an entity's record of confirmed fraud, the
//! distance from its own segment, the lists and rules hitting it. `words` says each in the
//! analyst's language ("8 events in 1 min (normal ≤ 1)").

use serde::{Deserialize, Serialize};

use crate::features::{FeatureSpec, Phrase, Scaler, Unit, Window};
use crate::rules::{ListKind, RuleAction};

/// Deviations smaller than this many robust spreads are not worth an analyst's attention.
pub(super) const MIN_DEVIATION: f32 = 2.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The feature (or `rule:NAME`, `list:ROLE`, `segment_distance`) it is about.
    pub feature: String,
    /// Signed distance from the median, in robust spreads: what reasons are ranked by.
    pub deviation: f32,
    pub says: Says,
}

/// What a reason says, with its numbers and names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Says {
    /// The feature's `value` lies past `edge`, the bound of the training population's values
    /// that `bound` names.
    Beyond {
        phrase: Phrase,
        unit: Unit,
        value: f32,
        edge: f32,
        bound: Bound,
    },
    /// Something the event touches has a record of confirmed fraud: `share` of its confirmed
    /// events in the last `window` were fraud, `confirmed` (fraud, all) over 30 days.
    FraudRecord {
        of: FraudOf,
        share: f32,
        window: Window,
        confirmed: Option<(f32, f32)>,
    },
    /// The account lies `distance` from the centre of its own segment, beyond `normal_max`.
    AwayFromSegment { distance: f32, normal_max: f32 },
    /// A value of the account's events is on an allow or block list.
    Listed {
        kind: ListKind,
        role: String,
        value: String,
    },
    /// The behaviour model gave what the event did a chance of `chance`, having read the
    /// account's `after` earlier events with it.
    Unexpected {
        what: Unexpected,
        chance: f32,
        after: u32,
    },
    /// A saved rule hits the account.
    Rule {
        name: String,
        action: RuleAction,
        expression: String,
    },
}

/// Which part of an event the behaviour model did not expect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Unexpected {
    /// An event of this type.
    Type { name: String },
    /// Its amount.
    Amount { amount: f32 },
    /// The time since the account's previous event.
    Gap { secs: f32 },
    /// A value of this entity role the account had not used in the events read with it.
    NewValue { role: String, value: String },
}

/// Which bound of the training population a value passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bound {
    /// Above the normal range (the 99th percentile).
    NormalMax,
    /// Below the normal range (the 1st percentile).
    NormalMin,
    /// Beyond the typical value (the median), for a rare flag never past the normal range.
    Typical,
}

/// Whose record of confirmed fraud an event reason speaks of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FraudOf {
    /// The event's own account.
    Account,
    /// Its event type.
    EventType(String),
    /// The value it carries in an entity column: "seller s012".
    Entity { role: String, value: String },
    /// That value's events of the same type: "seller s012, pay events".
    EntityForEventType {
        role: String,
        value: String,
        event: String,
    },
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

    /// The bound `v` must pass, on the side of `z`.
    fn bound(self, z: f32) -> Bound {
        match (self, z > 0.0) {
            (Bar::OutsideNormal, true) => Bound::NormalMax,
            (Bar::OutsideNormal, false) => Bound::NormalMin,
            (Bar::BeyondTypical, _) => Bound::Typical,
        }
    }

    /// The value of the bound for feature `j`.
    fn edge(self, scaler: &Scaler, j: usize, z: f32) -> f32 {
        match self.bound(z) {
            Bound::NormalMax => scaler.p99[j],
            Bound::NormalMin => scaler.p01[j],
            Bound::Typical => scaler.p50[j],
        }
    }

    /// Whether value `v` of feature `j`, `z` robust spreads from the centre, is worth saying:
    /// far from the centre, and past the edge the sentence quotes.
    pub(super) fn clears(self, scaler: &Scaler, j: usize, v: f32, z: f32) -> bool {
        let edge = self.edge(scaler, j, z);
        z.abs() >= MIN_DEVIATION && if z > 0.0 { v > edge } else { v < edge }
    }

    /// What feature `spec` (column `j`) with value `v`, `z` spreads out, says.
    pub(super) fn says(
        self,
        spec: &FeatureSpec,
        scaler: &Scaler,
        j: usize,
        v: f32,
        z: f32,
    ) -> Says {
        Says::Beyond {
            phrase: spec.phrase.clone(),
            unit: spec.unit,
            value: v,
            edge: self.edge(scaler, j, z),
            bound: self.bound(z),
        }
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
                says: bar.says(&specs[j], scaler, j, row[j], z),
                deviation: z,
            })
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::Matrix;

    #[test]
    fn the_furthest_feature_comes_first_with_its_bound() {
        let specs = vec![
            FeatureSpec::new("peak_1min", Phrase::PeakMinute, Unit::Count),
            FeatureSpec::new("amount_max", Phrase::AmountMax, Unit::Money),
        ];
        let mut a: Vec<f32> = (0..200).map(|i| (i % 2) as f32).collect();
        a[0] = 1.0;
        let b: Vec<f32> = (0..200).map(|i| 50.0 + (i % 7) as f32).collect();
        let scaler = Scaler::fit(&Matrix::from_columns(&[a, b]));
        let r = reasons_for(&specs, &scaler, &[8.0, 52.0], 3);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].feature, "peak_1min");
        assert_eq!(
            r[0].says,
            Says::Beyond {
                phrase: Phrase::PeakMinute,
                unit: Unit::Count,
                value: 8.0,
                edge: 1.0,
                bound: Bound::NormalMax,
            }
        );
    }
}
