//! A segment's profile: its size, the features where its members differ most from every
//! account (as values, said in words by `words`), and fraud among its labelled members.

use serde::Serialize;

use crate::features::{FeatureTable, Matrix, Phrase, Unit};
use crate::log::Label;

/// How many traits a profile names.
const TRAITS: usize = 3;
/// A segment's mean must be this many robust spreads from the population's to be a trait.
const MIN_TRAIT: f32 = 0.5;

/// One way a segment differs: its members' mean of a feature against every account's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trait {
    pub feature: String,
    pub phrase: Phrase,
    pub unit: Unit,
    pub inside: f32,
    pub everyone: f32,
}

#[derive(Clone, Debug, Serialize)]
pub struct SegmentProfile {
    pub segment: usize,
    pub size: usize,
    /// What sets the segment apart, furthest first.
    pub traits: Vec<Trait>,
    pub labelled: usize,
    pub fraud: usize,
    /// Fraud among the labelled members; NaN with none labelled.
    pub fraud_rate: f64,
}

/// The mean of the finite values (counts with many zeros have a median of 0 inside and outside
/// most segments; their means still differ).
fn mean(values: impl Iterator<Item = f32>) -> f32 {
    let (sum, n) = values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0usize), |(s, n), v| (s + v as f64, n + 1));
    if n == 0 {
        f32::NAN
    } else {
        (sum / n as f64) as f32
    }
}

/// The profile of segment `s`: `x` is `account` standardised, `assignments` each account's
/// segment.
pub(super) fn profile(
    account: &FeatureTable,
    x: &Matrix,
    assignments: &[usize],
    labels: &[Label],
    s: usize,
) -> SegmentProfile {
    let members: Vec<usize> = (0..x.rows).filter(|&r| assignments[r] == s).collect();
    // The features whose segment mean is furthest from the population's (standardised, so
    // the population's centre is about 0).
    let mut far: Vec<(usize, f32)> = (0..x.cols)
        .map(|j| {
            let mean =
                members.iter().map(|&r| x.get(r, j)).sum::<f32>() / members.len().max(1) as f32;
            (j, mean)
        })
        .filter(|&(_, m)| m.abs() >= MIN_TRAIT)
        .collect();
    far.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0)));
    let traits = far
        .into_iter()
        .take(TRAITS)
        .map(|(j, _)| {
            let spec = &account.specs[j];
            Trait {
                feature: spec.name.clone(),
                phrase: spec.phrase.clone(),
                unit: spec.unit,
                inside: mean(members.iter().map(|&r| account.values.get(r, j))),
                everyone: mean(account.values.column(j)),
            }
        })
        .collect();
    let labelled: Vec<Label> = members
        .iter()
        .filter_map(|&r| labels.get(r).copied())
        .filter(|l| l.is_known())
        .collect();
    let fraud = labelled.iter().filter(|l| l.is_fraud()).count();
    SegmentProfile {
        segment: s,
        size: members.len(),
        traits,
        labelled: labelled.len(),
        fraud,
        fraud_rate: if labelled.is_empty() {
            f64::NAN
        } else {
            fraud as f64 / labelled.len() as f64
        },
    }
}
