//! What a feature is: a stable name, what it means (`Phrase`) and how its value is written
//! (`Unit`), so that a reason reads "8 events in 1 min (normal ≤ 1)" rather than
//! "peak_1min z=7.3".

use serde::{Deserialize, Serialize};

use super::phrase::Phrase;

/// How a feature's value is written for an analyst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Count,
    /// A fraction in [0, 1], written as a percentage.
    Share,
    Secs,
    Money,
    /// A plain number (ratios, z-scores, rates per day).
    Number,
}

/// One feature column: a stable name (model files refer to it), what it means and the unit of
/// its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    pub name: String,
    pub phrase: Phrase,
    pub unit: Unit,
}

impl FeatureSpec {
    pub fn new(name: impl Into<String>, phrase: Phrase, unit: Unit) -> Self {
        Self {
            name: name.into(),
            phrase,
            unit,
        }
    }
}

/// Feature columns with what each means: one row per user (account features) or per event.
#[derive(Clone, Debug)]
pub struct FeatureTable {
    pub specs: Vec<FeatureSpec>,
    pub values: super::Matrix,
    /// The events the rows stand for, ascending, when the table holds only some of them (a
    /// training sample); `None` when row `i` is event (or user) `i`.
    pub rows: Option<Vec<u32>>,
}

impl FeatureTable {
    /// This table's columns rearranged to `names`; a name it lacks becomes a column of NaN
    /// (which scaling treats as typical). Returns the table and the names it lacked.
    pub fn aligned_to(&self, names: &[String]) -> (FeatureTable, Vec<String>) {
        let mut missing = Vec::new();
        let source: Vec<Option<usize>> = names
            .iter()
            .map(|n| {
                let j = self.specs.iter().position(|s| &s.name == n);
                if j.is_none() {
                    missing.push(n.clone());
                }
                j
            })
            .collect();
        let rows = self.values.rows;
        let mut values = super::Matrix::zeros(rows, names.len());
        for i in 0..rows {
            let from = self.values.row(i);
            for (k, j) in source.iter().enumerate() {
                values.data[i * names.len() + k] = j.map_or(f32::NAN, |j| from[j]);
            }
        }
        let specs = names
            .iter()
            .zip(&source)
            .map(|(n, j)| match j {
                Some(j) => self.specs[*j].clone(),
                None => FeatureSpec::new(n.clone(), Phrase::Named(n.clone()), Unit::Number),
            })
            .collect();
        (
            FeatureTable {
                specs,
                values,
                rows: self.rows.clone(),
            },
            missing,
        )
    }
}

/// Collects feature columns in order, then packs them into a row-major table.
#[derive(Default)]
pub(crate) struct TableBuilder {
    specs: Vec<FeatureSpec>,
    columns: Vec<Vec<f32>>,
}

impl TableBuilder {
    pub(crate) fn push(
        &mut self,
        name: impl Into<String>,
        phrase: Phrase,
        unit: Unit,
        values: Vec<f32>,
    ) {
        self.specs.push(FeatureSpec::new(name, phrase, unit));
        self.columns.push(values);
    }

    pub(crate) fn finish(self) -> FeatureTable {
        FeatureTable {
            values: super::Matrix::from_columns(&self.columns),
            specs: self.specs,
            rows: None,
        }
    }
}
