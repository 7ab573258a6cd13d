//! The fraud scenarios of DESIGN.md. Events that are part of the fraud carry `fraud = true`;
//! camouflage (a victim's own history, a farm account's normal browsing) does not.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::event::EventKind;
use super::legit;
use super::persona::Persona;
use super::shop::{CITIES, ELECTRONICS, GROCERY, Shop, Taste, UserCtx, random_ip};
use crate::time_units::{DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS};

pub fn generate(persona: Persona, ctx: &mut UserCtx) {
    match persona {
        Persona::Brushing => brushing(ctx),
        Persona::RefundAbuse => refund_abuse(ctx),
        Persona::FakeReviews => fake_reviews(ctx),
        Persona::AccountTakeover => account_takeover(ctx),
        Persona::AbnormalLogin => abnormal_login(ctx),
        Persona::CardTesting => card_testing(ctx),
        Persona::Bot => bot(ctx),
        // Rings are generated together, in `promo_rings`.
        _ => {}
    }
}

fn some_day(ctx: &mut UserCtx, from_share: f64) -> u32 {
    let days = ctx.days();
    let from = ((days as f64 * from_share) as u32).min(days - 1);
    ctx.rng.random_range(from..days)
}

/// Fresh accounts on the farm's shared devices: many orders of the boosted items with no
/// browsing, tight timing, then a burst of reviews.
fn brushing(ctx: &mut UserCtx) {
    let shop = ctx.shop;
    ctx.device = shop.farm_devices[ctx.rng.random_range(0..shop.farm_devices.len())];
    ctx.ip = shop.farm_ips[ctx.rng.random_range(0..shop.farm_ips.len())];
    let day = some_day(ctx, 0.0);
    let mut t = ctx.session_start(day);
    ctx.emit(t, EventKind::Register, None, None, true);
    t += ctx.rng.random_range(5_000..20_000);
    ctx.emit(t, EventKind::Login, None, None, true);
    let boosted: Vec<u32> = (0..ctx.rng.random_range(1..=2))
        .map(|_| shop.boosted_items[ctx.rng.random_range(0..shop.boosted_items.len())])
        .collect();
    for round in 0..ctx.rng.random_range(2..=4) {
        if round > 0 {
            t += ctx.rng.random_range(1..4) * DAY_MS + ctx.rng.random_range(0..HOUR_MS);
        }
        for _ in 0..ctx.rng.random_range(4..=10) {
            let item = boosted[ctx.rng.random_range(0..boosted.len())];
            t += ctx.rng.random_range(20_000..90_000);
            ctx.emit(t, EventKind::Order, Some(item), Some(ctx.price(item)), true);
            t += ctx.rng.random_range(5_000..30_000);
            ctx.emit(t, EventKind::Pay, Some(item), Some(ctx.price(item)), true);
        }
        for _ in 0..ctx.rng.random_range(3..=8) {
            t += ctx.rng.random_range(15 * SECOND_MS..MINUTE_MS);
            let item = boosted[ctx.rng.random_range(0..boosted.len())];
            ctx.emit(t, EventKind::Review, Some(item), None, true);
        }
    }
}

/// A normal-looking buyer who runs order → pay → refund loops on expensive goods.
fn refund_abuse(ctx: &mut UserCtx) {
    legit::generate(Persona::RegularBuyer, ctx);
    ctx.at_home();
    for _ in 0..ctx.rng.random_range(4..=9) {
        let day = some_day(ctx, 0.0);
        let mut t = ctx.session_start(day);
        ctx.emit(t, EventKind::Login, None, None, true);
        let item = ctx.pick_item(Taste::Expensive);
        t += ctx.human_gap(20.0);
        ctx.emit(t, EventKind::View, Some(item), None, true);
        let amount = ctx.price(item) * ctx.rng.random_range(1..=3);
        t += ctx.human_gap(30.0);
        ctx.emit(t, EventKind::Order, Some(item), Some(amount), true);
        t += ctx.human_gap(20.0);
        ctx.emit(t, EventKind::Pay, Some(item), Some(amount), true);
        t += ctx.rng.random_range(6 * HOUR_MS..3 * DAY_MS);
        ctx.emit(t, EventKind::Refund, Some(item), Some(amount), true);
    }
}

/// An account that mostly browses, then posts bursts of reviews on goods it never bought.
fn fake_reviews(ctx: &mut UserCtx) {
    legit::generate(Persona::Browser, ctx);
    ctx.at_home();
    for _ in 0..ctx.rng.random_range(2..=4) {
        let day = some_day(ctx, 0.0);
        let mut t = ctx.session_start(day);
        ctx.emit(t, EventKind::Login, None, None, true);
        for _ in 0..ctx.rng.random_range(10..=30) {
            t += ctx.rng.random_range(8_000..40_000);
            let item = ctx.pick_item(Taste::Any);
            ctx.emit(t, EventKind::Review, Some(item), None, true);
        }
    }
}

/// A victim's own history, then a login from a new device and city, a password change and
/// fast high-value orders.
fn account_takeover(ctx: &mut UserCtx) {
    legit::generate(Persona::RegularBuyer, ctx);
    let day = some_day(ctx, 0.33);
    let mut t = ctx.session_start(day);
    ctx.device = ctx.rng.random();
    ctx.ip = random_ip(ctx.rng);
    let home = ctx.shop.city[ctx.user as usize];
    ctx.city = (home + ctx.rng.random_range(1..CITIES.len() as u8)) % CITIES.len() as u8;
    for _ in 0..ctx.rng.random_range(0..=2) {
        ctx.emit(t, EventKind::LoginFail, None, None, true);
        t += ctx.rng.random_range(3_000..15_000);
    }
    ctx.emit(t, EventKind::Login, None, None, true);
    t += ctx.rng.random_range(30_000..4 * MINUTE_MS);
    ctx.emit(t, EventKind::PasswordChange, None, None, true);
    for _ in 0..ctx.rng.random_range(2..=5) {
        t += ctx.rng.random_range(20_000..2 * MINUTE_MS);
        let item = ctx.pick_item(Taste::Category(ELECTRONICS));
        let amount = ctx.price(item).max(80_000) * ctx.rng.random_range(1..=3);
        ctx.emit(t, EventKind::Order, Some(item), Some(amount), true);
        t += ctx.rng.random_range(10 * SECOND_MS..MINUTE_MS);
        ctx.emit(t, EventKind::Pay, Some(item), Some(amount), true);
    }
}

/// Credential stuffing against an account: bursts of failed logins from rotating addresses
/// and cities, then a login from a city the owner could not have reached.
fn abnormal_login(ctx: &mut UserCtx) {
    legit::generate(Persona::Browser, ctx);
    for _ in 0..ctx.rng.random_range(2..=5) {
        let day = some_day(ctx, 0.0);
        let mut t = ctx.session_start(day);
        for _ in 0..ctx.rng.random_range(10..=40) {
            ctx.ip = random_ip(ctx.rng);
            ctx.city = ctx.rng.random_range(0..CITIES.len() as u8);
            ctx.device = ctx.rng.random();
            ctx.emit(t, EventKind::LoginFail, None, None, true);
            t += ctx.rng.random_range(800..6_000);
        }
        ctx.at_home();
        ctx.emit(t, EventKind::Login, None, None, true);
        t += ctx.rng.random_range(2 * MINUTE_MS..10 * MINUTE_MS);
        let home = ctx.shop.city[ctx.user as usize];
        ctx.city =
            (home + 1 + ctx.rng.random_range(0..CITIES.len() as u8 - 1)) % CITIES.len() as u8;
        ctx.ip = random_ip(ctx.rng);
        ctx.device = ctx.rng.random();
        ctx.emit(t, EventKind::Login, None, None, true);
        ctx.at_home();
    }
}

/// A new account trying stolen cards: many tiny orders and payments, most of them declined.
fn card_testing(ctx: &mut UserCtx) {
    let day = some_day(ctx, 0.0);
    let mut t = ctx.session_start(day);
    ctx.ip = random_ip(ctx.rng);
    ctx.emit(t, EventKind::Register, None, None, true);
    for _ in 0..ctx.rng.random_range(1..=3) {
        for _ in 0..ctx.rng.random_range(15..=45) {
            t += ctx.rng.random_range(3_000..15_000);
            let item = ctx.pick_item(Taste::Category(GROCERY));
            let amount = ctx.rng.random_range(50..300);
            ctx.emit(t, EventKind::Order, Some(item), Some(amount), true);
            t += ctx.rng.random_range(1_000..5_000);
            let kind = if ctx.rng.random_bool(0.7) {
                EventKind::PayFail
            } else {
                EventKind::Pay
            };
            ctx.emit(t, kind, Some(item), Some(amount), true);
        }
        t += ctx.rng.random_range(30 * MINUTE_MS..DAY_MS);
    }
}

/// A scraper: long runs of views and searches at a machine-regular period, night or day.
fn bot(ctx: &mut UserCtx) {
    ctx.ip = random_ip(ctx.rng);
    let period_ms = [500, 1000, 2000][ctx.rng.random_range(0..3)];
    let days = ctx.days();
    // Distinct days, so one bot's runs never interleave.
    let active_share = ctx.rng.random_range(0.1..0.3);
    for day in 0..days {
        if !ctx.rng.random_bool(active_share) {
            continue;
        }
        let mut t = ctx.day_start(day) + ctx.rng.random_range(0..DAY_MS / 4);
        for _ in 0..ctx.rng.random_range(1..=2) {
            for _ in 0..ctx.rng.random_range(30..=120) {
                let kind = if ctx.rng.random_bool(0.15) {
                    EventKind::Search
                } else {
                    EventKind::View
                };
                let item = (kind == EventKind::View).then(|| ctx.pick_item(Taste::Any));
                ctx.emit(t, kind, item, None, true);
                t += period_ms + ctx.rng.random_range(-15..=15);
            }
            t += ctx.rng.random_range(10 * MINUTE_MS..3 * HOUR_MS);
        }
    }
}

/// Promotion abuse: rings of new accounts sharing a device and an address register within
/// hours of each other and each place one cheap order with the welcome coupon.
pub fn promo_rings(shop: &Shop, personas: &[Persona], seed: u64, out: &mut Vec<super::Event>) {
    let members: Vec<u32> = (0..personas.len() as u32)
        .filter(|&u| personas[u as usize] == Persona::PromoRing)
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX);
    let mut rest = members.as_slice();
    while !rest.is_empty() {
        let size = rng.random_range(3..=12).min(rest.len());
        // Never leave a lone member behind: a ring of one is no ring.
        let size = if rest.len() - size < 3 {
            rest.len()
        } else {
            size
        };
        let (ring, tail) = rest.split_at(size);
        rest = tail;
        let device = rng.random::<u32>();
        let ip = random_ip(&mut rng);
        let day = rng.random_range(0..shop.days);
        let mut t = shop.start_ms + day as i64 * DAY_MS + rng.random_range(0..DAY_MS);
        for &user in ring {
            let mut ctx = UserCtx::new(shop, user, &mut rng, out);
            ctx.device = device;
            ctx.ip = ip;
            t += ctx.rng.random_range(2 * MINUTE_MS..40 * MINUTE_MS);
            let mut s = t;
            ctx.emit(s, EventKind::Register, None, None, true);
            s += ctx.human_gap(20.0);
            let item = ctx.pick_item(Taste::Cheap);
            ctx.emit(s, EventKind::View, Some(item), None, true);
            s += ctx.human_gap(15.0);
            ctx.emit(s, EventKind::Order, Some(item), Some(ctx.price(item)), true);
            ctx.with_promo();
            s += ctx.human_gap(15.0);
            ctx.emit(s, EventKind::Pay, Some(item), Some(ctx.price(item)), true);
        }
    }
}
