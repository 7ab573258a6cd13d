//! A part of whole users as a dataset, with the event features the family stages computed for
//! its events: what the `score` and `collect` stages read.

use std::path::Path;
use std::sync::Arc;

use super::super::error::Result;
use super::exchange::{GivenFeatures, TypeCount, read_event_features, read_rows};
use crate::features::{
    AccountFeatures, Dataset, LabelledLog, account_features_with_types, event_features_given,
    main_type_names,
};
use crate::log::EventLog;
use crate::progress::Progress;

/// `part`'s dataset: its own account features (its users are whole), but for the per-type
/// columns (the main types of the whole log, from `type_counts`) and `shared:<entity>`
/// (counted over the whole log and given to each event's account); each event's features as
/// `features` gives them. Returns how many events have features too.
pub(super) fn given_dataset(
    part: LabelledLog,
    features: &Path,
    type_counts: &Path,
    progress: &dyn Progress,
) -> Result<(Dataset, usize)> {
    let counts: Vec<TypeCount> = read_rows(type_counts)?;
    let main_types = main_type_names(counts.iter().map(|c| (c.event.as_str(), c.events)));
    let log = part.log.clone();
    let mut account = account_features_with_types(&log, &part.index, &main_types, progress)?;
    let given = read_event_features(features, &log)?;
    take_sharing(&mut account, &given, &log);
    let featured = given.events.len();
    let events = event_features_given(&log, given.events.clone(), |name| {
        given.columns.get(name).cloned()
    });
    let dict = &log.columns.event.dict;
    let data = Dataset {
        main_types: main_types
            .iter()
            .filter_map(|n| Some((dict.lookup(n)?, n.clone())))
            .collect(),
        log: part.log,
        index: Arc::new(part.index),
        labels: part.labels,
        account: Arc::new(account),
        events: Arc::new(events),
    };
    Ok((data, featured))
}

/// The `shared:<entity>` account features from the events' columns of that name: sharing is
/// counted over the whole log, not this part, and the cluster hands each event its account's.
/// An account with no value of the entity has no sharing row, so its events' column is empty:
/// it met no one there (0), as the whole log counts it.
fn take_sharing(account: &mut AccountFeatures, given: &GivenFeatures, log: &EventLog) {
    for (j, spec) in account.specs.iter().enumerate() {
        let Some(values) = spec
            .name
            .starts_with("shared:")
            .then(|| given.columns.get(&spec.name))
            .flatten()
        else {
            continue;
        };
        for (&e, &v) in given.events.iter().zip(values) {
            if let Some(u) = log.user_of(e as usize) {
                account
                    .values
                    .set(u.index(), j, if v.is_nan() { 0.0 } else { v });
            }
        }
    }
}
