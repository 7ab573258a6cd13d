//! What each target asks at a cut-off c with horizon H, and who it is asked of:
//! - purchase: did a user seen before c buy in [c, c+H)? (everyone seen before c)
//! - churn: did a user active in [c-H, c) do nothing in [c, c+H)? (the recently active)
//! - next-event: the class of a user's first event in [c, c+H) (those with one).

use super::request::Target;
use super::timeline::Events;

impl Target {
    /// Whether a user with `n` events before `cutoff` is asked at all.
    pub fn asks(self, ev: &Events, n: usize, cutoff: i64, horizon_ms: i64) -> bool {
        match self {
            Target::Purchase | Target::NextEvent => n > 0,
            Target::Churn => n > 0 && ev.ts[n - 1] >= cutoff - horizon_ms,
        }
    }

    /// The answer from the user's events in the window, or `None` where the target has none
    /// (a next event that never came).
    pub fn answer(self, ev: &Events, cutoff: i64, horizon_ms: i64) -> Option<u32> {
        let start = ev.before(cutoff);
        let end = ev.before(cutoff.saturating_add(horizon_ms));
        match self {
            Target::Purchase => Some(u32::from(ev.purchase[start..end].iter().any(|&p| p))),
            Target::Churn => Some(u32::from(start == end)),
            Target::NextEvent => (start < end).then(|| u32::from(ev.class[start])),
        }
    }

    /// The training examples of a cut-off: the asked users that have an answer.
    pub fn trains_on(self, ev: &Events, n: usize, cutoff: i64, horizon_ms: i64) -> Option<u32> {
        match self.asks(ev, n, cutoff, horizon_ms) {
            true => self.answer(ev, cutoff, horizon_ms),
            false => None,
        }
    }
}

/// The cut-offs the model learns from: one horizon before `at` (the latest whose answers all
/// lie before `at`), then back a quarter horizon at a time, while each keeps at least half a
/// horizon of history (the first always counts when anything happened before it). Overlapping
/// windows close to `at` teach more than a few far back, where customers were newer.
pub fn training_cutoffs(first_ts: i64, at: i64, horizon_ms: i64, most: usize) -> Vec<i64> {
    let step = (horizon_ms / 4).max(1);
    (0..most as i64)
        .map(|k| at - horizon_ms - k * step)
        .enumerate()
        .take_while(|&(k, c)| c > first_ts && (k == 0 || c - first_ts >= horizon_ms / 2))
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_step_back_a_quarter_horizon_while_history_remains() {
        let d = crate::time_units::DAY_MS;
        // CDNOW: first purchase 1997-01-01 (day 0), at day 273, horizon 90 days.
        assert_eq!(
            training_cutoffs(0, 273 * d, 90 * d, 4),
            [183 * d, 160 * d + d / 2, 138 * d, 115 * d + d / 2]
        );
        assert_eq!(training_cutoffs(0, 100 * d, 90 * d, 6), [10 * d]);
        assert!(training_cutoffs(0, 90 * d, 90 * d, 6).is_empty());
        assert_eq!(training_cutoffs(0, 20 * d, d, 2), [19 * d, 19 * d - d / 4]);
    }

    #[test]
    fn answers_read_only_the_window() {
        let ts = [0, 5, 12, 30];
        let class = [0, 1, 2, 1];
        let purchase = [false, true, false, true];
        let amount = [f32::NAN; 4];
        let ev = Events {
            ts: &ts,
            class: &class,
            purchase: &purchase,
            amount: &amount,
        };
        assert_eq!(Target::Purchase.answer(&ev, 10, 10), Some(0));
        assert_eq!(Target::Purchase.answer(&ev, 10, 25), Some(1));
        assert_eq!(Target::Churn.answer(&ev, 13, 10), Some(1));
        assert_eq!(Target::NextEvent.answer(&ev, 6, 10), Some(2));
        assert_eq!(Target::NextEvent.answer(&ev, 13, 10), None);
        assert!(!Target::Churn.asks(&ev, 2, 20, 10));
        assert!(Target::Churn.asks(&ev, 3, 20, 10));
    }
}
