//! The takeover scenario: account takeover by crews, as a shop meets it once the crude kind is
//! blocked. Every account is a legit shopper (the four segments, with their new phones, mobile
//! addresses, failed logins and households sharing a device); every day crews take over a few
//! established accounts with passwords bought in bulk. A takeover looks like its owner:
//! - the crew logs in from the owner's own city, through residential proxies, on one of the
//!   few devices it works from (the device is new to the account, as a new phone is);
//! - it changes the password only sometimes, browses a little, carts and orders expensive
//!   items at about what big spenders pay, over a day or two, and the owner's own sessions go
//!   on beside it;
//! - each crew's devices serve many victims (half the takeovers come from a freshly reset
//!   emulator instead), and it moves to new devices and proxies every ten days, so what was
//!   learnt about last week's devices fades.
//!
//! What tells is the account's own history against this session (a device it never used,
//! amounts above its habit, the hurry) and a device's other accounts seen through delayed
//! labels. Legit owners change their passwords too, so no single event type gives it away.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::SampleConfig;
use super::event::{Event, EventKind};
use super::generated::Sample;
use super::legit;
use super::persona::{Persona, UserTruth};
use super::shop::{Shop, Taste, UserCtx, poisson, random_ip};
use crate::time_units::{DAY_MS, MINUTE_MS};

/// Crews per 5,000 accounts, the devices and proxies each works from at a time, and how many
/// days before it moves to new ones.
const CREWS: f64 = 4.0;
const CREW_DEVICES: usize = 4;
const CREW_PROXIES: usize = 12;
const ROTATION_DAYS: u32 = 10;
/// Takeovers a day per 5,000 accounts.
const TAKEOVERS_PER_DAY: f64 = 5.0;
/// The share of takeovers made from a freshly reset emulator, a device no one used before,
/// rather than from one of the crew's devices.
const FRESH_DEVICE: f64 = 0.5;
/// Legit owners who change their password during the log.
const LEGIT_PASSWORD_CHANGE: f64 = 0.04;

/// What a crew works from during one rotation.
struct Kit {
    devices: Vec<u32>,
    proxies: Vec<u32>,
}

/// Each crew's kit for each rotation, from the seed's own stream.
fn kits(rng: &mut ChaCha8Rng, crews: usize, days: u32) -> Vec<Vec<Kit>> {
    let rotations = days.div_ceil(ROTATION_DAYS).max(1);
    (0..crews)
        .map(|_| {
            (0..rotations)
                .map(|_| Kit {
                    devices: (0..CREW_DEVICES).map(|_| rng.random()).collect(),
                    proxies: (0..CREW_PROXIES).map(|_| random_ip(rng)).collect(),
                })
                .collect()
        })
        .collect()
}

/// The takeover log: `config.users` legit shoppers, a few taken over every day.
pub fn generate_takeover(config: &SampleConfig) -> Sample {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let personas: Vec<Persona> = (0..config.users.max(30))
        .map(|_| Persona::legit_segment(rng.random()))
        .collect();
    let shop = Shop::new(&mut rng, &personas, config);
    let mut events = Vec::new();
    for (i, &persona) in personas.iter().enumerate() {
        let mut user_rng = config.user_rng(i);
        let mut ctx = UserCtx::new(&shop, i as u32, &mut user_rng, &mut events);
        legit::generate(persona, &mut ctx);
        if ctx.rng.random_bool(LEGIT_PASSWORD_CHANGE) {
            password_change(&mut ctx);
        }
    }
    let victims = takeovers(config, &shop, &mut events);
    config.keep_in_time_order(&mut events);
    let users = personas
        .iter()
        .enumerate()
        .map(|(i, &persona)| UserTruth {
            id: shop.user_ids[i].clone(),
            persona: match victims.contains(&(i as u32)) {
                true => Persona::AccountTakeover,
                false => persona,
            },
        })
        .collect();
    Sample {
        config: config.clone(),
        shop,
        users,
        events,
    }
}

/// A legit password change: the owner logs in at home, changes it, and browses on.
fn password_change(ctx: &mut UserCtx) {
    let day = ctx.rng.random_range(0..ctx.days());
    let mut t = ctx.session_start(day);
    ctx.at_home();
    ctx.emit(t, EventKind::Login, None, None, false);
    t += ctx.human_gap(20.0);
    ctx.emit(t, EventKind::PasswordChange, None, None, false);
    t += ctx.human_gap(20.0);
    let item = ctx.pick_item(Taste::Any);
    ctx.emit(t, EventKind::View, Some(item), None, false);
}

/// Every day, a few established accounts taken over by one crew each (an account once at
/// most); returns the victims.
fn takeovers(config: &SampleConfig, shop: &Shop, events: &mut Vec<Event>) -> Vec<u32> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(u64::MAX - 20);
    let scale = shop.user_ids.len() as f64 / 5_000.0;
    let crews = ((CREWS * scale).round() as usize).max(1);
    let kits = kits(&mut rng, crews, config.days);
    // An account is established once it has shopped: its first event's time.
    let mut first_seen = vec![i64::MAX; shop.user_ids.len()];
    for e in events.iter() {
        let first = &mut first_seen[e.user as usize];
        *first = (*first).min(e.ts_ms);
    }
    let mut victims = Vec::new();
    for day in 1..config.days {
        let day_start = config.start_ms + day as i64 * DAY_MS;
        for _ in 0..poisson(&mut rng, TAKEOVERS_PER_DAY * scale) {
            let user = rng.random_range(0..shop.user_ids.len() as u32);
            let established = first_seen[user as usize] < day_start - 3 * DAY_MS;
            if !established || victims.contains(&user) {
                continue;
            }
            victims.push(user);
            let kit = &kits[rng.random_range(0..crews)][(day / ROTATION_DAYS) as usize];
            let mut ctx = UserCtx::new(shop, user, &mut rng, events);
            take_over(&mut ctx, kit, day);
        }
    }
    victims
}

/// A crew's sessions in one account: one to three over a day or two, from one of its devices
/// (or a fresh one) and its proxies in the owner's city.
fn take_over(ctx: &mut UserCtx, kit: &Kit, day: u32) {
    ctx.device = match ctx.rng.random_bool(FRESH_DEVICE) {
        true => ctx.rng.random(),
        false => kit.devices[ctx.rng.random_range(0..kit.devices.len())],
    };
    for session in 0..ctx.rng.random_range(1..=3) {
        let on = (day + ctx.rng.random_range(0..=1)).min(ctx.days() - 1);
        let mut t = ctx.session_start(on);
        ctx.ip = kit.proxies[ctx.rng.random_range(0..kit.proxies.len())];
        if ctx.rng.random_bool(0.25) {
            ctx.emit(t, EventKind::LoginFail, None, None, true);
            t += ctx.human_gap(6.0);
        }
        ctx.emit(t, EventKind::Login, None, None, true);
        t += ctx.human_gap(8.0);
        if session == 0 && ctx.rng.random_bool(0.35) {
            ctx.emit(t, EventKind::PasswordChange, None, None, true);
            t += ctx.human_gap(8.0);
        }
        for _ in 0..ctx.rng.random_range(1..=2) {
            t = crew_order(ctx, t);
        }
    }
}

/// A view or two, a cart, an order and its payment of an expensive item, quicker than an owner
/// but at human speed; returns when it ends.
fn crew_order(ctx: &mut UserCtx, mut t: i64) -> i64 {
    let item = ctx.pick_item(Taste::Expensive);
    for _ in 0..ctx.rng.random_range(1..=2) {
        ctx.emit(t, EventKind::View, Some(item), None, true);
        t += ctx.human_gap(10.0);
    }
    let amount = ctx.price(item) * ctx.rng.random_range(1..=2);
    ctx.emit(t, EventKind::Cart, Some(item), Some(ctx.price(item)), true);
    t += ctx.human_gap(6.0);
    ctx.emit(t, EventKind::Order, Some(item), Some(amount), true);
    t += ctx.human_gap(12.0);
    ctx.emit(t, EventKind::Pay, Some(item), Some(amount), true);
    t + ctx.rng.random_range(MINUTE_MS..10 * MINUTE_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Scenario;

    #[test]
    fn crews_take_over_established_accounts_from_devices_they_share() {
        let config = SampleConfig {
            users: 2_000,
            days: 28,
            seed: 5,
            scenario: Scenario::Takeover,
            ..SampleConfig::default()
        };
        let s = generate_takeover(&config);
        let victims = s.users.iter().filter(|u| u.persona.is_fraud()).count();
        // Two a day for 27 days, less the draws of accounts not yet established or taken.
        assert!((25..60).contains(&victims), "{victims} victims");
        let fraud: Vec<&Event> = s.events.iter().filter(|e| e.fraud).collect();
        assert!(
            fraud
                .iter()
                .all(|e| s.users[e.user as usize].persona.is_fraud())
        );
        // A crew device serves several victims.
        let mut by_device = std::collections::HashMap::<u32, Vec<u32>>::new();
        for e in &fraud {
            by_device.entry(e.device).or_default().push(e.user);
        }
        let shared = by_device.values_mut().any(|users| {
            users.sort_unstable();
            users.dedup();
            users.len() >= 3
        });
        assert!(shared, "no crew device served three victims");
        // Legit owners change passwords too: the event type alone does not tell.
        let legit_changes = s
            .events
            .iter()
            .filter(|e| e.kind == EventKind::PasswordChange && !e.fraud)
            .count();
        assert!(legit_changes > 20, "{legit_changes} legit password changes");
        let again = generate_takeover(&config);
        assert_eq!(
            again.events.len(),
            s.events.len(),
            "the same seed, the same log"
        );
    }
}
