//! Thresholds by cost: what a lead answers for is money, not precision and recall. Every row
//! (account or event) at or above the threshold is held for review, which costs `review`; a
//! legit one held also costs `blocked_legit` (a good customer stopped); a fraud below it costs
//! `missed`, a fixed loss or its own amount. The cost over every threshold is one sweep of the
//! labelled rows, riskiest first, and the threshold of least cost is where a lead would set it.

use std::str::FromStr;

use serde::Serialize;

use crate::log::Label;

/// What a fraud that is not flagged loses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedFraud {
    /// The same loss for each.
    Each(f64),
    /// Its own amount (an account's, the sum of its events').
    Amount,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Costs {
    pub missed: MissedFraud,
    pub review: f64,
    pub blocked_legit: f64,
}

impl Costs {
    /// What leaving the fraud of `amount` unflagged loses.
    fn missed_loss(&self, amount: f64) -> f64 {
        match self.missed {
            MissedFraud::Each(loss) => loss,
            // A fraud without an amount loses nothing that can be counted.
            MissedFraud::Amount if amount.is_finite() => amount,
            MissedFraud::Amount => 0.0,
        }
    }
}

/// `missed=200,review=5,blocked=20`, or `missed=amount,...`: each a cost in the team's
/// currency, none negative, all three given.
impl FromStr for Costs {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (mut missed, mut review, mut blocked) = (None, None, None);
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(format!(
                    "'{part}': expected KEY=VALUE (missed, review, blocked)"
                ));
            };
            let (key, value) = (key.trim(), value.trim());
            let number = || match value.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(format!(
                    "{key}={value}: expected a cost of 0 or more, such as {key}=20"
                )),
            };
            match key {
                "missed" if value == "amount" => missed = Some(MissedFraud::Amount),
                "missed" => missed = Some(MissedFraud::Each(number()?)),
                "review" => review = Some(number()?),
                "blocked" => blocked = Some(number()?),
                other => {
                    return Err(format!(
                        "'{other}': expected missed, review or blocked (e.g. missed=200,review=5,blocked=20)"
                    ));
                }
            }
        }
        match (missed, review, blocked) {
            (Some(missed), Some(review), Some(blocked_legit)) => Ok(Self {
                missed,
                review,
                blocked_legit,
            }),
            _ => Err(format!(
                "'{s}': expected all of missed, review and blocked (e.g. missed=200,review=5,blocked=20 or missed=amount,...)"
            )),
        }
    }
}

/// The cost of flagging every labelled row scoring `threshold` or more.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CostPoint {
    pub threshold: f32,
    /// Labelled rows flagged.
    pub flagged: usize,
    pub cost: f64,
}

/// The cost at every threshold that changes what is flagged, highest threshold first: the
/// first point flags nothing.
#[derive(Clone, Debug, Serialize)]
pub struct CostCurve {
    points: Vec<CostPoint>,
}

impl CostCurve {
    /// The curve of the rows with a known label: their `scores` (NaN: never flagged) and
    /// `amounts` (read when a missed fraud loses its amount).
    pub fn new(scores: &[f32], labels: &[Label], amounts: &[f64], costs: &Costs) -> Self {
        let mut rows: Vec<(f32, bool, f64)> = (0..scores.len())
            .filter(|&i| labels[i].is_known())
            .map(|i| {
                let amount = amounts.get(i).copied().unwrap_or(f64::NAN);
                (scores[i], labels[i].is_fraud(), amount)
            })
            .collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        // Nothing flagged: every fraud is missed.
        let mut cost: f64 = rows
            .iter()
            .filter(|r| r.1)
            .map(|r| costs.missed_loss(r.2))
            .sum();
        let top = rows.iter().map(|r| r.0).find(|s| s.is_finite());
        let mut points = vec![CostPoint {
            threshold: top.map_or(f32::INFINITY, |s| s.next_up()),
            flagged: 0,
            cost,
        }];
        let flaggable = rows.iter().filter(|r| r.0.is_finite()).count();
        let mut i = 0;
        while i < flaggable {
            // Rows of one score are flagged together.
            let score = rows[i].0;
            while i < flaggable && rows[i].0 == score {
                let (_, fraud, amount) = rows[i];
                cost += costs.review;
                cost += match fraud {
                    true => -costs.missed_loss(amount),
                    false => costs.blocked_legit,
                };
                i += 1;
            }
            points.push(CostPoint {
                threshold: score,
                flagged: i,
                cost,
            });
        }
        Self { points }
    }

    pub fn points(&self) -> &[CostPoint] {
        &self.points
    }

    /// What flagging the rows scoring `threshold` or more flags and costs.
    pub fn at(&self, threshold: f32) -> CostPoint {
        // The lowest point whose threshold is still at or above `threshold` flags the same
        // rows as it.
        let n = self.points.partition_point(|p| p.threshold >= threshold);
        CostPoint {
            threshold,
            ..self.points[n.saturating_sub(1)]
        }
    }

    /// The threshold of least cost (the highest of equals: fewer rows held for the same).
    pub fn minimum(&self) -> CostPoint {
        self.points
            .iter()
            .copied()
            .reduce(|best, p| if p.cost < best.cost { p } else { best })
            .unwrap_or(CostPoint {
                threshold: f32::INFINITY,
                flagged: 0,
                cost: 0.0,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scores k/100 for k in 0..100, each held by 100 rows of which k are fraud: a row's
    /// score is its chance of fraud.
    fn calibrated() -> (Vec<f32>, Vec<Label>) {
        let mut scores = Vec::new();
        let mut labels = Vec::new();
        for k in 0..100 {
            for j in 0..100 {
                scores.push(k as f32 / 100.0);
                labels.push(Label::of_fraud(j < k));
            }
        }
        (scores, labels)
    }

    #[test]
    fn the_least_cost_threshold_is_where_a_fraud_s_loss_outweighs_holding_the_row() {
        let (scores, labels) = calibrated();
        let costs: Costs = "missed=100,review=5,blocked=20".parse().unwrap();
        let curve = CostCurve::new(&scores, &labels, &[], &costs);
        let best = curve.minimum();
        // Holding a row of fraud chance p pays when p * 100 > 5 + (1 - p) * 20: p > 25/120.
        assert_eq!(best.threshold, 0.21);
        assert_eq!(best.flagged, 79 * 100);
        // No threshold on a fine grid costs less, counted directly.
        let direct = |t: f32| -> f64 {
            (0..scores.len())
                .map(|i| match (scores[i] >= t, labels[i].is_fraud()) {
                    (true, true) => 5.0,
                    (true, false) => 25.0,
                    (false, true) => 100.0,
                    (false, false) => 0.0,
                })
                .sum()
        };
        for step in 0..=1000 {
            let t = step as f32 / 1000.0;
            assert!((curve.at(t).cost - direct(t)).abs() < 1e-6, "at {t}");
            assert!(
                direct(t) >= best.cost - 1e-6,
                "{t} costs less than {best:?}"
            );
        }
        assert_eq!(curve.at(2.0).cost, direct(2.0));
        assert_eq!(curve.at(0.21).flagged, best.flagged);
    }

    #[test]
    fn a_missed_fraud_can_lose_its_amount_and_unlabelled_rows_do_not_count() {
        let scores = [0.9, 0.8, 0.7, 0.2, 0.5];
        let labels = [
            Label::Fraud,
            Label::Legit,
            Label::Fraud,
            Label::Fraud,
            Label::Unknown,
        ];
        let amounts = [10.0, 0.0, 300.0, 1.0, 1e9];
        let costs: Costs = "missed=amount,review=2,blocked=50".parse().unwrap();
        let curve = CostCurve::new(&scores, &labels, &amounts, &costs);
        let costs_by_flagged: Vec<(usize, f64)> =
            curve.points().iter().map(|p| (p.flagged, p.cost)).collect();
        assert_eq!(
            costs_by_flagged,
            [(0, 311.0), (1, 303.0), (2, 355.0), (3, 57.0), (4, 58.0)]
        );
        // Holding everything down to the 300 fraud, but not the 1 one.
        assert_eq!(curve.minimum().threshold, 0.7);
    }

    #[test]
    fn bad_cost_specifications_say_what_was_expected() {
        for (spec, expected) in [
            ("missed=100,review=5", "all of missed, review and blocked"),
            ("missed=-1,review=5,blocked=2", "a cost of 0 or more"),
            ("missed=lots,review=5,blocked=2", "missed=lots"),
            ("loss=1,review=5,blocked=2", "'loss'"),
            ("missed,review=5,blocked=2", "KEY=VALUE"),
        ] {
            let err = spec.parse::<Costs>().unwrap_err();
            assert!(err.contains(expected), "{spec}: {err}");
        }
    }
}
