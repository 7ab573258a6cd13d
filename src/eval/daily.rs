//! Precision of the top-k accounts per day: each day, the k accounts whose riskiest event that
//! day scores highest are what a team would review; the share of them with a fraud event that
//! day, averaged over the days (the "card precision@k" of the fraud-detection literature).

use crate::time_units::DAY_MS;
use std::collections::BTreeMap;

/// One scored event: its time, its account, its score and whether it really was fraud.
#[derive(Clone, Copy, Debug)]
pub struct ScoredEvent {
    pub ts_ms: i64,
    pub user: u32,
    pub score: f32,
    pub fraud: bool,
}

/// The mean over days of the share of fraud accounts among the day's `k` riskiest (fewer on a
/// day with fewer accounts); NaN without a day.
pub fn daily_top_k_precision(events: &[ScoredEvent], k: usize) -> f64 {
    // Per day, per account: its riskiest score and whether it had a fraud event.
    let mut days: BTreeMap<i64, BTreeMap<u32, (f32, bool)>> = BTreeMap::new();
    for e in events {
        let day = e.ts_ms.div_euclid(DAY_MS);
        let score = if e.score.is_finite() { e.score } else { 0.0 };
        let slot = days
            .entry(day)
            .or_default()
            .entry(e.user)
            .or_insert((score, false));
        slot.0 = slot.0.max(score);
        slot.1 |= e.fraud;
    }
    let mut sum = 0.0;
    let mut counted = 0usize;
    for accounts in days.values() {
        let mut ranked: Vec<(f32, bool, u32)> =
            accounts.iter().map(|(&u, &(s, f))| (s, f, u)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        let top = &ranked[..k.min(ranked.len())];
        if top.is_empty() {
            continue;
        }
        sum += top.iter().filter(|a| a.1).count() as f64 / top.len() as f64;
        counted += 1;
    }
    if counted == 0 {
        f64::NAN
    } else {
        sum / counted as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_accounts_of_each_day() {
        let e = |day: i64, user: u32, score: f32, fraud: bool| ScoredEvent {
            ts_ms: day * DAY_MS + 1000,
            user,
            score,
            fraud,
        };
        let events = [
            // Day 0: the top account is fraud, the second is not.
            e(0, 1, 0.9, true),
            e(0, 1, 0.1, false),
            e(0, 2, 0.8, false),
            e(0, 3, 0.2, true),
            // Day 1: one account, fraud.
            e(1, 4, 0.5, true),
        ];
        assert!((daily_top_k_precision(&events, 2) - (0.5 + 1.0) / 2.0).abs() < 1e-9);
        assert!((daily_top_k_precision(&events, 1) - 1.0).abs() < 1e-9);
        assert!(daily_top_k_precision(&[], 5).is_nan());
    }
}
