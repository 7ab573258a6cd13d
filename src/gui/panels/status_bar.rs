//! The status bar: each running job with its stage, progress and Cancel; the last message
//! (errors in red stay until the next message).

use eframe::egui;

use crate::gui::i18n::{say, t};

use super::panel::Panel;
use crate::gui::command::Command;
use crate::gui::view::{Message, View};
use crate::workbench::Triage;
use crate::workbench::compute_device_name;

/// Which model the queue is ordered by, and whether a better one is on its way.
fn ordered_by(t: &Triage) -> String {
    let kind = t.model().kind;
    match t.pending_detector() {
        Some(chosen) => t!("status.ordered_pending", kind = kind, chosen = chosen).into_owned(),
        None => t!("status.ordered", kind = kind).into_owned(),
    }
}

#[derive(Default)]
pub struct StatusBar;

impl Panel for StatusBar {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            for j in view.jobs {
                let p = &j.progress;
                let stage = p.stage.map(|s| say(&s)).unwrap_or_default();
                ui.label(format!("{}: {stage}", p.name));
                let bar = match p.fraction {
                    Some(f) => egui::ProgressBar::new(f).show_percentage(),
                    // Not animated: an animation repaints every frame, and with software
                    // rendering that takes the cores from the job it shows.
                    None => egui::ProgressBar::new(0.0).text(t!("status.working")),
                };
                ui.add(bar.desired_width(160.0));
                ui.separator();
            }
            if !view.jobs.is_empty() && ui.button(t!("status.cancel")).clicked() {
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
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                // Here rather than in the crowded top bar, where the model's figures need room.
                ui.weak(t!("top.device", device = compute_device_name()));
                if !view.has_cjk_font {
                    ui.weak(t!("status.no_cjk"));
                }
                if let Some(t) = view.triage {
                    ui.label(ordered_by(t));
                }
            });
        });
    }
}
