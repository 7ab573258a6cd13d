//! The triage queue's order: riskiest first, most uncertain first (closest to the suspicious
//! threshold: the labels that teach the model most), or the two interleaved.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueOrder {
    #[default]
    Score,
    Uncertain,
    Mixed,
}

impl QueueOrder {
    pub const ALL: [QueueOrder; 3] = [QueueOrder::Score, QueueOrder::Uncertain, QueueOrder::Mixed];

    pub fn name(self) -> &'static str {
        match self {
            QueueOrder::Score => "score",
            QueueOrder::Uncertain => "uncertain",
            QueueOrder::Mixed => "mixed",
        }
    }
}

/// The indices of `scores` among `candidates`, in queue order. Ties keep index order, so the
/// queue is the same every time for the same scores.
pub fn order_queue(
    scores: &[f32],
    candidates: &[usize],
    threshold: f32,
    order: QueueOrder,
) -> Vec<usize> {
    let by_score = || {
        let mut v = candidates.to_vec();
        v.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        v
    };
    let by_doubt = || {
        let mut v = candidates.to_vec();
        let distance = |i: usize| (scores[i] - threshold).abs();
        v.sort_by(|&a, &b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b)));
        v
    };
    match order {
        QueueOrder::Score => by_score(),
        QueueOrder::Uncertain => by_doubt(),
        QueueOrder::Mixed => {
            let (a, b) = (by_score(), by_doubt());
            let mut seen = vec![false; scores.len()];
            let mut out = Vec::with_capacity(a.len());
            for (x, y) in a.into_iter().zip(b) {
                for i in [x, y] {
                    if !seen[i] {
                        seen[i] = true;
                        out.push(i);
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_orders() {
        let scores = [0.1, 0.96, 0.5, 0.93, 0.99];
        let all: Vec<usize> = (0..5).collect();
        assert_eq!(
            order_queue(&scores, &all, 0.95, QueueOrder::Score),
            [4, 1, 3, 2, 0]
        );
        assert_eq!(
            order_queue(&scores, &all, 0.95, QueueOrder::Uncertain),
            [1, 3, 4, 2, 0]
        );
        assert_eq!(
            order_queue(&scores, &all, 0.95, QueueOrder::Mixed),
            [4, 1, 3, 2, 0]
        );
        assert_eq!(
            order_queue(&scores, &[0, 2], 0.95, QueueOrder::Score),
            [2, 0]
        );
    }
}
