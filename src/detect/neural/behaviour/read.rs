//! What the encoder made of a log's events (`ReadAll`: each event's surprise and, when asked,
//! its reading), computed in batches of passes. The last read is kept for the process: a
//! retrain after new labels, the rescore after it and the accounts' readings all read the same
//! log through the same encoder, and each read of the bundled sample costs seconds. It holds
//! 136 bytes per event with the readings (47 MB for the bundled sample).

use std::sync::{Arc, Mutex, PoisonError};

use super::detector::{BehaviourDetector, passes_by_length};
use super::net::WIDTH;
use super::scoring::{EventSurprise, chunk_surprise, no_surprise};
use crate::detect::neural::compute_device;
use crate::detect::{DetectError, Fingerprint};
use crate::features::{Dataset, GroupMeans, Matrix, Pass, TokenVocab};
use crate::progress::{Progress, Stage};

/// What the encoder made of every event of a dataset.
pub(super) struct ReadAll {
    pub surprise: Vec<EventSurprise>,
    /// `WIDTH` values per event of the log (NaN for one the model did not read), when asked.
    pub readings: Option<Vec<f32>>,
}

impl BehaviourDetector {
    /// Every event of `data` through the encoder: its surprise, and its reading when
    /// `keep_readings`; the last such read is kept.
    pub(super) fn read_all(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        keep_readings: bool,
        progress: &dyn Progress,
    ) -> Result<Arc<ReadAll>, DetectError> {
        self.read_from(data, vocab, keep_readings, i64::MIN, progress)
    }

    /// `read_all`, reading only the passes that score an event from `from_ms` on: the events
    /// before are context (a block's look-back), read by those passes as their prefix, and
    /// left without a surprise or reading of their own when no such pass scores them.
    pub(super) fn read_from(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        keep_readings: bool,
        from_ms: i64,
        progress: &dyn Progress,
    ) -> Result<Arc<ReadAll>, DetectError> {
        let key = ReadKey::new(self.encoder_hash()?, data, from_ms);
        if let Some(read) = cached(&key, keep_readings) {
            return Ok(read);
        }
        let ts = &data.log.columns.ts_ms;
        let mut passes = passes_by_length(data);
        passes.retain(|p| ts[data.index.events(p.user)[p.end as usize - 1] as usize] >= from_ms);
        let read = Arc::new(self.read_passes(data, vocab, &passes, keep_readings, progress)?);
        keep(key, read.clone());
        Ok(read)
    }

    /// `read_all`, computed.
    fn read_passes(
        &self,
        data: &Dataset,
        vocab: &TokenVocab,
        passes: &[Pass],
        keep_readings: bool,
        progress: &dyn Progress,
    ) -> Result<ReadAll, DetectError> {
        let mut surprise = no_surprise(data);
        let mut readings = keep_readings.then(|| vec![f32::NAN; data.log.len() * WIDTH]);
        let stage = Stage::Scoring;
        self.over_batches(data, vocab, passes, stage, progress, |net, batch| {
            let device = compute_device();
            let (fields, read) = match readings {
                Some(_) => {
                    let (fields, read) = net.surprise_and_readings(batch, device)?;
                    (fields, Some(read.to_vec2::<f32>()?))
                }
                None => (net.surprise(batch, device)?, None),
            };
            let own = fields.sum(1)?.to_vec1::<f32>()?;
            chunk_surprise(batch, &own, |e, s| surprise[e] = s);
            if let (Some(out), Some(read)) = (readings.as_mut(), read) {
                let p = &batch.predicted;
                for (i, row) in read.into_iter().enumerate().filter(|(i, _)| p.in_chunk[*i]) {
                    let e = p.event[i] as usize;
                    out[e * WIDTH..(e + 1) * WIDTH].copy_from_slice(&row);
                }
            }
            Ok(())
        })?;
        Ok(ReadAll { surprise, readings })
    }
}

impl ReadAll {
    fn has_readings(&self) -> bool {
        self.readings.is_some()
    }

    /// Each account's mean reading of its events (zeros for one without), when the readings
    /// were kept.
    pub(super) fn account_means(&self, data: &Dataset) -> Option<Matrix> {
        let readings = self.readings.as_ref()?;
        let mut means = GroupMeans::new(data.users(), WIDTH);
        for (e, reading) in readings.chunks_exact(WIDTH).enumerate() {
            if let Some(u) = data.log.user_of(e).filter(|_| reading[0].is_finite()) {
                means.add(u.index(), reading);
            }
        }
        Some(means.means())
    }
}

/// Which encoder read which log.
#[derive(Clone, PartialEq)]
struct ReadKey {
    /// A hash of the encoder's weights.
    encoder: u64,
    /// The log's fingerprint (every event's time and account).
    log: String,
    events: usize,
    /// The events read from on (`read_from`).
    from_ms: i64,
}

impl ReadKey {
    fn new(encoder: u64, data: &Dataset, from_ms: i64) -> Self {
        Self {
            encoder,
            log: Fingerprint::of(data).hash,
            events: data.log.len(),
            from_ms,
        }
    }
}

static LAST_READ: Mutex<Option<(ReadKey, Arc<ReadAll>)>> = Mutex::new(None);

/// The last read under `key`, when it kept the readings or none are asked for.
fn cached(key: &ReadKey, readings: bool) -> Option<Arc<ReadAll>> {
    let last = LAST_READ.lock().unwrap_or_else(PoisonError::into_inner);
    let (k, read) = last.as_ref()?;
    (k == key && (read.has_readings() || !readings)).then(|| read.clone())
}

/// Keeps `read` as the last one, in place of any other.
fn keep(key: ReadKey, read: Arc<ReadAll>) {
    *LAST_READ.lock().unwrap_or_else(PoisonError::into_inner) = Some((key, read));
}
