//! The event features by family, as a cluster computes them: a part of the log that holds
//! whole groups of one family (every event of some users, event types or entity values), with
//! what is known of its users' labels from their whole histories, gives that family's columns
//! exactly as the whole log does.

mod common;

use std::sync::Arc;

use std::collections::HashMap;

use vigil::features::{
    Block, BlockCounts, Blocks, EventFamily, GroupKey, LabelledLog, block_counts,
    entity_block_rows, family_features, family_features_in_block, family_groupings,
    sequence_context_from, type_block_rows,
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
    let (whole, _, _) = common::bundled_sample_featurised();
    let c = &whole.columns;
    let view = c.event.dict.lookup("view").unwrap();
    let busiest = c.event.codes.iter().filter(|&&t| t == view).count();
    // Parts of whole users compute the rows' blocks and the counts: any parts do.
    let parts = in_blocks_equals_the_whole_log(&EventFamily::EventType, &c.user.codes);
    let largest = parts
        .values()
        .map(|keep| keep.iter().filter(|&&k| k).count())
        .max()
        .unwrap_or(0);
    // A block's part holds a few days of events of every type, where the whole family read
    // the type's 37 days: the busiest type alone is more than any block's part.
    eprintln!("largest block part: {largest} events; view: {busiest} events");
    assert!(largest * 3 < busiest, "{largest} events in a block's part");
}

#[test]
fn an_entitys_family_in_blocks_of_time_is_exact_and_holds_a_few_days_of_a_value() {
    let (whole, _, _) = common::bundled_sample_featurised();
    let c = &whole.columns;
    assert!(!c.entities.is_empty());
    for entity in &c.entities {
        let codes = &entity.column.codes;
        let mut per_value: HashMap<u32, usize> = HashMap::new();
        for &v in codes.iter().filter(|&&v| v != NULL_CODE) {
            *per_value.entry(v).or_default() += 1;
        }
        let (&value, &busiest) = per_value.iter().max_by_key(|(_, n)| **n).unwrap();
        // Parts of whole (value, user) pairs: a use is its user's last until the pair's next.
        let pairs: Vec<u32> = codes
            .iter()
            .zip(&c.user.codes)
            .map(|(&v, &u)| v.wrapping_mul(31).wrapping_add(u))
            .collect();
        let family = EventFamily::Entity(entity.name.clone());
        let parts = in_blocks_equals_the_whole_log(&family, &pairs);
        // The busiest value in a block's part: its block, the day before, its users' last uses
        // (of the week before; of the block's users, the month before) and its undecided
        // labelled events, against its whole history.
        let largest = parts
            .values()
            .map(|keep| {
                (0..keep.len())
                    .filter(|&e| keep[e] && codes[e] == value)
                    .count()
            })
            .max()
            .unwrap_or(0);
        eprintln!(
            "{}: the busiest value has {busiest} events, at most {largest} in a block's part",
            entity.name
        );
        assert!(largest * 2 < busiest, "{largest} events in a block's part");
    }
}

/// Cuts `family` of the bundled sample's last week into blocks of a day as a cluster does
/// (parts by `part_key` give each row's blocks and their share of the counts, summed), then
/// computes each block's part alone: every column of every window event must equal the whole
/// log's. Returns each block's part, as the whole log's events it holds.
fn in_blocks_equals_the_whole_log(
    family: &EventFamily,
    part_key: &[u32],
) -> HashMap<i64, Vec<bool>> {
    let (whole, labelled, data) = common::bundled_sample_featurised();
    let delay = workbench::defaults::label_delay_ms();
    let known = labelled.labels.users_known(&whole);
    let day = 86_400_000i64;
    let (_, last) = whole.time_range_ms().unwrap();
    let from = sequence_context_from(last) - 6 * day;
    let names: Vec<&str> = data.events.specs.iter().map(|s| s.name.as_str()).collect();
    let block_ms = day;
    let blocks = from.div_euclid(block_ms)..=last.div_euclid(block_ms);
    let c = &whole.columns;
    let entity = match family {
        EventFamily::Entity(name) => c.entities.iter().find(|e| &e.name == name),
        _ => None,
    };

    let mut members: HashMap<i64, Vec<bool>> = HashMap::new();
    let mut summed: HashMap<(GroupKey, i64), BlockCounts> = HashMap::new();
    for part_of in 0..3u32 {
        let keep: Vec<bool> = part_key
            .iter()
            .zip(entity.map_or(&c.user.codes, |e| &e.column.codes))
            .map(|(&k, &v)| v != NULL_CODE && k.wrapping_mul(2_654_435_761) % 3 == part_of)
            .collect();
        let events: Vec<usize> = (0..whole.len()).filter(|&e| keep[e]).collect();
        let mut part = LabelledLog::new(Arc::new(whole.filtered(&keep)), &[], delay);
        part.labels.take_users_known(&part.log, &known);
        let pc = &part.log.columns;
        let rows = match entity {
            Some(e) => {
                let column = &pc
                    .entities
                    .iter()
                    .find(|x| x.name == e.name)
                    .unwrap()
                    .column;
                entity_block_rows(&part.log, &part.labels, block_ms, column, blocks.clone())
            }
            None => {
                let featured: Vec<bool> = pc.ts_ms.iter().map(|&t| t >= from).collect();
                type_block_rows(&part.log, &part.labels, block_ms, &featured, blocks.clone())
            }
        };
        for (local, b) in rows {
            members.entry(b).or_insert_with(|| vec![false; whole.len()])[events[local]] = true;
        }
        let groupings = family_groupings(&part.log, family);
        for counts in block_counts(
            &part.log,
            &part.labels,
            block_ms,
            blocks.clone(),
            &groupings,
        ) {
            let total = summed
                .entry((counts.group.clone(), counts.block))
                .or_insert_with(|| BlockCounts {
                    known: [0; 3],
                    fraud: [0; 3],
                    fraud_span: None,
                    ..counts.clone()
                });
            total.add(&counts);
        }
    }
    let counts: Vec<BlockCounts> = summed.into_values().collect();

    // Each block's part alone gives the window's columns of its events.
    let (mut compared, mut featured_events) = (0usize, 0usize);
    for b in blocks.clone() {
        let Some(keep) = members.get(&b) else {
            continue;
        };
        let events: Vec<usize> = (0..whole.len()).filter(|&e| keep[e]).collect();
        let mut part = LabelledLog::new(Arc::new(whole.filtered(keep)), &[], delay);
        part.labels.take_users_known(&part.log, &known);
        let featured: Vec<bool> = part.log.columns.ts_ms.iter().map(|&t| t >= from).collect();
        let block = Block::new(Blocks::new(block_ms, delay), b, &counts);
        let table = family_features_in_block(
            &part.log,
            &part.index,
            &part.labels,
            &featured,
            family,
            &block,
            &NoProgress,
        )
        .unwrap();
        for (r, &local) in table.rows.as_ref().unwrap().iter().enumerate() {
            let e = events[local as usize];
            assert_eq!(c.ts_ms[e].div_euclid(block_ms), b);
            featured_events += 1;
            for (j, spec) in table.specs.iter().enumerate() {
                let col = names.iter().position(|n| *n == spec.name).unwrap();
                let (a, w) = (table.values.get(r, j), data.events.values.get(e, col));
                assert!(
                    a == w || (a.is_nan() && w.is_nan()),
                    "{family:?}, block {b}, event {e}, {}: {a} in the block, {w} in the whole log",
                    spec.name
                );
                compared += 1;
            }
        }
    }
    // Every window event of the family's groups got its columns, once.
    let window = (0..whole.len())
        .filter(|&e| c.ts_ms[e] >= from)
        .filter(|&e| entity.is_none_or(|x| x.column.codes[e] != NULL_CODE))
        .count();
    assert_eq!(featured_events, window, "{family:?}: events featured");
    assert!(
        compared >= window * 4,
        "{compared} values of {window} events"
    );
    members
}
