//! The last read of a log through an encoder, kept for the process. A retrain after new
//! labels, the rescore after it and the accounts' readings all read the same log through the
//! same encoder, and each read of the bundled sample costs seconds; only the heads change.

use std::sync::{Arc, Mutex, PoisonError};

use super::supervised::ReadAll;
use crate::detect::Fingerprint;
use crate::features::Dataset;

/// Which encoder read which log, and whether the readings were kept.
#[derive(Clone, PartialEq)]
pub(super) struct ReadKey {
    /// A hash of the encoder's weights.
    encoder: u64,
    /// The log's fingerprint (every event's time and account).
    log: String,
    events: usize,
}

impl ReadKey {
    pub fn new(encoder: u64, data: &Dataset) -> Self {
        Self {
            encoder,
            log: Fingerprint::of(data).hash,
            events: data.log.len(),
        }
    }
}

static LAST_READ: Mutex<Option<(ReadKey, Arc<ReadAll>)>> = Mutex::new(None);

/// The last read under `key`, when it kept the readings or none are asked for.
pub(super) fn cached(key: &ReadKey, readings: bool) -> Option<Arc<ReadAll>> {
    let last = LAST_READ.lock().unwrap_or_else(PoisonError::into_inner);
    let (k, read) = last.as_ref()?;
    (k == key && (read.has_readings() || !readings)).then(|| read.clone())
}

/// Keeps `read` as the last one, in place of any other.
pub(super) fn keep(key: ReadKey, read: Arc<ReadAll>) {
    *LAST_READ.lock().unwrap_or_else(PoisonError::into_inner) = Some((key, read));
}
