//! The live watch's incremental event features against the whole-log pass: the bundled
//! sample's last events, pushed one by one after the rest as history, get the features the
//! whole log gives them.

use std::sync::Arc;

use vigil::features::{Dataset, LabelledLog, LiveFeatures};
use vigil::log::{self, Mapping};
use vigil::progress::NoProgress;
use vigil::workbench;

#[test]
fn pushed_events_get_the_whole_log_features() {
    let loaded = log::load(
        &workbench::bundled_sample(),
        &Mapping::default(),
        &NoProgress,
    )
    .unwrap();
    let whole = Arc::new(loaded.log);
    let ts = &whole.columns.ts_ms;
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "the sample is in time order"
    );
    // The last 4,000 events arrive live. The whole-log pass reads every label from when it
    // became known; so do the live features: the history's (some known only after its end)
    // and the new events' own.
    let first_new = whole.len() - 4_000;
    let at = ts[first_new];
    let first_new = ts.partition_point(|&t| t < at);
    let delay = workbench::defaults::label_delay_ms();
    let labelled = LabelledLog::new(whole.clone(), &[], delay);
    let index = labelled.index.clone();
    let data =
        Dataset::with_labels(whole.clone(), index, labelled.labels.clone(), &NoProgress).unwrap();
    let batch = &data.events;

    let before: Vec<bool> = ts.iter().map(|&t| t < at).collect();
    let history = LabelledLog::new(Arc::new(whole.filtered(&before)), &[], delay);
    let mut live = LiveFeatures::warm(&history.log, &history.labels, &NoProgress).unwrap();
    let names: Vec<_> = live.specs().iter().map(|s| s.name.clone()).collect();
    let batch_names: Vec<_> = batch.specs.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, batch_names);

    let mut growing = (*history.log).clone();
    let keep: Vec<bool> = ts.iter().map(|&t| t >= at).collect();
    growing.append(&whole.filtered(&keep), 0);
    let mut differing = 0;
    for (i, e) in (history.log.len()..growing.len()).enumerate() {
        let row = live.push(&growing, e);
        let expected = batch.values.row(first_new + i);
        for (k, (&a, &b)) in row.iter().zip(expected).enumerate() {
            let same = (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-4 * b.abs().max(1.0);
            if !same {
                differing += 1;
                if differing <= 5 {
                    eprintln!("event {e}, {}: live {a}, whole log {b}", names[k]);
                }
            }
        }
    }
    assert_eq!(differing, 0, "live features differ from the whole log's");
    // Labels do become known while the events arrive: the delayed-label features are not all
    // empty, so the comparison covers them.
    let known: Vec<usize> = (0..names.len())
        .filter(|&k| names[k].ends_with("_known_30d"))
        .collect();
    let learnt = (first_new..whole.len())
        .filter(|&e| known.iter().any(|&k| batch.values.get(e, k) > 0.0))
        .count();
    assert!(learnt > 1_000, "{learnt} new events see known labels");
}
