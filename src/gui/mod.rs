//! The triage window (eframe/egui): queue, account view, score distribution, model panel.
//! `pipeline` does the heavy work on job threads, `state` holds the analyst's working state,
//! `app` applies commands, and `panels` draw.

mod app;
mod command;
mod fonts;
mod frame_stats;
mod panels;
pub mod pipeline;
pub mod state;

use std::path::PathBuf;

pub use app::{AppSettings, LaunchOptions, Message, VigilApp};
pub use command::Command;

/// The bundled sample log the window opens when given none.
pub fn bundled_sample() -> PathBuf {
    let relative = PathBuf::from("sample_data/shop.csv.gz");
    if relative.exists() {
        relative
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}

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
