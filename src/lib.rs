//! Vigil: a fraud analyst's workbench. The library holds every capability; the `vigil`
//! binary is a thin face over it (CLI today, the GUI next).

pub mod cli;
pub mod log;
pub mod progress;
pub mod sample;
