//! The event features by family, as a cluster computes them: a part of the log that holds
//! whole groups of one family (every event of some users, event types or entity values), with
//! what is known of its users' labels from their whole histories, gives that family's columns
//! exactly as the whole log does.

mod common;

use std::sync::Arc;

use std::collections::HashMap;

use vigil::features::{
    EventFamily, LabelledLog, TypeBlock, TypeCounts, event_type_features_in_block, family_features,
    sequence_context_from, type_block_counts, type_block_rows,
};
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

#[test]
fn the_event_type_family_in_blocks_of_time_is_exact_and_holds_a_few_days_of_a_type() {
    let (whole, labelled, data) = common::bundled_sample_featurised();
    let delay = workbench::defaults::label_delay_ms();
    let known = labelled.labels.users_known(&whole);
    let day = 86_400_000i64;
    let (_, last) = whole.time_range_ms().unwrap();
    let from = sequence_context_from(last) - 6 * day;
    let names: Vec<&str> = data.events.specs.iter().map(|s| s.name.as_str()).collect();
    let block_ms = day;
    let blocks = from.div_euclid(block_ms)..=last.div_euclid(block_ms);

    // As a cluster does it: parts of whole users compute each event's blocks and their share
    // of the counts, and the counts are summed.
    let c = &whole.columns;
    let mut members: HashMap<i64, Vec<bool>> = HashMap::new();
    let mut summed: HashMap<(String, i64), TypeCounts> = HashMap::new();
    for part_of in 0..3u32 {
        let keep: Vec<bool> = c
            .user
            .codes
            .iter()
            .map(|&u| u.wrapping_mul(2_654_435_761) % 3 == part_of)
            .collect();
        let events: Vec<usize> = (0..whole.len()).filter(|&e| keep[e]).collect();
        let mut part = LabelledLog::new(Arc::new(whole.filtered(&keep)), &[], delay);
        part.labels.take_users_known(&part.log, &known);
        let featured: Vec<bool> = part.log.columns.ts_ms.iter().map(|&t| t >= from).collect();
        for (local, b) in type_block_rows(&part.log, &part.labels, block_ms, &featured) {
            members.entry(b).or_insert_with(|| vec![false; whole.len()])[events[local]] = true;
        }
        for counts in type_block_counts(&part.log, &part.labels, block_ms, blocks.clone()) {
            let total = summed
                .entry((counts.event.clone(), counts.block))
                .or_insert_with(|| TypeCounts {
                    known: [0; 3],
                    fraud: [0; 3],
                    ..counts.clone()
                });
            for w in 0..3 {
                total.known[w] += counts.known[w];
                total.fraud[w] += counts.fraud[w];
            }
        }
    }
    let counts: Vec<TypeCounts> = summed.into_values().collect();

    // Each block's part alone gives the window's event type columns of its events.
    let busiest = (0..whole.len())
        .filter(|&e| c.event.codes[e] == c.event.dict.lookup("view").unwrap())
        .count();
    let (mut compared, mut largest) = (0usize, 0usize);
    for b in blocks.clone() {
        let Some(keep) = members.get(&b) else {
            continue;
        };
        let events: Vec<usize> = (0..whole.len()).filter(|&e| keep[e]).collect();
        largest = largest.max(events.len());
        let mut part = LabelledLog::new(Arc::new(whole.filtered(keep)), &[], delay);
        part.labels.take_users_known(&part.log, &known);
        let featured: Vec<bool> = part.log.columns.ts_ms.iter().map(|&t| t >= from).collect();
        let block = TypeBlock::new(&part.log, &part.labels, block_ms, b, &counts);
        let table = event_type_features_in_block(
            &part.log,
            &part.index,
            &part.labels,
            &featured,
            &block,
            &NoProgress,
        )
        .unwrap();
        for (r, &local) in table.rows.as_ref().unwrap().iter().enumerate() {
            let e = events[local as usize];
            assert_eq!(c.ts_ms[e].div_euclid(block_ms), b);
            for (j, spec) in table.specs.iter().enumerate() {
                let col = names.iter().position(|n| *n == spec.name).unwrap();
                let (a, w) = (table.values.get(r, j), data.events.values.get(e, col));
                assert!(
                    a == w || (a.is_nan() && w.is_nan()),
                    "block {b}, event {e}, {}: {a} in the block, {w} in the whole log",
                    spec.name
                );
                compared += 1;
            }
        }
    }
    let window = c.ts_ms.iter().filter(|&&t| t >= from).count();
    assert!(
        compared >= window * 4,
        "{compared} values of {window} events"
    );
    // A block's part holds a few days of events of every type, where the whole family read
    // the type's 37 days: the busiest type alone is more than any block's part.
    eprintln!("largest block part: {largest} events; view: {busiest} events");
    assert!(largest * 3 < busiest, "{largest} events in a block's part");
}
