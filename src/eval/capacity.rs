//! Thresholds by review capacity. A team reviews so many accounts a day; each day's queue holds
//! the accounts active that day whose score is at or above the threshold. So a threshold flags
//! (on average) the sum of the active days of the accounts above it, divided by the days: the
//! threshold for a capacity is found by walking the accounts riskiest first while their active
//! days stay within it. The capacity is a ceiling: where the model finds fewer accounts
//! suspicious, its own thresholds stand.

use crate::risk::Thresholds;

/// The high threshold flags this share of what the suspicious one does.
pub const HIGH_SHARE: f64 = 0.1;

/// Accounts' scores with how many days each was active, over a span of days.
pub struct DailyFlags {
    /// (score, active days), riskiest first.
    by_score: Vec<(f32, u32)>,
    /// Over how many days they were counted.
    days: u32,
}

impl DailyFlags {
    /// `scores` and `active_days` per account (an account active on no day never flags), over
    /// `days` days (at least one).
    pub fn new(scores: &[f32], active_days: &[u32], days: u32) -> Self {
        let mut by_score: Vec<(f32, u32)> = scores
            .iter()
            .zip(active_days)
            .filter(|&(s, &d)| d > 0 && s.is_finite())
            .map(|(&s, &d)| (s, d))
            .collect();
        by_score.sort_by(|a, b| b.0.total_cmp(&a.0));
        Self { by_score, days }
    }

    /// Over how many days the accounts were counted.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// The days to average over: at least one.
    fn averaged_over(&self) -> f64 {
        f64::from(self.days.max(1))
    }

    /// How many accounts a day `threshold` flags, on average over the days.
    pub fn per_day(&self, threshold: f32) -> f64 {
        let days: u64 = self
            .by_score
            .iter()
            .take_while(|(s, _)| *s >= threshold)
            .map(|&(_, d)| u64::from(d))
            .sum();
        days as f64 / self.averaged_over()
    }

    /// The lowest threshold that flags at most `per_day` accounts a day (above every score
    /// when the riskiest accounts alone flag more; the lowest score when all of them flag
    /// fewer; 1.0 when there is none). Accounts of one score are flagged together or not at all.
    pub fn threshold_for(&self, per_day: f64) -> f32 {
        let wanted = per_day * self.averaged_over();
        let Some(&(top, _)) = self.by_score.first() else {
            return 1.0;
        };
        let (mut threshold, mut days) = (top.next_up(), 0.0);
        let mut i = 0;
        while i < self.by_score.len() {
            let score = self.by_score[i].0;
            let tied = self.by_score[i..].iter().take_while(|(s, _)| *s == score);
            let (count, tied_days) =
                tied.fold((0, 0.0), |(n, d), &(_, x)| (n + 1, d + f64::from(x)));
            if days + tied_days > wanted {
                break;
            }
            (threshold, days, i) = (score, days + tied_days, i + count);
        }
        threshold
    }

    /// The thresholds for a team reviewing `capacity` accounts a day: the suspicious one flags
    /// at most that many, the high one at most a tenth of them, and neither is below the
    /// model's `own`: a day is not filled with accounts the model finds unremarkable, which
    /// would teach the team to ignore the flag.
    pub fn thresholds(&self, capacity: usize, own: Thresholds) -> Thresholds {
        let suspicious = self.threshold_for(capacity as f64).max(own.suspicious);
        let high = self
            .threshold_for(capacity as f64 * HIGH_SHARE)
            .max(own.high);
        Thresholds {
            suspicious,
            high: high.max(suspicious),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_flags_the_active_days_of_the_accounts_above_it() {
        // Four accounts over ten days: the riskiest active on 10 days, the next on 5, ...
        let flags = DailyFlags::new(&[0.9, 0.8, 0.7, 0.1], &[10, 5, 5, 10], 10);
        assert_eq!(flags.per_day(0.85), 1.0);
        assert_eq!(flags.per_day(0.75), 1.5);
        assert_eq!(flags.per_day(0.0), 3.0);
        assert_eq!(flags.threshold_for(1.0), 0.9);
        assert_eq!(flags.threshold_for(1.2), 0.9, "at most 1.2 a day");
        assert_eq!(flags.threshold_for(2.0), 0.7);
        assert_eq!(flags.threshold_for(9.0), 0.1, "all of them are too few");
        assert!(
            flags.threshold_for(0.5) > 0.9,
            "the riskiest alone flag too many"
        );
        let none = Thresholds {
            suspicious: 0.0,
            high: 0.0,
        };
        let t = flags.thresholds(2, none);
        assert_eq!(t.suspicious, 0.7);
        assert!(t.high > 0.9, "a tenth of 2 a day is no account");
        // The model's own thresholds flag fewer: they stand.
        let own = Thresholds {
            suspicious: 0.85,
            high: 0.95,
        };
        assert_eq!(flags.thresholds(2, own), own);
        let ties = DailyFlags::new(&[0.9, 0.9, 0.5], &[1, 1, 1], 1);
        assert_eq!(
            ties.threshold_for(1.0),
            0.9f32.next_up(),
            "ties go together"
        );
    }

    #[test]
    fn an_account_never_active_or_unscored_never_flags() {
        let flags = DailyFlags::new(&[0.9, f32::NAN, 0.5], &[0, 3, 3], 3);
        assert_eq!(flags.per_day(0.0), 1.0);
        assert_eq!(DailyFlags::new(&[], &[], 0).threshold_for(5.0), 1.0);
    }
}
