//! `ingest`: loading a generated shop log of at least 2 million events (~150 MB of CSV).
//!
//! The log is generated once into `target/bench-data/` and reused. Compare against pandas with
//! `bash benches/compare_ingest.sh` (same file, wall time and peak memory of both).

use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use vigil::log::{self, Mapping};
use vigil::progress::NoProgress;
use vigil::sample::{self, SampleConfig};

const MIN_EVENTS: usize = 2_000_000;

/// A generated log with at least `MIN_EVENTS` events, made once per checkout.
fn bench_log() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join("shop_2m.csv");
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("create target/bench-data");
    // Size the population from a small run's events per user.
    let probe = sample::generate(&SampleConfig {
        users: 2000,
        ..Default::default()
    });
    let per_user = probe.events.len() as f64 / probe.users.len() as f64;
    let users = (MIN_EVENTS as f64 / per_user * 1.03).ceil() as usize;
    let s = sample::generate(&SampleConfig {
        users,
        ..Default::default()
    });
    assert!(
        s.events.len() >= MIN_EVENTS,
        "only {} events",
        s.events.len()
    );
    sample::write_log(&s, &path).expect("write bench log");
    path
}

fn ingest(c: &mut Criterion) {
    let path = bench_log();
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("csv_2m_events", |b| {
        b.iter(|| {
            let loaded =
                log::load(&path, &Mapping::default(), &NoProgress).expect("bench log loads");
            assert!(loaded.log.len() >= MIN_EVENTS);
            loaded
        })
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
