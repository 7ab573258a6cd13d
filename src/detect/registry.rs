//! Every detector kind, made new or restored from its saved state, side by side: the one place
//! that knows which type implements which kind.

use super::detector::{Detector, DetectorKind};
use super::ensemble::Ensemble;
use super::error::DetectError;
use super::neural::{BehaviourDetector, SequenceDetector};
use super::state::State;
use super::tabular::TabularDetector;

/// A fresh, untrained detector.
pub fn new_detector(kind: DetectorKind) -> Box<dyn Detector> {
    match kind {
        DetectorKind::Gru | DetectorKind::CnnGru => Box::new(SequenceDetector::new(kind)),
        DetectorKind::Behaviour => Box::new(BehaviourDetector::new()),
        DetectorKind::Ensemble => Box::new(Ensemble::new()),
        other => Box::new(TabularDetector::new(other)),
    }
}

/// A trained detector of `kind` rebuilt from its saved state.
pub fn restore_detector(
    kind: DetectorKind,
    state: &State,
) -> Result<Box<dyn Detector>, DetectError> {
    Ok(match kind {
        DetectorKind::Gru | DetectorKind::CnnGru => {
            Box::new(SequenceDetector::from_state(kind, state, "")?)
        }
        DetectorKind::Behaviour => Box::new(BehaviourDetector::from_state(state, "")?),
        DetectorKind::Ensemble => Box::new(Ensemble::from_state(state)?),
        other => Box::new(TabularDetector::from_state(other, state, "")?),
    })
}
