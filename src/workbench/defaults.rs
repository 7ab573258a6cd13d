//! One set of defaults for both faces: clap's default values and the window's settings read
//! these, so the CLI and the GUI cannot drift apart.

use crate::detect::DetectorKind;
use crate::eval::Split;
use crate::log::parse_duration_ms;

/// Seed of every detector's training.
pub const SEED: u64 = 7;
/// The detector a new log is scored with.
pub const DETECTOR: DetectorKind = DetectorKind::Ensemble;
/// What orders the queue while the chosen detector first trains: the fastest one, unsupervised.
pub const FIRST_LOOK: DetectorKind = DetectorKind::Zscore;
/// Epochs for the neural detectors: 0 lets each choose from the data size.
pub const EPOCHS: usize = 0;
/// How long after its event an imported label becomes known: fraud is confirmed days later,
/// so the last week of a log is not yet labelled.
pub const LABEL_DELAY: &str = "7d";
/// How detectors are compared: 30 % of the users held out, seed 0.
pub const COMPARE_SPLIT: &str = "random:0:0.3";
/// Accounts a day the daily top-k precision of an event-level comparison counts.
pub const TOP_K: usize = 100;
/// The window retrains after this many new labels (0: only on command).
pub const RETRAIN_EVERY: usize = 20;
/// Accounts a team reviews per day: the default thresholds flag at most that many (a team's
/// workspace keeps its own, `cases::SettingKey::DailyCapacity`).
pub const DAILY_CAPACITY: usize = crate::cases::DAILY_CAPACITY;
/// The longest wait between two looks at a watched log (`vigil watch`, the window's Live
/// mode), for file systems that do not say when a file changed.
pub const WATCH_POLL_MS: u64 = 200;

/// The bundled sample log the window opens when given none.
pub fn bundled_sample() -> std::path::PathBuf {
    let relative = std::path::PathBuf::from("sample_data/shop.csv.gz");
    if relative.exists() {
        relative
    } else {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}

/// `LABEL_DELAY` in milliseconds.
pub fn label_delay_ms() -> i64 {
    parse_duration_ms(LABEL_DELAY).expect("LABEL_DELAY is a valid duration")
}

/// `COMPARE_SPLIT` as a split.
pub fn compare_split() -> Split {
    COMPARE_SPLIT
        .parse()
        .expect("COMPARE_SPLIT is a valid split")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse() {
        assert_eq!(label_delay_ms(), crate::time_units::WEEK_MS);
        assert_eq!(
            compare_split(),
            Split::Random {
                seed: 0,
                test_fraction: 0.3
            }
        );
    }
}
