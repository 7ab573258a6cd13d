//! A feature's value written for an analyst, by its unit: counts whole, shares as
//! percentages, durations in the unit that reads best, money to the cent.

use rust_i18n::t;

use super::language::Language;
use crate::features::Unit;
use crate::time_units::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS};

/// `v` written as `unit` says, in `language`.
pub fn value(unit: Unit, v: f32, language: Language) -> String {
    if !v.is_finite() {
        return t!("unit.none", locale = language.code()).into_owned();
    }
    match unit {
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Share => format!("{:.0}%", v * 100.0),
        Unit::Secs => duration(v, language),
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

/// Seconds in `ms` milliseconds.
const fn secs(ms: i64) -> f32 {
    (ms / SECOND_MS) as f32
}

/// Seconds in the unit that reads best: `250 ms`, `90 min`, `3.0 d`; a unit is used up to
/// twice the next one.
fn duration(s: f32, language: Language) -> String {
    let (minute, hour, day) = (secs(MINUTE_MS), secs(HOUR_MS), secs(DAY_MS));
    let locale = language.code();
    let a = s.abs();
    if a < 1.0 {
        t!("unit.ms", locale = locale, v = format!("{:.0}", s * 1000.0)).into_owned()
    } else if a < 2.0 * minute {
        t!("unit.s", locale = locale, v = format!("{s:.0}")).into_owned()
    } else if a < 2.0 * hour {
        t!(
            "unit.min",
            locale = locale,
            v = format!("{:.0}", s / minute)
        )
        .into_owned()
    } else if a < 2.0 * day {
        t!("unit.h", locale = locale, v = format!("{:.1}", s / hour)).into_owned()
    } else {
        t!("unit.d", locale = locale, v = format!("{:.1}", s / day)).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_an_analyst_writes_them() {
        let en = Language::English;
        assert_eq!(value(Unit::Share, 0.625, en), "62%");
        assert_eq!(value(Unit::Secs, 0.25, en), "250 ms");
        assert_eq!(value(Unit::Secs, 5400.0, en), "90 min");
        let three_days = 3.0 * secs(DAY_MS);
        assert_eq!(value(Unit::Secs, three_days, en), "3.0 d");
        assert_eq!(value(Unit::Count, f32::NAN, en), "n/a");
        let zh = Language::Chinese;
        assert_eq!(value(Unit::Secs, 5400.0, zh), "90 分钟");
        assert_eq!(value(Unit::Secs, three_days, zh), "3.0 天");
    }
}
