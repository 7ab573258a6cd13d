//! A feature's value written for an analyst, by its unit: counts whole, shares as
//! percentages, durations in the unit that reads best, money to the cent.

use rust_i18n::t;

use crate::features::Unit;
use crate::language::Language;
use crate::time_units::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS};

/// `v` written as `unit` says, in `language`.
pub fn value(unit: Unit, v: f32, language: Language) -> String {
    value_with(unit, v, language, 0)
}

/// Two values written with the fewest extra decimals (up to 3) that keep them apart, so that
/// "0.6 against 1.4" never reads as "1 against 1".
pub fn two_values(unit: Unit, a: f32, b: f32, language: Language) -> (String, String) {
    let written = |extra| {
        (
            value_with(unit, a, language, extra),
            value_with(unit, b, language, extra),
        )
    };
    (0..=3)
        .map(written)
        .find(|(a, b)| a != b)
        .unwrap_or_else(|| written(0))
}

/// `v` as `unit` says, with `extra` decimals beyond the usual.
fn value_with(unit: Unit, v: f32, language: Language, extra: usize) -> String {
    if !v.is_finite() {
        return t!("unit.none", locale = language.code()).into_owned();
    }
    match unit {
        Unit::Count if extra == 0 => format!("{}", v.round() as i64),
        Unit::Count => format!("{v:.extra$}"),
        Unit::Share => format!("{:.extra$}%", v * 100.0),
        Unit::Secs => duration(v, language, extra),
        Unit::Money => format!("{v:.0$}", 2 + extra),
        Unit::Number => {
            if v.abs() >= 100.0 {
                format!("{v:.extra$}")
            } else {
                format!("{v:.0$}", 2 + extra)
            }
        }
    }
}

/// Seconds in `ms` milliseconds.
const fn secs(ms: i64) -> f32 {
    (ms / SECOND_MS) as f32
}

/// Seconds in the unit that reads best: `250 ms`, `90 min`, `3.0 d`; a unit is used up to
/// twice the next one. `extra` decimals beyond the usual.
fn duration(s: f32, language: Language, extra: usize) -> String {
    let (minute, hour, day) = (secs(MINUTE_MS), secs(HOUR_MS), secs(DAY_MS));
    let locale = language.code();
    let a = s.abs();
    let (whole, tenths) = (extra, 1 + extra);
    if a < 1.0 {
        let v = format!("{:.whole$}", s * 1000.0);
        t!("unit.ms", locale = locale, v = v).into_owned()
    } else if a < 2.0 * minute {
        t!("unit.s", locale = locale, v = format!("{s:.whole$}")).into_owned()
    } else if a < 2.0 * hour {
        let v = format!("{:.whole$}", s / minute);
        t!("unit.min", locale = locale, v = v).into_owned()
    } else if a < 2.0 * day {
        let v = format!("{:.tenths$}", s / hour);
        t!("unit.h", locale = locale, v = v).into_owned()
    } else {
        let v = format!("{:.tenths$}", s / day);
        t!("unit.d", locale = locale, v = v).into_owned()
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

    #[test]
    fn two_values_get_the_decimals_that_keep_them_apart() {
        let en = Language::English;
        let two = |unit, a, b| two_values(unit, a, b, en);
        assert_eq!(two(Unit::Count, 3.0, 12.0), ("3".into(), "12".into()));
        assert_eq!(two(Unit::Count, 0.6, 1.4), ("0.6".into(), "1.4".into()));
        assert_eq!(
            two(Unit::Share, 0.071, 0.068),
            ("7.1%".into(), "6.8%".into())
        );
        assert_eq!(two(Unit::Secs, 5.0, 5.4), ("5.0 s".into(), "5.4 s".into()));
        // Equal values stay equal: nothing to keep apart.
        assert_eq!(two(Unit::Money, 2.0, 2.0), ("2.00".into(), "2.00".into()));
    }
}
