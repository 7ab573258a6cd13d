//! A segment's profile: its size, the features where its members differ most from the other
//! accounts (as values, said in words by `words`), and fraud among its labelled members.

use serde::Serialize;

use crate::features::{FeatureTable, Matrix, Phrase, Unit};
use crate::log::Label;

/// How many traits a profile names at most.
const TRAITS: usize = 5;
/// The smallest standardised effect (Cohen's d) a trait has: a medium effect, below which a
/// segment is not told apart by the feature.
const MIN_EFFECT: f64 = 0.5;
/// The members' mean and the others' must differ by this share of the larger: a line that
/// reads "7% of events at night (other accounts 7%)" says nothing.
const MIN_RELATIVE_DIFFERENCE: f64 = 0.1;

/// One way a segment differs: its members' mean of a feature against the other accounts'.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trait {
    pub feature: String,
    pub phrase: Phrase,
    pub unit: Unit,
    pub inside: f32,
    /// The mean over the accounts outside the segment.
    pub rest: f32,
    /// The standardised effect size, members against the others: positive when the members
    /// have more.
    pub effect: f32,
}

#[derive(Clone, Debug, Serialize)]
pub struct SegmentProfile {
    pub segment: usize,
    pub size: usize,
    /// What sets the segment apart, the largest effect first.
    pub traits: Vec<Trait>,
    pub labelled: usize,
    pub fraud: usize,
    /// Fraud among the labelled members; NaN with none labelled.
    pub fraud_rate: f64,
}

/// Count, sum and sum of squares of values, inside the segment or outside it.
#[derive(Clone, Copy, Default)]
struct Moments {
    n: f64,
    sum: f64,
    sq: f64,
}

impl Moments {
    fn add(&mut self, v: f32) {
        let v = f64::from(v);
        self.n += 1.0;
        self.sum += v;
        self.sq += v * v;
    }

    fn mean(&self) -> f64 {
        if self.n > 0.0 {
            self.sum / self.n
        } else {
            f64::NAN
        }
    }

    /// The sum of squared deviations from the mean.
    fn deviations(&self) -> f64 {
        (self.sq - self.sum * self.sum / self.n.max(1.0)).max(0.0)
    }
}

/// Cohen's d of the segment against the others on standardised column `j`, and the raw means
/// (finite values only) inside and outside.
fn difference(account: &FeatureTable, x: &Matrix, inside: &[bool], j: usize) -> (f64, f64, f64) {
    let (mut z_in, mut z_out, mut raw_in, mut raw_out) = Default::default();
    for (r, &is_in) in inside.iter().enumerate() {
        let (z, raw): (&mut Moments, &mut Moments) = if is_in {
            (&mut z_in, &mut raw_in)
        } else {
            (&mut z_out, &mut raw_out)
        };
        z.add(x.get(r, j));
        let v = account.values.get(r, j);
        if v.is_finite() {
            raw.add(v);
        }
    }
    let pooled =
        ((z_in.deviations() + z_out.deviations()) / (z_in.n + z_out.n - 2.0).max(1.0)).sqrt();
    let d = if pooled > 1e-9 {
        (z_in.mean() - z_out.mean()) / pooled
    } else {
        0.0
    };
    (d, raw_in.mean(), raw_out.mean())
}

/// Whether two means read as different values.
fn apart(a: f64, b: f64) -> bool {
    a.is_finite()
        && b.is_finite()
        && (a - b).abs() >= MIN_RELATIVE_DIFFERENCE * a.abs().max(b.abs())
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
    let inside: Vec<bool> = assignments.iter().map(|&a| a == s).collect();
    let size = inside.iter().filter(|&&i| i).count();
    let mut traits: Vec<Trait> = (0..x.cols)
        .filter_map(|j| {
            let (d, mean_in, mean_out) = difference(account, x, &inside, j);
            (d.abs() >= MIN_EFFECT && apart(mean_in, mean_out)).then(|| {
                let spec = &account.specs[j];
                Trait {
                    feature: spec.name.clone(),
                    phrase: spec.phrase.clone(),
                    unit: spec.unit,
                    inside: mean_in as f32,
                    rest: mean_out as f32,
                    effect: d as f32,
                }
            })
        })
        .collect();
    traits.sort_by(|a, b| b.effect.abs().total_cmp(&a.effect.abs()));
    traits.truncate(TRAITS);
    let labelled: Vec<Label> = inside
        .iter()
        .enumerate()
        .filter(|&(_, &i)| i)
        .filter_map(|(r, _)| labels.get(r).copied())
        .filter(|l| l.is_known())
        .collect();
    let fraud = labelled.iter().filter(|l| l.is_fraud()).count();
    SegmentProfile {
        segment: s,
        size,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::FeatureSpec;

    fn table(columns: Vec<Vec<f32>>) -> FeatureTable {
        let specs = (0..columns.len())
            .map(|j| FeatureSpec {
                name: format!("f{j}"),
                phrase: Phrase::Named(format!("f{j}")),
                unit: Unit::Number,
            })
            .collect();
        FeatureTable {
            specs,
            values: Matrix::from_columns(&columns),
            rows: None,
        }
    }

    #[test]
    fn traits_are_the_large_effects_in_either_direction_and_never_equal_means() {
        // f0: the segment (first 4) is high; f1: low; f2: the same everywhere; f3: a tiny
        // difference that standardising would blow up.
        let t = table(vec![
            vec![9.0, 10.0, 11.0, 10.0, 1.0, 2.0, 1.0, 2.0],
            vec![0.0, 0.0, 1.0, 0.0, 5.0, 6.0, 5.0, 6.0],
            vec![3.0; 8],
            vec![1.0, 1.0, 1.0, 1.0, 1.01, 1.01, 1.01, 1.01],
        ]);
        let x = crate::segments::standardise::standardise(&t.values);
        let p = profile(&t, &x, &[0, 0, 0, 0, 1, 1, 1, 1], &[], 0);
        let names: Vec<&str> = p.traits.iter().map(|t| t.feature.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.contains(&"f0") && names.contains(&"f1"));
        let f1 = p.traits.iter().find(|t| t.feature == "f1").unwrap();
        assert!(f1.effect < 0.0 && f1.inside < f1.rest);
        assert_eq!((f1.inside, f1.rest), (0.25, 5.5));
    }
}
