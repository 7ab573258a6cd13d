//! The native window: its size and title, and the app inside it.

use super::app::{LaunchOptions, VigilApp};

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
