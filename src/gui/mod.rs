//! The triage window (eframe/egui): a thin face over the application layer (`workbench`).
//! `app` applies commands, `orchestrator` runs the background jobs and Live mode, `panels`
//! draw from a borrowed `view`; `frame_bench` measures frames when asked.

mod app;
mod background;
mod command;
mod follower;
mod fonts;
mod frame_bench;
pub mod i18n;
mod live;
mod orchestrator;
mod panels;
mod settings;
mod view;
mod window;

pub use app::{LaunchOptions, VigilApp};
pub use command::Command;
pub use fonts::system_cjk_font;
pub use settings::{AppSettings, RightTab};
pub use view::{JobKind, Message};
pub use window::run;
