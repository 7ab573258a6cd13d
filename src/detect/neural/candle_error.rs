//! Candle's errors become the detectors' own, so `?` carries them out of the networks.

use super::error::NeuralError;
use crate::detect::DetectError;

impl From<candle_core::Error> for DetectError {
    fn from(e: candle_core::Error) -> Self {
        DetectError::Neural(NeuralError::Candle(e))
    }
}
