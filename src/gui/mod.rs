//! The triage window (eframe/egui): a thin face over the application layer (`workbench`).
//! `app` applies commands, `orchestrator` runs the background jobs and Live mode, `panels`
//! draw from a borrowed `view`; `frame_bench` measures frames when asked.

mod app;
mod background;
mod command;
mod fonts;
mod frame_bench;
pub mod i18n;
mod live;
mod orchestrator;
mod panels;
mod settings;
mod view;

pub use app::{LaunchOptions, VigilApp};
pub use command::Command;
pub use fonts::system_cjk_font;
pub use settings::{AppSettings, RightTab};
pub use view::{JobKind, Message};

/// Opens the window and runs until it is closed.
pub fn run(launch: LaunchOptions) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Vigil")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 560.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "vigil",
        options,
        Box::new(move |cc| {
            Ok(Box::new(VigilApp::new(
                cc.egui_ctx.clone(),
                launch,
                cc.storage,
            )))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
