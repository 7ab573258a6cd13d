//! How big, how long and from which seed a generated shop is.

/// 2026-10-01T00:00:00Z: the default first day of a generated log.
pub const DEFAULT_START_MS: i64 = 1_790_812_800_000;

#[derive(Clone, Debug)]
pub struct SampleConfig {
    pub users: usize,
    pub days: u32,
    pub seed: u64,
    pub start_ms: i64,
}

impl Default for SampleConfig {
    fn default() -> Self {
        Self {
            users: 5000,
            days: 30,
            seed: 7,
            start_ms: DEFAULT_START_MS,
        }
    }
}
