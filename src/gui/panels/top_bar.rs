//! The top bar: the File menu, then what is loaded (file, events, users, time range), the model
//! (detector, when trained, its fit on the labels) and the compute device.

use eframe::egui;

use crate::detect::neural::device_name;
use crate::jobs::JobProgress;

use super::super::app::file_name;
use super::super::command::Command;
use super::super::state::Triage;
use super::{PanelStates, format_time};

pub fn top_bar_ui(
    ui: &mut egui::Ui,
    triage: Option<&Triage>,
    jobs: &[JobProgress],
    panels: &mut PanelStates,
    out: &mut Vec<Command>,
) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…  (Ctrl+O)").clicked() {
                    out.push(Command::OpenDialog);
                }
                if ui.button("Open path…").clicked() {
                    panels.open_path = Some(String::new());
                }
                ui.separator();
                if ui.button("Quit  (Ctrl+Q)").clicked() {
                    out.push(Command::Quit);
                }
            });
            ui.separator();
            match triage {
                Some(t) => summary_ui(ui, t),
                None => {
                    ui.label("no log open");
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("device: {}", device_name()));
                if let Some(j) = jobs.first() {
                    ui.separator();
                    ui.spinner();
                    ui.label(&j.name);
                }
            });
        });
    });
    open_path_ui(ui.ctx(), panels, out);
}

fn summary_ui(ui: &mut egui::Ui, t: &Triage) {
    let s = &t.session;
    let range = s
        .time_range
        .map(|(a, b)| format!("{} – {}", format_time(a), format_time(b)))
        .unwrap_or_default();
    ui.strong(file_name(&s.log_path));
    ui.label(format!(
        "{} events · {} users · {range}",
        s.data.log.len(),
        t.users()
    ));
    ui.separator();
    let m = &s.model;
    let when = m
        .trained_at
        .get(..16)
        .unwrap_or(&m.trained_at)
        .replace('T', " ");
    ui.label(format!(
        "model {} · trained {when} on {} labels",
        m.kind, m.labelled_users
    ));
    if let Some((_, after)) = &t.retrain_report {
        ui.label(format!(
            "· AUC {:.3} AP {:.3}",
            after.metrics.roc_auc, after.metrics.average_precision
        ));
    }
}

/// A path typed by hand: for machines without a native file dialog.
fn open_path_ui(ctx: &egui::Context, panels: &mut PanelStates, out: &mut Vec<Command>) {
    let Some(draft) = &mut panels.open_path else {
        return;
    };
    let mut open = true;
    let mut chosen = None;
    egui::Window::new("Open a log")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            let label = ui.label("Path of a CSV/TSV/NDJSON/Parquet log (optionally .gz):");
            let edit = ui
                .add(egui::TextEdit::singleline(draft).desired_width(420.0))
                .labelled_by(label.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open").clicked() || enter) && !draft.trim().is_empty() {
                chosen = Some(draft.trim().to_string());
            }
        });
    if let Some(path) = chosen {
        out.push(Command::Open(path.into()));
        panels.open_path = None;
    } else if !open {
        panels.open_path = None;
    }
}
