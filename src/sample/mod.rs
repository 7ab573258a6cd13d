//! The synthetic shop: a month of behaviour logs from legit segments and every fraud pattern
//! in DESIGN.md, with ground truth. Same seed, same bytes.

mod fraud;
mod legit;
mod shop;
mod write;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use shop::{CATEGORIES, EventKind};
pub use write::{write_labels, write_log};

/// 2026-10-01T00:00:00Z: the default first day of a generated log.
pub const DEFAULT_START_MS: i64 = 1_790_812_800_000;
pub const DAY_MS: i64 = 86_400_000;

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

/// What a user really is: a legit segment or a fraud scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Persona {
    Browser,
    RegularBuyer,
    BargainHunter,
    BigSpender,
    Brushing,
    RefundAbuse,
    FakeReviews,
    AccountTakeover,
    AbnormalLogin,
    CardTesting,
    Bot,
    PromoRing,
}

impl Persona {
    pub const FRAUD: [Persona; 8] = [
        Self::Brushing,
        Self::RefundAbuse,
        Self::FakeReviews,
        Self::AccountTakeover,
        Self::AbnormalLogin,
        Self::CardTesting,
        Self::Bot,
        Self::PromoRing,
    ];

    pub fn is_fraud(self) -> bool {
        Self::FRAUD.contains(&self)
    }

    /// The scenario or segment name written to the labels file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Browser => "legit_browser",
            Self::RegularBuyer => "legit_regular_buyer",
            Self::BargainHunter => "legit_bargain_hunter",
            Self::BigSpender => "legit_big_spender",
            Self::Brushing => "brushing",
            Self::RefundAbuse => "refund_abuse",
            Self::FakeReviews => "fake_reviews",
            Self::AccountTakeover => "account_takeover",
            Self::AbnormalLogin => "abnormal_login",
            Self::CardTesting => "card_testing",
            Self::Bot => "bot",
            Self::PromoRing => "promo_ring",
        }
    }
}

/// One generated event. Strings are resolved only when writing.
#[derive(Clone, Debug)]
pub struct Event {
    pub ts_ms: i64,
    pub user: u32,
    pub kind: EventKind,
    pub item: Option<u32>,
    /// Cents, so amounts print exactly and identically on every platform.
    pub amount_cents: Option<i64>,
    pub device: u32,
    pub ip: u32,
    pub city: u8,
    pub promo: bool,
    pub fraud: bool,
}

pub struct UserTruth {
    pub id: String,
    pub persona: Persona,
}

pub struct Sample {
    pub config: SampleConfig,
    pub shop: shop::Shop,
    pub users: Vec<UserTruth>,
    /// Sorted by time.
    pub events: Vec<Event>,
}

/// How many users each fraud scenario gets: at least one each (three for a ring), the rest
/// of about 4 % of users by weight.
fn fraud_quota(users: usize) -> Vec<(Persona, usize)> {
    let weights = [15, 10, 10, 15, 10, 10, 10, 20];
    let minimum = |p: Persona| if p == Persona::PromoRing { 3 } else { 1 };
    let target = (users as f64 * 0.04).round() as usize;
    let base: usize = Persona::FRAUD.iter().map(|&p| minimum(p)).sum();
    let extra = target.saturating_sub(base);
    Persona::FRAUD
        .iter()
        .zip(weights)
        .map(|(&p, w)| (p, minimum(p) + extra * w / 100))
        .collect()
}

fn legit_persona(r: f64) -> Persona {
    match r {
        r if r < 0.35 => Persona::Browser,
        r if r < 0.70 => Persona::RegularBuyer,
        r if r < 0.90 => Persona::BargainHunter,
        _ => Persona::BigSpender,
    }
}

pub fn generate(config: &SampleConfig) -> Sample {
    use rand::RngExt;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let quota = fraud_quota(config.users.max(30));
    let n_fraud: usize = quota.iter().map(|(_, n)| n).sum();
    let users_total = config.users.max(n_fraud + 10);
    let mut personas: Vec<Persona> = quota
        .iter()
        .flat_map(|&(p, n)| std::iter::repeat_n(p, n))
        .collect();
    while personas.len() < users_total {
        personas.push(legit_persona(rng.random()));
    }
    // Shuffle so that nothing about a user's position or id gives its persona away.
    for i in (1..personas.len()).rev() {
        let j = rng.random_range(0..=i);
        personas.swap(i, j);
    }
    let shop = shop::Shop::new(&mut rng, &personas, config);
    let users: Vec<UserTruth> = personas
        .iter()
        .enumerate()
        .map(|(i, &persona)| UserTruth {
            id: shop.user_ids[i].clone(),
            persona,
        })
        .collect();

    let mut events = Vec::new();
    for (i, &persona) in personas.iter().enumerate() {
        // One stream per user: a user's events do not depend on how many users came before.
        let mut user_rng = ChaCha8Rng::seed_from_u64(config.seed);
        user_rng.set_stream(i as u64 + 1);
        let mut ctx = shop::UserCtx::new(&shop, i as u32, &mut user_rng, &mut events);
        match persona {
            p if p.is_fraud() => fraud::generate(p, &mut ctx),
            p => legit::generate(p, &mut ctx),
        }
    }
    fraud::promo_rings(&shop, &personas, config.seed, &mut events);
    let end = config.start_ms + config.days as i64 * DAY_MS;
    events.retain(|e| e.ts_ms >= config.start_ms && e.ts_ms < end);
    events.sort_by_key(|e| (e.ts_ms, e.user));
    Sample {
        config: config.clone(),
        shop,
        users,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_covers_every_scenario_and_about_four_percent() {
        let q = fraud_quota(5000);
        assert_eq!(q.len(), 8);
        let total: usize = q.iter().map(|(_, n)| n).sum();
        assert!((150..=250).contains(&total), "{total}");
        assert!(fraud_quota(30).iter().all(|(_, n)| *n >= 1));
    }
}
