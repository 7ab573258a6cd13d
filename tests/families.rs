//! The event features by family, as a cluster computes them: a part of the log that holds
//! whole groups of one family (every event of some users, event types or entity values), with
//! what is known of its users' labels from their whole histories, gives that family's columns
//! exactly as the whole log does.

mod common;

use std::sync::Arc;

use vigil::features::{EventFamily, LabelledLog, family_features, sequence_context_from};
use vigil::log::NULL_CODE;
use vigil::progress::NoProgress;
use vigil::workbench;

#[test]
fn a_part_of_whole_groups_gives_its_familys_features_as_the_whole_log() {
    let (whole, labelled, data) = common::bundled_sample_featurised();
    let delay = workbench::defaults::label_delay_ms();
    let known = labelled.labels.users_known(&whole);
    let names: Vec<&str> = data.events.specs.iter().map(|s| s.name.as_str()).collect();
    let c = &whole.columns;
    // The last week's events get features; everything before is history.
    let (_, last) = whole.time_range_ms().unwrap();
    let from = sequence_context_from(last) - 6 * 86_400_000;
    let families = EventFamily::all_of(&whole);
    assert_eq!(families.len(), 2 + c.entities.len());
    let mut compared = 0usize;
    for family in &families {
        // Each group's key: the user, the event type, or the entity's value.
        let key: &[u32] = match family {
            EventFamily::User => &c.user.codes,
            EventFamily::EventType => &c.event.codes,
            EventFamily::Entity(name) => {
                &c.entities
                    .iter()
                    .find(|e| &e.name == name)
                    .unwrap()
                    .column
                    .codes
            }
        };
        let mut columns_seen = 0;
        for part_of in 0..3u32 {
            let keep: Vec<bool> = key
                .iter()
                .map(|&k| k != NULL_CODE && k.wrapping_mul(2_654_435_761) % 3 == part_of)
                .collect();
            let events: Vec<usize> = (0..whole.len()).filter(|&e| keep[e]).collect();
            let mut part = LabelledLog::new(Arc::new(whole.filtered(&keep)), &[], delay);
            part.labels.take_users_known(&part.log, &known);
            let window: Vec<bool> = part.log.columns.ts_ms.iter().map(|&t| t >= from).collect();
            let table = family_features(
                &part.log,
                &part.index,
                &part.labels,
                &window,
                family,
                &NoProgress,
            )
            .unwrap();
            columns_seen = table.specs.len();
            let rows = table.rows.clone().unwrap();
            for (r, &local) in rows.iter().enumerate() {
                let e = events[local as usize];
                for (j, spec) in table.specs.iter().enumerate() {
                    let col = names.iter().position(|n| *n == spec.name).unwrap();
                    let (a, b) = (table.values.get(r, j), data.events.values.get(e, col));
                    assert!(
                        a == b || (a.is_nan() && b.is_nan()),
                        "{family:?}, event {e}, {}: {a} in the part, {b} in the whole log",
                        spec.name
                    );
                    compared += 1;
                }
            }
        }
        assert!(columns_seen > 0, "{family:?} has columns");
    }
    assert!(compared > 100_000, "{compared} values compared");
}
