//! How big, how long and from which seed a generated shop is.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::event::Event;
use crate::time_units::DAY_MS;

/// 2026-10-01T00:00:00Z: the default first day of a generated log.
pub const DEFAULT_START_MS: i64 = 1_790_812_800_000;

/// Which shop is generated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// Every fraud pattern of DESIGN.md, in the proportions of a month of a shop.
    #[default]
    Shop,
    /// Hard enough to tell methods apart: most fraud is payments through compromised
    /// checkouts (normal amounts from normal customers: only the seller and the timing give
    /// it away), new compromises start week after week, and account fraud is a tenth as common.
    EntityDrift,
    /// Card payments at thousands of small terminals (written as sellers), each seeing about
    /// one a day; compromised terminals make every payment through them fraud for four weeks
    /// at normal amounts, stolen cards a third of their owners' payments at five times the
    /// amount, and any payment above 220 is fraud. New compromises every day.
    SparseEntity,
    /// Account takeover by crews: legit shoppers only, a few established accounts taken over
    /// every day from the owner's city, on devices each crew shares across its victims and
    /// changes every ten days; orders of expensive items at human speed.
    Takeover,
}

#[derive(Clone, Debug)]
pub struct SampleConfig {
    pub users: usize,
    pub days: u32,
    pub seed: u64,
    pub start_ms: i64,
    pub scenario: Scenario,
}

impl Default for SampleConfig {
    fn default() -> Self {
        Self {
            users: 5000,
            days: 30,
            seed: 7,
            start_ms: DEFAULT_START_MS,
            scenario: Scenario::Shop,
        }
    }
}

impl SampleConfig {
    /// User `user`'s own random stream: a user's events do not depend on how many users came
    /// before, or on what else the log holds.
    pub fn user_rng(&self, user: usize) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(user as u64 + 1);
        rng
    }

    /// `events` within the log's days, in time order (ties by user): the log as written.
    pub fn keep_in_time_order(&self, events: &mut Vec<Event>) {
        let end = self.start_ms + self.days as i64 * DAY_MS;
        events.retain(|e| e.ts_ms >= self.start_ms && e.ts_ms < end);
        events.sort_by_key(|e| (e.ts_ms, e.user));
    }
}
