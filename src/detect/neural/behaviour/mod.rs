//! The behaviour model, Vigil's large behaviour model: a Transformer over each account's
//! events that learns what normal behaviour looks like from every event, without labels.

mod detector;
mod grading;
mod net;
mod outlook;
mod read;
mod reasons;
mod scoring;
mod supervised;

pub use detector::BehaviourDetector;
