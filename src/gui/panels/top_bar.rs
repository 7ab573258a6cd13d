//! The top bar: the File menu, then what is loaded (file, events, users, time range), the model
//! (detector, when trained, its figures out of sample); and the typed-path
//! window for machines without a native file dialog.

use eframe::egui;

use crate::gui::i18n::{Language, say, t};

use super::common::file_name;
use super::panel::Panel;
use crate::eval::metric_text;
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::workbench::Triage;

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
            ui.menu_button(t!("top.file"), |ui| {
                if ui.button(t!("top.open")).clicked() {
                    out.push(Command::OpenDialog);
                }
                if ui.button(t!("top.open_path")).clicked() {
                    self.ask_for_path();
                }
                ui.separator();
                if ui.button(t!("top.quit")).clicked() {
                    out.push(Command::Quit);
                }
            });
            ui.separator();
            // The right-hand side first: who is signing and the language always show, and
            // what is loaded takes the width left, its last figures cut short (whole on
            // hover) rather than drawn under them.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                language_ui(ui, view, out);
                if let Some(t) = view.triage {
                    let role = say(&t.role());
                    ui.label(t!("top.who", who = t.me(), role = role))
                        .on_hover_text(t.workspace().location().to_string());
                    ui.separator();
                }
                ui.with_layout(
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| match view.triage {
                        Some(t) => summary_ui(ui, t),
                        None => {
                            ui.label(t!("top.no_log"));
                        }
                    },
                );
            });
        });
        self.open_path_ui(ui.ctx(), out);
    }
}

/// The language switch: each language named in itself, so it can be found in either.
fn language_ui(ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
    let current = view.settings.language;
    egui::ComboBox::from_label(t!("top.language"))
        .selected_text(current.native_name())
        .show_ui(ui, |ui| {
            for l in Language::ALL {
                if ui.selectable_label(l == current, l.native_name()).clicked() && l != current {
                    out.push(Command::SetLanguage(l));
                }
            }
        });
}

fn summary_ui(ui: &mut egui::Ui, t: &Triage) {
    let lang = Language::current();
    let range = t
        .time_range()
        .map(|(a, b)| {
            format!(
                "{} – {}",
                lang.date_time(a, false),
                lang.date_time(b, false)
            )
        })
        .unwrap_or_default();
    // The load report (encoding, rejected rows, warnings) on hover: built only when shown.
    ui.strong(file_name(t.log_path())).on_hover_ui(|ui| {
        ui.label(egui::RichText::new(say(t.load_report())).monospace());
    });
    fitted(
        ui,
        t!(
            "top.summary",
            events = lang.number(t.event_count() as u64),
            users = lang.number(t.users() as u64),
            range = range
        ),
    );
    ui.separator();
    let m = t.model();
    let when = m
        .trained_ms()
        .map_or_else(|| m.trained_at.clone(), |ms| lang.date_time(ms, false));
    fitted(
        ui,
        t!(
            "top.model",
            model = m.kind,
            when = when,
            labels = lang.number(m.labelled_users as u64)
        ),
    );
    let q = t.report();
    if !q.metrics.roc_auc.is_nan() {
        let (auc, ap) = (
            metric_text(q.metrics.roc_auc, 3),
            metric_text(q.metrics.average_precision, 3),
        );
        let (text, why) = if q.out_of_sample {
            (
                t!("top.quality_out_of_sample", auc = auc, ap = ap),
                t!("dist.graded_out_of_sample"),
            )
        } else {
            (
                t!("top.quality_in_sample", auc = auc, ap = ap),
                t!("dist.graded_in_sample"),
            )
        };
        fitted(ui, text).on_hover_text(why);
    }
}

/// A label cut short (with "…") to the width left, whole on hover.
fn fitted(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).truncate())
}

impl TopBar {
    /// A path typed by hand: for machines without a native file dialog.
    fn open_path_ui(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        let Some(draft) = &mut self.open_path else {
            return;
        };
        let mut open = true;
        let mut chosen = None;
        egui::Window::new(t!("top.open_title"))
            .open(&mut open)
            .collapsible(false)
            .show(ctx, |ui| {
                let label = ui.label(t!("top.open_prompt"));
                let edit = ui
                    .add(egui::TextEdit::singleline(draft).desired_width(420.0))
                    .labelled_by(label.id);
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button(t!("top.open_button")).clicked() || enter) && !draft.trim().is_empty()
                {
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
