//! The shop's world: catalogue, user ids, households with shared IPs and devices, and the
//! per-user context that scenario code uses to emit events.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::config::{SampleConfig, Scenario};
use super::event::{Event, EventKind};
use super::persona::Persona;
use crate::time_units::{DAY_MS, HOUR_MS};

/// (name, share of catalogue, median price in yuan, log-spread of price)
pub const CATEGORIES: &[(&str, f64, f64, f64)] = &[
    ("electronics", 0.12, 320.0, 0.8),
    ("clothing", 0.22, 45.0, 0.5),
    ("books", 0.10, 18.0, 0.4),
    ("home", 0.14, 60.0, 0.7),
    ("beauty", 0.12, 30.0, 0.5),
    ("grocery", 0.14, 12.0, 0.5),
    ("toys", 0.08, 35.0, 0.6),
    ("sports", 0.08, 55.0, 0.6),
];
pub const ELECTRONICS: u8 = 0;
pub const GROCERY: u8 = 5;

pub const CITIES: &[&str] = &[
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆",
];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "小明", "晓燕",
];

const N_ITEMS: usize = 2000;
const N_MOBILE_IPS: usize = 300;
const N_SELLERS: u32 = 120;

pub struct Item {
    pub category: u8,
    pub price_cents: i64,
    /// The marketplace seller who lists it.
    pub seller: u32,
}

pub struct Shop {
    pub items: Vec<Item>,
    pub user_ids: Vec<String>,
    pub home_ip: Vec<u32>,
    pub device: Vec<u32>,
    pub city: Vec<u8>,
    /// Carrier NAT addresses: many unrelated legit users share them.
    pub mobile_ips: Vec<u32>,
    /// Devices and addresses of the brushing farm, shared by its accounts.
    pub farm_devices: Vec<u32>,
    pub farm_ips: Vec<u32>,
    /// Items the brushing farm boosts: all listed by `brushing_seller`.
    pub boosted_items: Vec<u32>,
    /// Sellers on the marketplace, and the one who buys brushing.
    pub sellers: u32,
    pub brushing_seller: u32,
    /// Sellers whose checkout is compromised, from and until when (ms).
    pub compromised: Vec<(u32, i64, i64)>,
    pub start_ms: i64,
    pub days: u32,
}

/// Standard normal by Box-Muller.
pub fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

pub fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// A Poisson draw (Knuth's method: the rates here are small).
pub fn poisson(rng: &mut ChaCha8Rng, rate: f64) -> u32 {
    let limit = (-rate).exp();
    let (mut k, mut p) = (0, rng.random::<f64>());
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

pub fn random_ip(rng: &mut ChaCha8Rng) -> u32 {
    let a = rng.random_range(1u32..224);
    (a << 24) | rng.random_range(0u32..1 << 24)
}

/// An item of a category drawn by the categories' shares, priced by its category.
fn random_item(rng: &mut ChaCha8Rng) -> Item {
    let mut r: f64 = rng.random();
    let mut category = 0;
    for (i, c) in CATEGORIES.iter().enumerate() {
        if r < c.1 {
            category = i;
            break;
        }
        r -= c.1;
    }
    let (_, _, median, sigma) = CATEGORIES[category];
    let price = lognormal(rng, median, sigma).clamp(1.0, 20_000.0);
    Item {
        category: category as u8,
        price_cents: (price * 100.0).round() as i64,
        seller: 0,
    }
}

/// Unique 6-digit numbers in random order; some users carry a Chinese nickname.
pub(super) fn user_ids(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    let mut numbers: Vec<u32> = (0..n as u32).map(|i| 100_000 + i * 7).collect();
    for i in (1..n).rev() {
        numbers.swap(i, rng.random_range(0..=i));
    }
    numbers
        .iter()
        .map(|&num| {
            if rng.random_bool(0.08) {
                let s = SURNAMES[rng.random_range(0..SURNAMES.len())];
                let g = GIVEN[rng.random_range(0..GIVEN.len())];
                format!("{s}{g}_{num}")
            } else {
                format!("u{num}")
            }
        })
        .collect()
}

/// Each user's home IP, device and city.
struct Households {
    home_ip: Vec<u32>,
    device: Vec<u32>,
    city: Vec<u8>,
}

/// Legit users live in households of 1-4 sharing a home IP and sometimes a tablet; a fraud
/// account lives alone.
fn households(rng: &mut ChaCha8Rng, personas: &[Persona]) -> Households {
    let n = personas.len();
    let mut h = Households {
        home_ip: vec![0; n],
        device: vec![0; n],
        city: vec![0; n],
    };
    let mut i = 0;
    while i < n {
        let size = match rng.random::<f64>() {
            r if r < 0.6 => 1,
            r if r < 0.85 => 2,
            _ => rng.random_range(3..=4),
        };
        let ip = random_ip(rng);
        let c = rng.random_range(0..CITIES.len()) as u8;
        let shared_tablet = (size > 1 && rng.random_bool(0.2)).then(|| rng.random::<u32>());
        let end = (i + size).min(n);
        for (u, persona) in personas.iter().enumerate().take(end).skip(i) {
            let solo = persona.is_fraud();
            h.home_ip[u] = if solo { random_ip(rng) } else { ip };
            h.city[u] = if solo {
                rng.random_range(0..CITIES.len()) as u8
            } else {
                c
            };
            h.device[u] = match shared_tablet {
                Some(t) if !solo && u > i => t,
                _ => rng.random(),
            };
        }
        i = end;
    }
    h
}

impl Shop {
    pub fn new(rng: &mut ChaCha8Rng, personas: &[Persona], config: &SampleConfig) -> Self {
        // The draws keep their order (items, ids, households, then the shared addresses): the
        // same seed gives the same shop, byte for byte.
        let items = (0..N_ITEMS).map(|_| random_item(rng)).collect();
        let user_ids = user_ids(rng, personas.len());
        let Households {
            home_ip,
            device,
            city,
        } = households(rng, personas);
        let mobile_ips = (0..N_MOBILE_IPS).map(|_| random_ip(rng)).collect();
        let farm_devices = (0..4).map(|_| rng.random()).collect();
        let farm_ips = (0..3).map(|_| random_ip(rng)).collect();
        let mut shop = Self {
            items,
            user_ids,
            home_ip,
            device,
            city,
            mobile_ips,
            farm_devices,
            farm_ips,
            boosted_items: Vec::new(),
            sellers: N_SELLERS,
            brushing_seller: 0,
            compromised: Vec::new(),
            start_ms: config.start_ms,
            days: config.days,
        };
        shop.open_marketplace(config);
        shop
    }

    /// Sellers for every item, the brushing farm's client and the compromised checkouts, from
    /// a stream of their own (so the users and their events do not change with them).
    fn open_marketplace(&mut self, config: &SampleConfig) {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        rng.set_stream(u64::MAX - 1);
        for item in &mut self.items {
            item.seller = rng.random_range(0..N_SELLERS);
        }
        self.brushing_seller = rng.random_range(0..N_SELLERS);
        let listed: Vec<u32> = (0..self.items.len() as u32)
            .filter(|&i| self.items[i as usize].seller == self.brushing_seller)
            .collect();
        self.boosted_items = (0..8)
            .map(|_| listed[rng.random_range(0..listed.len())])
            .collect();
        // About one compromised checkout per thousand users, each open two to four weeks; in
        // the entity-drift shop one per 200 users, each one to three weeks, so new ones open
        // every week.
        let (n, weeks) = match config.scenario {
            Scenario::Shop | Scenario::SparseEntity | Scenario::Takeover => {
                ((config.users / 1000).clamp(2, 20), 2..=4)
            }
            Scenario::EntityDrift => ((config.users / 200).clamp(3, N_SELLERS as usize / 2), 1..=3),
        };
        let day = |d: u32| config.start_ms + d as i64 * DAY_MS;
        while self.compromised.len() < n {
            let seller = rng.random_range(0..N_SELLERS);
            if seller == self.brushing_seller || self.compromised.iter().any(|c| c.0 == seller) {
                continue;
            }
            let from = rng.random_range(0..config.days.max(2) - 1);
            let weeks = rng.random_range(weeks.clone());
            self.compromised
                .push((seller, day(from), day((from + 7 * weeks).min(config.days))));
        }
    }
}

/// What kind of item a user tends to look at.
#[derive(Clone, Copy, PartialEq)]
pub enum Taste {
    Any,
    Cheap,
    Expensive,
    Category(u8),
}

/// Emits one user's events: the current device, IP and city apply to what is emitted.
pub struct UserCtx<'a> {
    pub shop: &'a Shop,
    pub user: u32,
    pub rng: &'a mut ChaCha8Rng,
    out: &'a mut Vec<Event>,
    pub device: u32,
    pub ip: u32,
    pub city: u8,
}

impl<'a> UserCtx<'a> {
    pub fn new(
        shop: &'a Shop,
        user: u32,
        rng: &'a mut ChaCha8Rng,
        out: &'a mut Vec<Event>,
    ) -> Self {
        let u = user as usize;
        Self {
            shop,
            user,
            device: shop.device[u],
            ip: shop.home_ip[u],
            city: shop.city[u],
            rng,
            out,
        }
    }

    pub fn days(&self) -> u32 {
        self.shop.days
    }

    /// Back to the user's own device, home address and city.
    pub fn at_home(&mut self) {
        let u = self.user as usize;
        self.device = self.shop.device[u];
        self.ip = self.shop.home_ip[u];
        self.city = self.shop.city[u];
    }

    pub fn emit(
        &mut self,
        ts_ms: i64,
        kind: EventKind,
        item: Option<u32>,
        amount_cents: Option<i64>,
        fraud: bool,
    ) {
        self.out.push(Event {
            ts_ms,
            user: self.user,
            kind,
            item,
            amount_cents,
            device: self.device,
            ip: self.ip,
            city: self.city,
            promo: false,
            fraud,
        });
    }

    /// Marks the last emitted event as using a promotion code.
    pub fn with_promo(&mut self) {
        if let Some(e) = self.out.last_mut() {
            e.promo = true;
        }
    }

    /// A session start on `day`, following the shop's daily rhythm (quiet nights, busy evenings).
    pub fn session_start(&mut self, day: u32) -> i64 {
        const HOUR_WEIGHT: [f64; 24] = [
            3.0, 1.5, 0.8, 0.5, 0.4, 0.5, 1.0, 2.0, 3.5, 4.5, 5.0, 5.5, 6.5, 6.0, 5.0, 5.0, 5.5,
            6.0, 6.5, 7.5, 9.0, 9.5, 8.0, 5.5,
        ];
        let total: f64 = HOUR_WEIGHT.iter().sum();
        let mut r = self.rng.random::<f64>() * total;
        let mut hour = 23;
        for (h, w) in HOUR_WEIGHT.iter().enumerate() {
            if r < *w {
                hour = h;
                break;
            }
            r -= w;
        }
        self.day_start(day) + hour as i64 * HOUR_MS + self.rng.random_range(0..HOUR_MS)
    }

    pub fn day_start(&self, day: u32) -> i64 {
        self.shop.start_ms + day as i64 * DAY_MS
    }

    /// A human pause between clicks: log-normal around `median_secs`.
    pub fn human_gap(&mut self, median_secs: f64) -> i64 {
        (lognormal(self.rng, median_secs, 0.9) * 1000.0).clamp(400.0, 1_800_000.0) as i64
    }

    /// Popular items are picked more often (a long tail); `taste` narrows the choice.
    pub fn pick_item(&mut self, taste: Taste) -> u32 {
        for _ in 0..64 {
            let u: f64 = self.rng.random();
            let i = ((u * u) * self.shop.items.len() as f64) as usize;
            let item = &self.shop.items[i];
            let median = CATEGORIES[item.category as usize].2 * 100.0;
            let ok = match taste {
                Taste::Any => true,
                Taste::Cheap => (item.price_cents as f64) < median,
                Taste::Expensive => (item.price_cents as f64) > median,
                Taste::Category(c) => item.category == c,
            };
            if ok {
                return i as u32;
            }
        }
        self.rng.random_range(0..self.shop.items.len() as u32)
    }

    pub fn price(&self, item: u32) -> i64 {
        self.shop.items[item as usize].price_cents
    }

    pub fn mobile_ip(&mut self) -> u32 {
        self.shop.mobile_ips[self.rng.random_range(0..self.shop.mobile_ips.len())]
    }
}
