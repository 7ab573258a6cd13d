//! Vigil: a fraud analyst's workbench. The library holds every capability; the `vigil`
//! binary is a thin face over it (CLI today, the GUI next).

pub mod cases;
pub mod cli;
pub mod detect;
pub mod eval;
pub mod features;
pub mod jobs;
pub mod log;
pub mod progress;
pub mod sample;
