//! What a feature means, so that a reason reads "8 events in 1 min (normal ≤ 1)" rather than
//! "peak_1min z=7.3".

use serde::{Deserialize, Serialize};

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

impl Unit {
    pub fn format(self, v: f32) -> String {
        if !v.is_finite() {
            return "n/a".into();
        }
        match self {
            Unit::Count => format!("{}", v.round() as i64),
            Unit::Share => format!("{:.0}%", v * 100.0),
            Unit::Secs => format_secs(v),
            Unit::Money => format!("{v:.2}"),
            Unit::Number => {
                if v.abs() >= 100.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            }
        }
    }
}

fn format_secs(s: f32) -> String {
    let a = s.abs();
    if a < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if a < 120.0 {
        format!("{s:.0} s")
    } else if a < 7200.0 {
        format!("{:.0} min", s / 60.0)
    } else if a < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86_400.0)
    }
}

/// One feature column: a stable name (model files refer to it) and how to say its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    pub name: String,
    /// A phrase with one `{}` where the formatted value goes, e.g. "{} events in 1 min".
    pub phrase: String,
    pub unit: Unit,
}

impl FeatureSpec {
    pub fn new(name: impl Into<String>, phrase: impl Into<String>, unit: Unit) -> Self {
        Self {
            name: name.into(),
            phrase: phrase.into(),
            unit,
        }
    }

    /// The phrase with `v` written in.
    pub fn say(&self, v: f32) -> String {
        self.phrase.replacen("{}", &self.unit.format(v), 1)
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
                None => FeatureSpec::new(n.clone(), "{}", Unit::Number),
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
        phrase: &str,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_read_like_an_analyst_writes() {
        let f = FeatureSpec::new("peak_1min", "{} events in 1 min", Unit::Count);
        assert_eq!(f.say(8.0), "8 events in 1 min");
        assert_eq!(Unit::Share.format(0.625), "62%");
        assert_eq!(Unit::Secs.format(0.25), "250 ms");
        assert_eq!(Unit::Secs.format(5400.0), "90 min");
        assert_eq!(Unit::Secs.format(3.0 * 86_400.0), "3.0 d");
        assert_eq!(Unit::Count.format(f32::NAN), "n/a");
    }
}
