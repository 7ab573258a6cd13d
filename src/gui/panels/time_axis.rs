//! A time axis that reads: marks at whole minutes, hours or days, far enough apart for their
//! labels (plot units are seconds since the epoch), each label as short as its step allows
//! ("14:30", or the day at midnight and for steps of a day or more), in the window's language.

use egui_plot::{GridInput, GridMark};

use crate::gui::i18n::Language;
use crate::time_units::DAY_MS;

/// The steps marks may take, in seconds: whole minutes, hours, days, weeks, months.
const STEPS_S: [i64; 15] = [
    60,
    5 * 60,
    15 * 60,
    30 * 60,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    30 * 86_400,
    91 * 86_400,
    365 * 86_400,
];

/// How far apart (points) marks must be: a day's label ("10月11日") with room on both sides.
const LABEL_GAP_PT: f64 = 110.0;

/// The plot's default minimum grid spacing (points), which `GridInput::base_step_size` is
/// measured in.
const GRID_MIN_PT: f64 = 8.0;

/// Marks at the smallest whole step that keeps labels `LABEL_GAP_PT` apart.
pub fn marks(input: GridInput) -> Vec<GridMark> {
    let seconds_per_point = input.base_step_size / GRID_MIN_PT;
    let wanted = seconds_per_point * LABEL_GAP_PT;
    let step = STEPS_S
        .iter()
        .copied()
        .find(|&s| s as f64 >= wanted)
        .unwrap_or(STEPS_S[STEPS_S.len() - 1]);
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return Vec::new();
    }
    let first = (lo / step as f64).ceil() as i64;
    let last = (hi / step as f64).floor() as i64;
    // Past a thousand marks the bounds are nonsense (an empty plot): none at all.
    if last - first > 1000 {
        return Vec::new();
    }
    (first..=last)
        .map(|i| GridMark {
            value: (i * step) as f64,
            step_size: step as f64,
        })
        .collect()
}

/// A mark's label in the window's language.
pub fn label(mark: GridMark) -> String {
    label_in(mark, Language::current())
}

/// A mark's label: the day at midnight or for steps of a day or more, else the time of day.
fn label_in(mark: GridMark, lang: Language) -> String {
    let ms = (mark.value * 1000.0) as i64;
    let step_ms = (mark.step_size * 1000.0) as i64;
    match step_ms >= DAY_MS || ms.rem_euclid(DAY_MS) == 0 {
        true => lang.day(ms),
        false => lang.clock(ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_whole_steps_far_enough_apart_for_their_labels() {
        // A week over 700 points: a point is 864 s, labels need 95,040 s: two days.
        let week = 7.0 * 86_400.0;
        let input = GridInput {
            bounds: (1_760_000_000.0, 1_760_000_000.0 + week),
            base_step_size: week / 700.0 * GRID_MIN_PT,
        };
        let days = marks(input);
        assert!(days.len() >= 3 && days.len() <= 4, "{}", days.len());
        for m in &days {
            assert_eq!(m.step_size, 2.0 * 86_400.0);
            assert_eq!((m.value as i64) % (2 * 86_400), 0, "on a whole step");
        }
        // Three hours over 700 points: labels need 1,697 s: 30 minutes.
        let hours = 3.0 * 3600.0;
        let input = GridInput {
            bounds: (1_760_000_000.0, 1_760_000_000.0 + hours),
            base_step_size: hours / 700.0 * GRID_MIN_PT,
        };
        assert!(marks(input).iter().all(|m| m.step_size == 1800.0));
    }

    #[test]
    fn labels_are_as_short_as_their_step_allows() {
        let midnight = 1_760_140_800.0; // 2025-10-11 00:00 UTC
        let day = GridMark {
            value: midnight,
            step_size: 86_400.0,
        };
        assert_eq!(label_in(day, Language::English), "10-11");
        assert_eq!(label_in(day, Language::Chinese), "10月11日");
        let half_hour = GridMark {
            value: midnight + 9000.0,
            step_size: 1800.0,
        };
        assert_eq!(label_in(half_hour, Language::English), "02:30");
        let at_midnight = GridMark {
            value: midnight,
            step_size: 1800.0,
        };
        assert_eq!(label_in(at_midnight, Language::English), "10-11");
    }
}
