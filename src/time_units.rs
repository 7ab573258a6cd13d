//! Lengths of time in milliseconds, the unit of every timestamp and duration in Vigil: one
//! home, so a day is defined once.

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// How many (UTC) calendar days run from `first_ms` to `last_ms`, both included (0 when
/// `last_ms` is before `first_ms`).
pub fn days_spanned(first_ms: i64, last_ms: i64) -> u32 {
    if last_ms < first_ms {
        return 0;
    }
    (last_ms.div_euclid(DAY_MS) - first_ms.div_euclid(DAY_MS) + 1).clamp(0, i64::from(u32::MAX))
        as u32
}

/// `ms` in days, for figures said in days (a horizon, a history's length).
pub fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}
