//! The synthetic shop: a month of behaviour logs from legit segments and every fraud pattern
//! in DESIGN.md, with ground truth. Same seed, same bytes.

mod burst;
mod config;
mod event;
mod fraud;
mod generate;
mod generated;
mod legit;
mod marketplace;
mod persona;
mod shop;
mod sparse_entity;
mod takeover;
mod write;

pub use burst::card_testing_burst;
pub use config::{DEFAULT_START_MS, SampleConfig, Scenario};
pub use event::{Event, EventKind};
pub use generate::generate;
pub use generated::Sample;
pub use persona::{Persona, UserTruth};
pub use shop::CATEGORIES;
pub use write::{write_labels, write_log};
