//! Named f32 arrays in a safetensors file: the weights of the networks and the learned arrays
//! of every other detector, so every model directory has the same `model.safetensors`.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use crate::detect::DetectError;

#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

fn model_error(path: &Path, detail: impl std::fmt::Display) -> DetectError {
    DetectError::Model {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

pub fn save_arrays(path: &Path, arrays: &[Array]) -> Result<(), DetectError> {
    let mut tensors = HashMap::new();
    for a in arrays {
        let t = Tensor::from_slice(&a.data, a.shape.as_slice(), &Device::Cpu)?;
        tensors.insert(a.name.clone(), t);
    }
    candle_core::safetensors::save(&tensors, path).map_err(|e| model_error(path, e))
}

pub fn load_arrays(path: &Path) -> Result<Vec<Array>, DetectError> {
    let tensors = candle_core::safetensors::load(path, &Device::Cpu)
        .map_err(|e| model_error(path, format!("not a readable safetensors file ({e})")))?;
    let mut arrays: Vec<Array> = tensors
        .into_iter()
        .map(|(name, t)| {
            let shape = t.dims().to_vec();
            let data = t
                .to_dtype(candle_core::DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(|e| model_error(path, format!("tensor '{name}': {e}")))?;
            Ok(Array { name, shape, data })
        })
        .collect::<Result<_, DetectError>>()?;
    arrays.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(arrays)
}
