//! The top bar: the File menu, then what is loaded (file, events, users, time range), the model
//! (detector, when trained, its fit on the labels) and the compute device; and the typed-path
//! window for machines without a native file dialog.

use eframe::egui;

use super::common::file_name;
use super::panel::Panel;
use crate::eval::metric_text;
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::workbench::{Triage, compute_device_name, format_time};

#[derive(Default)]
pub struct TopBar {
    /// "Open path" entry, shown when no native file dialog is available.
    open_path: Option<String>,
}

impl TopBar {
    /// Shows the typed-path window (no native file dialog answered).
    pub fn ask_for_path(&mut self) {
        self.open_path = Some(String::new());
    }
}

impl Panel for TopBar {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…  (Ctrl+O)").clicked() {
                    out.push(Command::OpenDialog);
                }
                if ui.button("Open path…").clicked() {
                    self.ask_for_path();
                }
                ui.separator();
                if ui.button("Quit  (Ctrl+Q)").clicked() {
                    out.push(Command::Quit);
                }
            });
            ui.separator();
            match view.triage {
                Some(t) => summary_ui(ui, t),
                None => {
                    ui.label("no log open");
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("device: {}", compute_device_name()));
                if let Some(j) = view.jobs.first() {
                    ui.separator();
                    ui.label(&j.progress.name);
                }
            });
        });
        self.open_path_ui(ui.ctx(), out);
    }
}

fn summary_ui(ui: &mut egui::Ui, t: &Triage) {
    let s = &t.session;
    let range = s
        .time_range
        .map(|(a, b)| format!("{} – {}", format_time(a), format_time(b)))
        .unwrap_or_default();
    // The load report (encoding, rejected rows, warnings) on hover: built only when shown.
    ui.strong(file_name(&s.log_path)).on_hover_ui(|ui| {
        ui.label(egui::RichText::new(s.report.to_text()).monospace());
    });
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
            "· AUC {} AP {}",
            metric_text(after.metrics.roc_auc, 3),
            metric_text(after.metrics.average_precision, 3)
        ));
    }
}

impl TopBar {
    /// A path typed by hand: for machines without a native file dialog.
    fn open_path_ui(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        let Some(draft) = &mut self.open_path else {
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
            self.open_path = None;
        } else if !open {
            self.open_path = None;
        }
    }
}
