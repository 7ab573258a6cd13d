//! The status bar: each running job with its stage, progress and Cancel; the last message
//! (errors in red stay until the next message).

use eframe::egui;

use crate::jobs::JobProgress;

use super::super::app::Message;
use super::super::command::Command;

pub fn status_bar_ui(
    ui: &mut egui::Ui,
    jobs: &[JobProgress],
    message: Option<&Message>,
    has_cjk_font: bool,
    out: &mut Vec<Command>,
) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            for j in jobs {
                ui.label(format!("{}: {}", j.name, j.stage));
                let bar = match j.fraction {
                    Some(f) => egui::ProgressBar::new(f).show_percentage(),
                    None => egui::ProgressBar::new(0.0).animate(true),
                };
                ui.add(bar.desired_width(160.0));
                ui.separator();
            }
            if !jobs.is_empty() && ui.button("Cancel").clicked() {
                out.push(Command::CancelJobs);
            }
            match message {
                Some(Message::Error(e)) => {
                    ui.colored_label(egui::Color32::from_rgb(230, 80, 80), e);
                }
                Some(Message::Info(i)) => {
                    ui.label(i);
                }
                None => {}
            }
            if !has_cjk_font {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak("no CJK font found: set VIGIL_CJK_FONT");
                });
            }
        });
    });
}
