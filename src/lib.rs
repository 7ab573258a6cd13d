//! Vigil: a fraud analyst's workbench. The library holds every capability; the `vigil`
//! binary is a thin face over it: the triage window (`gui`) and the headless CLI (`cli`).

// The window's catalogue (`locales/app.yml`), compiled in; English where a key lacks a language.
rust_i18n::i18n!("locales", fallback = "en");

pub mod cases;
pub mod cli;
pub mod detect;
pub mod eval;
pub mod features;
pub mod gui;
pub mod jobs;
pub mod language;
pub mod log;
pub mod memory;
pub mod predict;
pub mod progress;
pub mod ranked;
pub mod risk;
pub mod rules;
pub mod sample;
pub mod segments;
pub mod time_units;
pub mod words;
pub mod workbench;
