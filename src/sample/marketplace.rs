//! Fraud that lives at a seller, not in one account: many different buyers' orders through
//! one seller over weeks, visible only when an entity's history is read with the labels
//! confirmed so far. Two ways a marketplace sees it:
//! - a compromised checkout: for two to four weeks every payment through the seller's checkout
//!   is fraud, whoever the (otherwise legit) buyer is;
//! - a brushing campaign: a seller pays real accounts to place quick orders of its items, with
//!   no browsing, and to review them.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::event::{Event, EventKind};
use super::persona::Persona;
use super::shop::{Shop, UserCtx};
use crate::time_units::DAY_MS;

/// Marks every payment through a compromised checkout, while it is compromised, as fraud.
pub fn compromised_checkouts(shop: &Shop, events: &mut [Event]) {
    for e in events.iter_mut().filter(|e| e.kind == EventKind::Pay) {
        let Some(item) = e.item else { continue };
        let seller = shop.items[item as usize].seller;
        let hit = shop
            .compromised
            .iter()
            .any(|&(s, from, until)| s == seller && e.ts_ms >= from && e.ts_ms < until);
        e.fraud |= hit;
    }
}

/// The brushing seller's three-week campaign: about 2 % of legit accounts are recruited and
/// each places one to three orders of the boosted items, paid at once and mostly reviewed.
pub fn brushing_campaign(shop: &Shop, personas: &[Persona], seed: u64, out: &mut Vec<Event>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX - 2);
    let days = shop.days.max(1);
    let first_day = rng.random_range(0..days.div_ceil(2));
    let campaign_days = 21.min(days - first_day).max(1);
    let legit: Vec<u32> = (0..personas.len() as u32)
        .filter(|&u| !personas[u as usize].is_fraud())
        .collect();
    let recruits = (legit.len() / 50).max(5).min(legit.len());
    for _ in 0..recruits {
        let user = legit[rng.random_range(0..legit.len())];
        let mut ctx = UserCtx::new(shop, user, &mut rng, out);
        for _ in 0..ctx.rng.random_range(1..=3) {
            let day = first_day + ctx.rng.random_range(0..campaign_days);
            let mut t = ctx.session_start(day);
            ctx.emit(t, EventKind::Login, None, None, false);
            let item = shop.boosted_items[ctx.rng.random_range(0..shop.boosted_items.len())];
            t += ctx.rng.random_range(8_000..40_000);
            ctx.emit(t, EventKind::Order, Some(item), Some(ctx.price(item)), true);
            t += ctx.rng.random_range(5_000..25_000);
            ctx.emit(t, EventKind::Pay, Some(item), Some(ctx.price(item)), true);
            if ctx.rng.random_bool(0.7) {
                t += ctx.rng.random_range(DAY_MS / 24..DAY_MS);
                ctx.emit(t, EventKind::Review, Some(item), None, true);
            }
        }
    }
}
