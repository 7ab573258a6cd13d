//! Legit shoppers: sessions on a daily rhythm, funnels from view to pay, occasional reviews,
//! refunds, failed logins, new devices and mobile IPs, so that "unusual but legit" exists.

use crate::time_units::DAY_MS;
use rand::RngExt;

use super::event::EventKind;
use super::persona::Persona;
use super::shop::{Taste, UserCtx};

struct Habits {
    active_day_p: f64,
    views_mean: f64,
    cart_p: f64,
    order_p: f64,
    refund_p: f64,
    taste: Taste,
}

fn habits(p: Persona) -> Habits {
    match p {
        Persona::Browser => Habits {
            active_day_p: 0.2,
            views_mean: 4.0,
            cart_p: 0.05,
            order_p: 0.25,
            refund_p: 0.02,
            taste: Taste::Any,
        },
        Persona::BargainHunter => Habits {
            active_day_p: 0.35,
            views_mean: 6.0,
            cart_p: 0.15,
            order_p: 0.5,
            refund_p: 0.08,
            taste: Taste::Cheap,
        },
        Persona::BigSpender => Habits {
            active_day_p: 0.12,
            views_mean: 3.0,
            cart_p: 0.3,
            order_p: 0.85,
            refund_p: 0.04,
            taste: Taste::Expensive,
        },
        // Regular buyers, and the camouflage of fraud accounts that look regular.
        _ => Habits {
            active_day_p: 0.22,
            views_mean: 3.0,
            cart_p: 0.2,
            order_p: 0.7,
            refund_p: 0.03,
            taste: Taste::Any,
        },
    }
}

/// A legit user's whole month.
pub fn generate(persona: Persona, ctx: &mut UserCtx) {
    let days = ctx.days();
    let h = habits(persona);
    // About one in ten accounts is new this month.
    let first_day = if ctx.rng.random_bool(0.1) {
        ctx.rng.random_range(0..days)
    } else {
        0
    };
    let mut registered = first_day == 0;
    let new_device_day = ctx
        .rng
        .random_bool(0.05)
        .then(|| ctx.rng.random_range(0..days));
    // About one established account in six lapses during the month: from some day on it comes
    // back far less often. Real shops lose customers; churn prediction has to see it coming.
    let lapse_day = (first_day == 0 && days > 2 && ctx.rng.random_bool(0.17))
        .then(|| ctx.rng.random_range(days / 3..days));
    let mut first_order = true;
    for day in first_day..days {
        let active_day_p = match lapse_day {
            Some(lapse) if day >= lapse => h.active_day_p * 0.15,
            _ => h.active_day_p,
        };
        if new_device_day == Some(day) {
            ctx.device = ctx.rng.random(); // a new phone: unusual, but legit
        }
        if day > first_day && !ctx.rng.random_bool(active_day_p) {
            continue;
        }
        let sessions = 1 + ctx.rng.random_bool(0.3) as u32;
        for _ in 0..sessions {
            let t = ctx.session_start(day);
            let t = if registered {
                t
            } else {
                registered = true;
                ctx.emit(t, EventKind::Register, None, None, false);
                t + ctx.human_gap(30.0)
            };
            session(ctx, &h, t, &mut first_order, first_day > 0);
        }
    }
}

/// One visit: maybe a login, views and searches, maybe a cart, order and payment; later a
/// review or a refund.
fn session(ctx: &mut UserCtx, h: &Habits, mut t: i64, first_order: &mut bool, new_account: bool) {
    ctx.ip = if ctx.rng.random_bool(0.3) {
        ctx.mobile_ip()
    } else {
        ctx.shop.home_ip[ctx.user as usize]
    };
    if ctx.rng.random_bool(0.4) {
        if ctx.rng.random_bool(0.03) {
            ctx.emit(t, EventKind::LoginFail, None, None, false);
            t += ctx.human_gap(8.0);
        }
        ctx.emit(t, EventKind::Login, None, None, false);
        t += ctx.human_gap(5.0);
    }
    let views = 1 + (-h.views_mean * ctx.rng.random::<f64>().max(1e-9).ln()) as u32;
    let mut cart: Vec<u32> = Vec::new();
    for _ in 0..views.min(60) {
        if ctx.rng.random_bool(0.2) {
            ctx.emit(t, EventKind::Search, None, None, false);
            t += ctx.human_gap(6.0);
        }
        let item = ctx.pick_item(h.taste);
        ctx.emit(t, EventKind::View, Some(item), None, false);
        t += ctx.human_gap(25.0);
        if ctx.rng.random_bool(h.cart_p) {
            ctx.emit(t, EventKind::Cart, Some(item), Some(ctx.price(item)), false);
            cart.push(item);
            t += ctx.human_gap(10.0);
        }
    }
    if cart.is_empty() || !ctx.rng.random_bool(h.order_p) {
        return;
    }
    let amount: i64 = cart
        .iter()
        .map(|&i| ctx.price(i) * if ctx.rng.random_bool(0.1) { 2 } else { 1 })
        .sum();
    let item = Some(cart[0]);
    ctx.emit(t, EventKind::Order, item, Some(amount), false);
    if *first_order && new_account && ctx.rng.random_bool(0.3) {
        ctx.with_promo(); // welcome coupons are legit too
    }
    *first_order = false;
    t += ctx.human_gap(40.0);
    if ctx.rng.random_bool(0.03) {
        ctx.emit(t, EventKind::PayFail, item, Some(amount), false);
        t += ctx.human_gap(30.0);
    }
    ctx.emit(t, EventKind::Pay, item, Some(amount), false);
    if ctx.rng.random_bool(0.15) {
        let later = t + ctx.rng.random_range(1..6) * DAY_MS + ctx.human_gap(600.0);
        ctx.emit(later, EventKind::Review, item, None, false);
    }
    if ctx.rng.random_bool(h.refund_p) {
        let later = t + ctx.rng.random_range(1..11) * DAY_MS + ctx.human_gap(600.0);
        ctx.emit(later, EventKind::Refund, item, Some(amount), false);
    }
}
