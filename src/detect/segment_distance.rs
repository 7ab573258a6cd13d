//! How far an account lies from the centre of its own segment (k-means on the scaled account
//! features), as one more feature a detector reads and a reason it may give. Unusual for its
//! peers is evidence that unusual for the whole population misses: a bargain hunter who
//! behaves like no other bargain hunter. The centres are part of the model, so a later window
//! is measured against the segments the model was trained with.

use serde::{Deserialize, Serialize};

use super::reasons::{MIN_DEVIATION, Reason, Says};
use crate::features::Matrix;
use crate::segments::kmeans;

/// Segments of the training accounts: as many as the segments view usually finds.
const SEGMENTS: usize = 8;
const RESTARTS: usize = 2;
/// Fewer training accounts than this per segment and no segments are fitted: the centres
/// would be accounts themselves.
const MIN_ROWS_PER_SEGMENT: usize = 10;
/// The feature's name, in reasons and model files.
pub const FEATURE: &str = "segment_distance";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SegmentDistance {
    /// Centres in the scaled feature space, one per segment.
    centres: Vec<Vec<f32>>,
    /// The training accounts' distances: median, robust spread and 99th percentile.
    median: f32,
    spread: f32,
    p99: f32,
}

impl SegmentDistance {
    /// Segments of the scaled training rows `xs` (scaled values are clipped, so a few extreme
    /// accounts cannot swamp the distances); `None` when there are too few rows.
    pub fn fit(xs: &Matrix, seed: u64) -> Option<Self> {
        if xs.rows < SEGMENTS * MIN_ROWS_PER_SEGMENT || xs.cols == 0 {
            return None;
        }
        let model = kmeans(xs, SEGMENTS, seed, RESTARTS);
        // A centre that only a few strays chose is not a segment: those strays are measured
        // against the real segments instead.
        let mut members = vec![0usize; model.centres.rows];
        for &a in &model.assignments {
            members[a] += 1;
        }
        let min_members = MIN_ROWS_PER_SEGMENT.max(xs.rows / 200);
        let centres: Vec<Vec<f32>> = (0..model.centres.rows)
            .filter(|&c| members[c] >= min_members)
            .map(|c| model.centres.row(c).to_vec())
            .collect();
        if centres.is_empty() {
            return None;
        }
        let mut fitted = Self {
            centres,
            median: 0.0,
            spread: 1.0,
            p99: 0.0,
        };
        let mut d = fitted.distances(xs);
        d.sort_by(f32::total_cmp);
        let at = |q: f64| d[((d.len() - 1) as f64 * q).round() as usize];
        fitted.median = at(0.5);
        // The spread between the quartiles, as a standard deviation would be for a normal.
        fitted.spread = ((at(0.75) - at(0.25)) / 1.349).max(1e-6);
        fitted.p99 = at(0.99);
        Some(fitted)
    }

    /// Each scaled row's distance from its nearest centre.
    pub fn distances(&self, xs: &Matrix) -> Vec<f32> {
        (0..xs.rows).map(|r| self.distance(xs.row(r))).collect()
    }

    /// A scaled row's distance from its nearest centre.
    fn distance(&self, row: &[f32]) -> f32 {
        self.centres
            .iter()
            .map(|c| {
                c.iter()
                    .zip(row)
                    .map(|(a, b)| (a - b) * (a - b))
                    .sum::<f32>()
            })
            .fold(f32::INFINITY, f32::min)
            .sqrt()
    }

    /// Robust spreads from the training accounts' median distance.
    fn deviation(&self, distance: f32) -> f32 {
        (distance - self.median) / self.spread
    }

    /// `xs` with the deviation of each row's distance as one more column.
    pub fn append_column(&self, xs: &Matrix) -> Matrix {
        let column: Vec<f32> = self
            .distances(xs)
            .into_iter()
            .map(|d| self.deviation(d))
            .collect();
        xs.hstack(&Matrix::from_columns(&[column]))
    }

    /// The reason to give for a scaled row, when its distance is beyond the training accounts'
    /// normal range: "18.2 from the centre of its segment (normal ≤ 6.5)".
    pub fn reason(&self, scaled_row: &[f32]) -> Option<Reason> {
        let distance = self.distance(scaled_row);
        let deviation = self.deviation(distance);
        (deviation >= MIN_DEVIATION && distance > self.p99).then(|| Reason {
            feature: FEATURE.to_string(),
            says: Says::AwayFromSegment {
                distance,
                normal_max: self.p99,
            },
            deviation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tight groups far apart, and one row between them belonging to neither.
    fn two_groups_and_a_stray() -> Matrix {
        let mut columns = vec![Vec::new(), Vec::new()];
        for i in 0..200 {
            let jitter = (i % 10) as f32 * 0.01;
            let (x, y) = if i % 2 == 0 { (0.0, 0.0) } else { (8.0, 0.0) };
            columns[0].push(x + jitter);
            columns[1].push(y + jitter);
        }
        columns[0].push(4.0);
        columns[1].push(9.0);
        Matrix::from_columns(&columns)
    }

    #[test]
    fn a_row_between_the_segments_is_far_from_every_centre() {
        let x = two_groups_and_a_stray();
        let s = SegmentDistance::fit(&x, 1).unwrap();
        let d = s.distances(&x);
        let stray = d[x.rows - 1];
        assert!(
            d[..x.rows - 1].iter().all(|&v| v < 1.0),
            "members sit at their centres"
        );
        assert!(stray > 9.0, "{stray}");
        let reason = s.reason(x.row(x.rows - 1)).expect("the stray is said");
        assert_eq!(reason.feature, FEATURE);
        assert!(
            reason
                .to_string()
                .contains("from the centre of its segment")
        );
        assert!(s.reason(x.row(0)).is_none(), "a member is not");
        let with = s.append_column(&x);
        assert_eq!(with.cols, x.cols + 1);
        assert!(with.get(x.rows - 1, 2) > with.get(0, 2));
    }

    #[test]
    fn too_few_accounts_fit_no_segments() {
        let x = Matrix::from_columns(&[vec![0.0; 20], vec![1.0; 20]]);
        assert!(SegmentDistance::fit(&x, 1).is_none());
    }
}
