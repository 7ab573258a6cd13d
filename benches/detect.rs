//! Feature extraction, training and scoring on the bundled sample (5,000 users, 365k events):
//! `cargo bench --bench detect`. Criterion repeats each at least ten times, so the sequence
//! models train for 2 epochs here (named in the benchmark); `benches/compare_detect.sh` times
//! every detector at its defaults, end to end, on the sample and on 2 million events.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use vigil::detect::{DetectorKind, TrainOptions, new_detector};
use vigil::features::Dataset;
use vigil::log::{self, Mapping};
use vigil::progress::NoProgress;

fn sample() -> (Arc<vigil::log::EventLog>, Vec<vigil::log::UserLabel>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = log::load(
        &root.join("sample_data/shop.csv.gz"),
        &Mapping::default(),
        &NoProgress,
    )
    .expect("the bundled sample loads");
    let labels =
        log::read_labels(&root.join("sample_data/shop_labels.csv")).expect("its labels load");
    (Arc::new(loaded.log), labels)
}

fn bench(c: &mut Criterion) {
    let (log, labels) = sample();
    let mut g = c.benchmark_group("detect");
    g.sample_size(10);
    g.bench_function("features_sample", |b| {
        b.iter(|| Dataset::build(log.clone(), &labels, 0, &NoProgress).expect("features"))
    });
    let data = Dataset::build(log.clone(), &labels, 0, &NoProgress).expect("features");
    for kind in DetectorKind::ALL {
        let sequence = matches!(kind, DetectorKind::Gru | DetectorKind::CnnGru);
        let options = TrainOptions {
            epochs: if sequence { 2 } else { 0 },
            ..TrainOptions::all_users(&data, 1)
        };
        let mut trained = new_detector(kind);
        trained.fit(&data, &options, &NoProgress).expect("trains");
        let name = match sequence {
            true => format!("train_{kind}_sample_2_epochs"),
            false => format!("train_{kind}_sample"),
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut d = new_detector(kind);
                d.fit(&data, &options, &NoProgress).expect("trains");
            })
        });
        g.bench_function(format!("score_{kind}_sample"), |b| {
            b.iter(|| trained.score(&data, &NoProgress).expect("scores"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
