//! The sample generator: same seed → same bytes; every scenario present; the log looks like
//! a shop (funnels, daily rhythm, shared devices) and loads back with its labels.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::{stdout, vigil};
use vigil::log::{self, Mapping};
use vigil::progress::NoProgress;
use vigil::sample::{self, Persona, SampleConfig};

fn small() -> SampleConfig {
    SampleConfig {
        users: 600,
        days: 14,
        seed: 11,
        ..Default::default()
    }
}

#[test]
fn same_seed_same_bytes_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "csv.gz", "parquet"] {
        let mut files = Vec::new();
        for run in 0..2 {
            let out = dir.path().join(format!("run{run}.{ext}"));
            let labels = dir.path().join(format!("labels{run}.csv"));
            let o = vigil(&[
                "gen-sample",
                "--users",
                "400",
                "--days",
                "7",
                "--seed",
                "3",
                "--out",
                out.to_str().unwrap(),
                "--labels-out",
                labels.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", common::stderr(&o));
            assert!(stdout(&o).contains("400 users"), "{}", stdout(&o));
            files.push((std::fs::read(out).unwrap(), std::fs::read(labels).unwrap()));
        }
        assert!(files[0] == files[1], "{ext}: two runs differ");
    }
    let other = dir.path().join("seed4.csv");
    vigil(&[
        "gen-sample",
        "--users",
        "400",
        "--days",
        "7",
        "--seed",
        "4",
        "--out",
        other.to_str().unwrap(),
    ]);
    assert_ne!(
        std::fs::read(other).unwrap(),
        std::fs::read(dir.path().join("run0.csv")).unwrap(),
        "another seed, another log"
    );
}

#[test]
fn every_scenario_and_segment_is_present_with_events() {
    let s = sample::generate(&small());
    let mut events_by_persona: BTreeMap<Persona, usize> = BTreeMap::new();
    let mut fraud_events_by_persona: BTreeMap<Persona, usize> = BTreeMap::new();
    for e in &s.events {
        let p = s.users[e.user as usize].persona;
        *events_by_persona.entry(p).or_default() += 1;
        if e.fraud {
            *fraud_events_by_persona.entry(p).or_default() += 1;
            // A legit account's event is fraud only at a seller: a compromised checkout's
            // payment, or an order of the brushing seller's campaign.
            let seller = e.item.map(|i| s.shop.items[i as usize].seller);
            assert!(
                p.is_fraud()
                    || seller == Some(s.shop.brushing_seller)
                    || s.shop.compromised.iter().any(|c| Some(c.0) == seller),
                "a legit user has a fraud event outside the seller scenarios"
            );
        }
    }
    for p in Persona::FRAUD {
        assert!(
            fraud_events_by_persona.get(&p).copied().unwrap_or(0) > 0,
            "{p:?} has no fraud events"
        );
    }
    for p in [
        Persona::Browser,
        Persona::RegularBuyer,
        Persona::BargainHunter,
        Persona::BigSpender,
    ] {
        assert!(
            events_by_persona.get(&p).copied().unwrap_or(0) > 0,
            "{p:?} has no events"
        );
    }
    let fraud_users = s.users.iter().filter(|u| u.persona.is_fraud()).count();
    let share = fraud_users as f64 / s.users.len() as f64;
    assert!((0.03..=0.06).contains(&share), "fraud share {share}");
}

#[test]
fn seller_fraud_spans_many_buyers_over_weeks() {
    let s = sample::generate(&SampleConfig {
        users: 3000,
        days: 30,
        seed: 11,
        ..Default::default()
    });
    let seller_of = |e: &sample::Event| e.item.map(|i| s.shop.items[i as usize].seller);
    for &(seller, from, until) in &s.shop.compromised {
        assert!(
            until - from >= 7 * vigil::time_units::DAY_MS
                || until == s.config.start_ms + 30 * vigil::time_units::DAY_MS
        );
        let buyers: BTreeSet<u32> = s
            .events
            .iter()
            .filter(|e| e.fraud && seller_of(e) == Some(seller))
            .map(|e| e.user)
            .collect();
        let legit_buyers = buyers
            .iter()
            .filter(|&&u| !s.users[u as usize].persona.is_fraud())
            .count();
        assert!(legit_buyers >= 3, "seller {seller}: {legit_buyers} victims");
        // Outside its window the same checkout's payments are legit.
        assert!(
            s.events
                .iter()
                .any(|e| { seller_of(e) == Some(seller) && e.kind.name() == "pay" && !e.fraud })
        );
    }
    let campaign: BTreeSet<u32> = s
        .events
        .iter()
        .filter(|e| e.fraud && seller_of(e) == Some(s.shop.brushing_seller))
        .filter(|e| !s.users[e.user as usize].persona.is_fraud())
        .map(|e| e.user)
        .collect();
    assert!(
        campaign.len() >= 20,
        "{} recruited accounts",
        campaign.len()
    );
}

#[test]
fn the_log_looks_like_a_shop() {
    let s = sample::generate(&small());
    let count = |name: &str| s.events.iter().filter(|e| e.kind.name() == name).count();
    // Funnels narrow: views > carts > orders, and most orders are paid.
    assert!(count("view") > 5 * count("cart"));
    assert!(count("cart") > count("order") / 2);
    assert!(count("pay") * 10 > count("order") * 7);
    // Daily rhythm: evenings busier than small hours (for legit users).
    let hour = |e: &sample::Event| (e.ts_ms / vigil::time_units::HOUR_MS) % 24;
    let legit: Vec<_> = s.events.iter().filter(|e| !e.fraud).collect();
    let night = legit.iter().filter(|e| (2..6).contains(&hour(e))).count();
    let evening = legit.iter().filter(|e| (19..23).contains(&hour(e))).count();
    assert!(evening > 4 * night, "evening {evening} night {night}");
    // Households share IPs; the fraud farm shares devices across accounts.
    let mut users_per_device: HashMap<u32, BTreeSet<u32>> = HashMap::new();
    for e in &s.events {
        users_per_device.entry(e.device).or_default().insert(e.user);
    }
    let shared_fraud_device = users_per_device
        .values()
        .any(|u| u.len() >= 3 && u.iter().all(|&x| s.users[x as usize].persona.is_fraud()));
    assert!(shared_fraud_device, "a ring or farm shares a device");
    // Sorted by time, within the configured month.
    assert!(s.events.windows(2).all(|w| w[0].ts_ms <= w[1].ts_ms));
    let start = s.config.start_ms;
    assert!(
        s.events
            .iter()
            .all(|e| e.ts_ms >= start && e.ts_ms < start + 14 * vigil::time_units::DAY_MS)
    );
    // Bots are machine-regular: their gaps within a run vary by milliseconds, not seconds.
    let bot = s
        .users
        .iter()
        .position(|u| u.persona == Persona::Bot)
        .unwrap() as u32;
    let ts: Vec<i64> = s
        .events
        .iter()
        .filter(|e| e.user == bot)
        .map(|e| e.ts_ms)
        .collect();
    let gaps: Vec<i64> = ts
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|g| *g < 5_000)
        .collect();
    let (lo, hi) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
    assert!(hi - lo <= 1_600, "bot gaps {lo}..{hi}");
}

#[test]
fn generated_log_loads_with_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    let s = sample::generate(&small());
    let p = dir.path().join("s.csv.gz");
    sample::write_log(&s, &p).unwrap();
    let labels_path = dir.path().join("labels.csv");
    sample::write_labels(&s, &labels_path).unwrap();
    let l = log::load(&p, &Mapping::default(), &NoProgress).unwrap();
    let r = &l.report;
    assert_eq!(r.events, s.events.len() as u64);
    assert_eq!(r.rows_rejected, 0);
    assert_eq!(r.duplicates_removed, 0);
    assert!(r.unsure_roles.is_empty(), "{:?}", r.unsure_roles);
    for role in [
        "user",
        "time",
        "event",
        "amount",
        "item",
        "category",
        "label",
        "entity:device",
        "entity:ip",
        "entity:seller",
    ] {
        assert!(r.mapping.contains_key(role), "{role} not detected");
    }
    let fraud_events = s.events.iter().filter(|e| e.fraud).count() as u64;
    assert_eq!(r.labels.as_ref().unwrap().positive, fraud_events);
    let text = std::fs::read_to_string(&labels_path).unwrap();
    assert!(text.starts_with("user,label,scenario\n"));
    assert_eq!(text.lines().count(), s.users.len() + 1);
    for p in Persona::FRAUD {
        assert!(
            text.contains(&format!(",1,{}\n", p.name())),
            "{p:?} missing from labels"
        );
    }
}
