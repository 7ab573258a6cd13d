//! What a background job of the window runs: work prepared by the application layer, taking
//! what it reads with it, reporting progress and stopping when cancelled.

use super::error::Result;
use crate::progress::Progress;

/// A job's work: what the job thread runs.
pub trait Job<T>: FnOnce(&dyn Progress) -> Result<T> + Send + 'static {}

impl<T, F: FnOnce(&dyn Progress) -> Result<T> + Send + 'static> Job<T> for F {}
