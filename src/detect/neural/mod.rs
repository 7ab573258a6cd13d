//! Every line of Candle in Vigil: the networks, their training loop, the device, and the
//! safetensors files weights are stored in.

mod behaviour;
mod candle_error;
mod classifier;
mod device;
mod error;
mod nets;
mod sequence;
mod tabular;
mod tensors;
mod train;

pub use behaviour::BehaviourDetector;
pub use classifier::Classifier;
pub use device::{ComputeDevice, compute_device, device_name, fall_back_to_cpu, on_gpu};
pub use error::NeuralError;
pub use sequence::SequenceDetector;
pub use tabular::{NetKind, TabularNet};
pub use tensors::{Array, load_arrays, save_arrays};
