//! A detector's learned state as it goes to a model directory: JSON parameters and named f32
//! arrays (weights).

use super::error::DetectError;
use super::neural::Array;

pub struct State {
    pub params: serde_json::Value,
    pub arrays: Vec<Array>,
}

/// A detector's parameters as JSON.
pub fn params_to_json<T: serde::Serialize>(params: &T) -> Result<serde_json::Value, DetectError> {
    serde_json::to_value(params).map_err(|source| DetectError::Params {
        action: "written",
        source,
    })
}

/// A detector's parameters read back from JSON.
pub fn params_from_json<T: serde::de::DeserializeOwned>(
    params: serde_json::Value,
) -> Result<T, DetectError> {
    serde_json::from_value(params).map_err(|source| DetectError::Params {
        action: "read",
        source,
    })
}
