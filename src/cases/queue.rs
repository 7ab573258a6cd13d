//! The triage queue's order: riskiest first, most uncertain first (closest to the suspicious
//! threshold: the labels that teach the model most), or the two interleaved.

use serde::{Deserialize, Serialize};

use crate::log::UserCode;

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

/// The `candidates` in queue order by their `scores` (per user code). Ties keep code order,
/// so the queue is the same every time for the same scores.
pub fn order_queue(
    scores: &[f32],
    candidates: &[UserCode],
    threshold: f32,
    order: QueueOrder,
) -> Vec<UserCode> {
    let score = |u: UserCode| scores[u.index()];
    let by_score = || {
        let mut v = candidates.to_vec();
        v.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
        v
    };
    let by_doubt = || {
        let mut v = candidates.to_vec();
        let distance = |u: UserCode| (score(u) - threshold).abs();
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
                for u in [x, y] {
                    if !seen[u.index()] {
                        seen[u.index()] = true;
                        out.push(u);
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
        let all: Vec<UserCode> = UserCode::all(5).collect();
        let order = |candidates: &[UserCode], o| -> Vec<usize> {
            order_queue(&scores, candidates, 0.95, o)
                .into_iter()
                .map(UserCode::index)
                .collect()
        };
        assert_eq!(order(&all, QueueOrder::Score), [4, 1, 3, 2, 0]);
        assert_eq!(order(&all, QueueOrder::Uncertain), [1, 3, 4, 2, 0]);
        assert_eq!(order(&all, QueueOrder::Mixed), [4, 1, 3, 2, 0]);
        assert_eq!(order(&[all[0], all[2]], QueueOrder::Score), [2, 0]);
    }
}
