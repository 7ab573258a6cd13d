//! A detector's learned state as it goes to a model directory: its parameters as JSON text
//! (read straight into the detector's own types, never through a generic JSON tree: a forest's
//! parameters are megabytes) and named f32 arrays (weights).

use serde_json::value::RawValue;

use super::error::DetectError;
use super::neural::Array;

pub struct State {
    pub params: Box<RawValue>,
    pub arrays: Vec<Array>,
}

/// A detector's parameters as JSON text.
pub fn params_to_json<T: serde::Serialize + ?Sized>(
    params: &T,
) -> Result<Box<RawValue>, DetectError> {
    serde_json::value::to_raw_value(params).map_err(|source| DetectError::Params {
        action: "written",
        source,
    })
}

/// A detector's parameters read back from JSON text.
pub fn params_from_json<'a, T: serde::Deserialize<'a>>(
    params: &'a RawValue,
) -> Result<T, DetectError> {
    serde_json::from_str(params.get()).map_err(|source| DetectError::Params {
        action: "read",
        source,
    })
}
