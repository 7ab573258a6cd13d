//! The window's panels, one file each, behind one small trait: a panel draws from a borrowed
//! `View` and pushes `Command`s; it keeps only its own UI state (drafts, scroll, caches).

mod account;
mod common;
mod conflict;
mod distribution;
mod events;
mod layout;
mod linked;
mod live;
mod mapping;
mod model;
mod panel;
mod population;
mod queue;
mod rules;
mod segments;
mod similar;
mod status_bar;
mod time_axis;
mod timeline;
mod top_bar;

pub use common::file_name;
pub use layout::{Panels, window_ui};
pub use mapping::MappingDialog;
