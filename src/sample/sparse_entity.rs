//! The sparse-entity scenario: card payments at many small merchants' terminals (written as
//! sellers), the shape of the public card-fraud benchmarks (the Fraud Detection Handbook's
//! simulator) rather than a shop's. Each customer lives somewhere and pays at the few dozen
//! terminals near them, a few times a day, amounts about their own mean; a terminal sees about
//! one payment a day. Fraud is of three kinds:
//! - extreme amounts: any payment above `EXTREME_CENTS`;
//! - compromised terminals: every day a few terminals are compromised, and every payment
//!   through one for the next `TERMINAL_DAYS` is fraud, at normal amounts from normal
//!   customers (only the terminal's confirmed fraud, seen through small counts, tells);
//! - compromised cards: every day a few customers' cards are stolen, and for the next
//!   `CARD_DAYS` a third of their payments are fraud, at five times their usual amount.
//!
//! New compromises start every day, so what was learnt last month does not name this week's
//! terminals: the drift a model meets in service. Label delay is the reader's (`vigil train
//! --label-delay`, the peer's `--delay-days`).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::SampleConfig;
use super::event::{Event, EventKind};
use super::generated::Sample;
use super::persona::{Persona, UserTruth};
use super::shop::{Item, Shop, normal, poisson, random_ip, user_ids};
use crate::time_units::DAY_MS;

/// Terminals per customer: with payments at about two a day per customer, about one payment a
/// day per terminal.
const TERMINALS_PER_CUSTOMER: usize = 2;
/// The side of the square customers and terminals live in, and how far a customer goes to pay:
/// about fifty terminals within reach at two per customer.
const SIDE: f64 = 100.0;
const REACH: f64 = 4.0;
/// Payments above this are fraud (the benchmark's 220).
const EXTREME_CENTS: i64 = 22_000;
/// Terminals compromised per day per 5,000 customers, and for how long.
const TERMINALS_PER_DAY: f64 = 2.0;
const TERMINAL_DAYS: u32 = 28;
/// Cards compromised per day per 5,000 customers, and for how long.
const CARDS_PER_DAY: f64 = 3.0;
const CARD_DAYS: u32 = 14;

/// A customer's habits: where they live, what they usually pay, how often.
struct Customer {
    x: f64,
    y: f64,
    mean_cents: f64,
    std_cents: f64,
    per_day: f64,
    /// The terminals within reach.
    terminals: Vec<u32>,
}

/// The world: customers and terminals, from the seed's own stream.
fn world(seed: u64, customers: usize) -> (Vec<Customer>, Vec<(f64, f64)>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX - 10);
    let n_terminals = customers * TERMINALS_PER_CUSTOMER;
    let terminals: Vec<(f64, f64)> = (0..n_terminals)
        .map(|_| (rng.random::<f64>() * SIDE, rng.random::<f64>() * SIDE))
        .collect();
    // Terminals by grid cell, so a customer's reach is found without a scan of them all.
    let cells = (SIDE / REACH).ceil() as usize;
    let cell = |v: f64| ((v / REACH) as usize).min(cells - 1);
    let mut grid = vec![Vec::new(); cells * cells];
    for (t, &(x, y)) in terminals.iter().enumerate() {
        grid[cell(y) * cells + cell(x)].push(t as u32);
    }
    let people = (0..customers)
        .map(|_| {
            let (x, y) = (rng.random::<f64>() * SIDE, rng.random::<f64>() * SIDE);
            let mean_cents = rng.random_range(500.0..10_000.0);
            let mut near = Vec::new();
            let (cx, cy) = (cell(x) as isize, cell(y) as isize);
            for gy in (cy - 1).max(0)..=(cy + 1).min(cells as isize - 1) {
                for gx in (cx - 1).max(0)..=(cx + 1).min(cells as isize - 1) {
                    for &t in &grid[gy as usize * cells + gx as usize] {
                        let (tx, ty) = terminals[t as usize];
                        if (tx - x).hypot(ty - y) < REACH {
                            near.push(t);
                        }
                    }
                }
            }
            near.sort_unstable();
            Customer {
                x,
                y,
                mean_cents,
                std_cents: mean_cents / 2.0,
                per_day: rng.random_range(0.0..4.0),
                terminals: near,
            }
        })
        .collect();
    (people, terminals)
}

/// One customer's payments over the days, from its own stream: a customer's payments do not
/// depend on how many customers came before.
fn payments(config: &SampleConfig, user: usize, c: &Customer, out: &mut Vec<Event>) {
    if c.terminals.is_empty() {
        return;
    }
    let mut rng = config.user_rng(user);
    for day in 0..config.days {
        for _ in 0..poisson(&mut rng, c.per_day) {
            // Around midday, within the day.
            let secs = (43_200.0 + 20_000.0 * normal(&mut rng)).clamp(0.0, 86_399.0);
            let ts_ms = config.start_ms + day as i64 * DAY_MS + (secs * 1000.0) as i64;
            let terminal = c.terminals[rng.random_range(0..c.terminals.len())];
            let mut cents = c.mean_cents + c.std_cents * normal(&mut rng);
            if cents < 0.0 {
                cents = rng.random_range(0.0..2.0 * c.mean_cents);
            }
            let cents = (cents.round() as i64).max(1);
            out.push(Event {
                ts_ms,
                user: user as u32,
                kind: EventKind::Pay,
                item: Some(terminal),
                amount_cents: Some(cents),
                device: 0,
                ip: 0,
                city: 0,
                promo: false,
                fraud: cents > EXTREME_CENTS,
            });
        }
    }
}

/// Who and what is compromised, from when until when (ms).
struct Compromises {
    terminals: Vec<(u32, i64, i64)>,
    cards: Vec<(u32, i64, i64)>,
}

/// Every day, a few terminals and a few cards compromised, from the seed's own stream.
fn compromises(config: &SampleConfig, customers: usize, terminals: usize) -> Compromises {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(u64::MAX - 11);
    let scale = customers as f64 / 5_000.0;
    let day_ms = |d: u32| config.start_ms + d as i64 * DAY_MS;
    let mut c = Compromises {
        terminals: Vec::new(),
        cards: Vec::new(),
    };
    for day in 0..config.days {
        for _ in 0..poisson(&mut rng, TERMINALS_PER_DAY * scale) {
            let t = rng.random_range(0..terminals as u32);
            c.terminals
                .push((t, day_ms(day), day_ms(day + TERMINAL_DAYS)));
        }
        for _ in 0..poisson(&mut rng, CARDS_PER_DAY * scale) {
            let u = rng.random_range(0..customers as u32);
            c.cards.push((u, day_ms(day), day_ms(day + CARD_DAYS)));
        }
    }
    c
}

/// Marks the payments the compromises make fraud: every payment through a compromised
/// terminal; a third of a stolen card's payments, at five times the amount.
fn apply(c: &Compromises, seed: u64, events: &mut [Event]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::MAX - 12);
    for e in events.iter_mut() {
        let Some(terminal) = e.item else { continue };
        let within = |&(who, from, until): &(u32, i64, i64), id: u32| {
            who == id && e.ts_ms >= from && e.ts_ms < until
        };
        if c.terminals.iter().any(|x| within(x, terminal)) {
            e.fraud = true;
        }
        if c.cards.iter().any(|x| within(x, e.user)) && rng.random_bool(1.0 / 3.0) {
            e.amount_cents = e.amount_cents.map(|a| a * 5);
            e.fraud = true;
        }
    }
}

/// The sparse-entity log: payments of `config.users` customers at twice as many terminals.
pub fn generate_sparse(config: &SampleConfig) -> Sample {
    let customers = config.users.max(10);
    let (people, places) = world(config.seed, customers);
    let mut events = Vec::new();
    for (u, c) in people.iter().enumerate() {
        payments(config, u, c, &mut events);
    }
    let compromised = compromises(config, customers, places.len());
    apply(&compromised, config.seed, &mut events);
    config.keep_in_time_order(&mut events);
    // A stolen card's owner is a victim the label file names (as the shop's account
    // takeovers); a compromised terminal's customers are not.
    let stolen: std::collections::HashSet<u32> =
        compromised.cards.iter().map(|&(u, _, _)| u).collect();
    let shop = terminal_shop(config, &people, places.len());
    // Every payment from the customer's own card (the device), home address and quarter.
    for e in &mut events {
        let u = e.user as usize;
        (e.device, e.ip, e.city) = (shop.device[u], shop.home_ip[u], shop.city[u]);
    }
    let users = (0..customers)
        .map(|u| UserTruth {
            id: shop.user_ids[u].clone(),
            persona: match stolen.contains(&(u as u32)) {
                true => Persona::StolenCard,
                false => Persona::RegularBuyer,
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

/// The log's names: a customer's id, home address and card (written as the device), and a
/// terminal per item, each its own seller.
fn terminal_shop(config: &SampleConfig, people: &[Customer], terminals: usize) -> Shop {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(u64::MAX - 13);
    let ids = user_ids(&mut rng, people.len());
    let home_ip = people.iter().map(|_| random_ip(&mut rng)).collect();
    let device = people.iter().map(|_| rng.random()).collect();
    // The city is the customer's quarter of the map.
    let city = people
        .iter()
        .map(|c| u8::from(c.x >= SIDE / 2.0) + 2 * u8::from(c.y >= SIDE / 2.0))
        .collect();
    Shop {
        items: (0..terminals as u32)
            .map(|t| Item {
                category: (t % 4) as u8,
                price_cents: 0,
                seller: t,
            })
            .collect(),
        user_ids: ids,
        home_ip,
        device,
        city,
        mobile_ips: Vec::new(),
        farm_devices: Vec::new(),
        farm_ips: Vec::new(),
        boosted_items: Vec::new(),
        sellers: terminals as u32,
        brushing_seller: u32::MAX,
        compromised: Vec::new(),
        start_ms: config.start_ms,
        days: config.days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Scenario;

    #[test]
    fn terminals_are_sparse_and_compromises_make_normal_payments_fraud() {
        let config = SampleConfig {
            users: 2_000,
            days: 28,
            seed: 3,
            scenario: Scenario::SparseEntity,
            ..SampleConfig::default()
        };
        let s = generate_sparse(&config);
        let per_terminal_day = s.events.len() as f64 / (4_000.0 * 28.0);
        assert!((0.7..1.3).contains(&per_terminal_day), "{per_terminal_day}");
        let fraud = s.events.iter().filter(|e| e.fraud).count() as f64;
        let share = fraud / s.events.len() as f64;
        assert!((0.003..0.03).contains(&share), "{share}");
        // Most fraud is at normal amounts: the terminal's, not the payment's.
        let normal_amount = s
            .events
            .iter()
            .filter(|e| e.fraud && e.amount_cents.is_some_and(|a| a < 10_000))
            .count() as f64;
        assert!(normal_amount / fraud > 0.4, "{normal_amount} of {fraud}");
        let again = generate_sparse(&config);
        assert_eq!(
            again.events.len(),
            s.events.len(),
            "the same seed, the same log"
        );
    }
}
