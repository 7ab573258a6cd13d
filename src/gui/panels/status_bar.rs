//! The status bar: each running job with its stage, progress and Cancel; the last message
//! (errors in red stay until the next message).

use eframe::egui;

use super::panel::Panel;
use crate::gui::command::Command;
use crate::gui::view::{Message, View};

#[derive(Default)]
pub struct StatusBar;

impl Panel for StatusBar {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            for j in view.jobs {
                let p = &j.progress;
                ui.label(format!("{}: {}", p.name, p.stage));
                let bar = match p.fraction {
                    Some(f) => egui::ProgressBar::new(f).show_percentage(),
                    None => egui::ProgressBar::new(0.0).animate(true),
                };
                ui.add(bar.desired_width(160.0));
                ui.separator();
            }
            if !view.jobs.is_empty() && ui.button("Cancel").clicked() {
                out.push(Command::CancelJobs);
            }
            match view.message {
                Some(Message::Error(e)) => {
                    ui.colored_label(egui::Color32::from_rgb(230, 80, 80), e);
                }
                Some(Message::Info(i)) => {
                    ui.label(i);
                }
                None => {}
            }
            if !view.has_cjk_font {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.weak("no CJK font found: set VIGIL_CJK_FONT");
                });
            }
        });
    }
}
