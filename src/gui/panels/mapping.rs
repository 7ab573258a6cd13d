//! The mapping dialog: when column detection is unsure, the analyst sees the first rows and the
//! detected roles, fixes them, and loads (optionally saving the mapping as a TOML file).

use crate::gui::i18n::{say, t};
use eframe::egui;

use crate::gui::command::Command;
use crate::log::{EventRole, Preview, Role, timeparse};

const PREVIEW_ROWS: usize = 8;

pub struct MappingDialog {
    preview: Option<Box<Preview>>,
    save_path: String,
    error: Option<String>,
}

impl MappingDialog {
    pub fn new(preview: Preview) -> Self {
        let mut save = preview.path.as_os_str().to_os_string();
        save.push(".map.toml");
        Self {
            save_path: save.to_string_lossy().into_owned(),
            preview: Some(Box::new(preview)),
            error: None,
        }
    }

    /// Shows the dialog; returns true once it is closed (loaded or cancelled).
    pub fn show(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) -> bool {
        let Some(preview) = self.preview.as_mut() else {
            return true;
        };
        let mut result = None;
        egui::Window::new(t!("mapping.title"))
            .collapsible(false)
            .default_width(760.0)
            .show(ctx, |ui| {
                ui.label(t!(
                    "mapping.unsure",
                    file = preview.path.display(),
                    format = &preview.format,
                    roles = preview
                        .plan
                        .unsure
                        .iter()
                        .map(say)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                rows_ui(ui, preview);
                ui.separator();
                if let Some(e) = roles_ui(ui, preview) {
                    self.error = Some(e);
                }
                if let Some(e) = &self.error {
                    ui.colored_label(egui::Color32::from_rgb(230, 80, 80), e);
                }
                ui.horizontal(|ui| {
                    let label = ui.label(t!("mapping.save_as"));
                    ui.text_edit_singleline(&mut self.save_path)
                        .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    let load = ui.button(t!("mapping.load")).clicked();
                    let load_save = ui.button(t!("mapping.save_load")).clicked();
                    if ui.button(t!("status.cancel")).clicked() {
                        result = Some(None);
                    }
                    if load || load_save {
                        let to = load_save.then(|| self.save_path.clone().into());
                        result = Some(Some(to));
                    }
                });
            });
        let Some(choice) = result else {
            return false;
        };
        match (choice, self.preview.take()) {
            (Some(save_to), Some(preview)) => out.push(Command::LoadConfirmed(preview, save_to)),
            _ => out.push(Command::MappingCancelled),
        }
        true
    }
}

fn rows_ui(ui: &mut egui::Ui, p: &Preview) {
    egui::ScrollArea::horizontal()
        .max_height(200.0)
        .show(ui, |ui| {
            egui::Grid::new("mapping_preview")
                .striped(true)
                .show(ui, |ui| {
                    for c in &p.columns {
                        ui.strong(c);
                    }
                    ui.end_row();
                    for row in p.rows.iter().take(PREVIEW_ROWS) {
                        for v in row {
                            ui.label(v);
                        }
                        ui.end_row();
                    }
                });
        });
}

/// One combo per role; returns an error when the chosen time column has no known format.
fn roles_ui(ui: &mut egui::Ui, p: &mut Preview) -> Option<String> {
    let columns = p.columns.clone();
    let pick = |ui: &mut egui::Ui, role: Role, value: &mut Option<usize>, optional: bool| {
        let text = value.map_or_else(|| t!("mapping.none").into_owned(), |c| columns[c].clone());
        egui::ComboBox::from_label(say(&role))
            .selected_text(text)
            .show_ui(ui, |ui| {
                if optional {
                    ui.selectable_value(value, None, t!("mapping.none"));
                }
                for (i, c) in columns.iter().enumerate() {
                    ui.selectable_value(value, Some(i), c);
                }
            });
    };
    let mut error = None;
    egui::Grid::new("roles").show(ui, |ui| {
        let mut user = Some(p.plan.user);
        pick(ui, Role::User, &mut user, false);
        let mut time = Some(p.plan.time.column);
        pick(ui, Role::Time, &mut time, false);
        ui.end_row();
        if let Some(u) = user {
            p.plan.user = u;
        }
        if let Some(c) = time
            && c != p.plan.time.column
        {
            let samples: Vec<&str> = p
                .rows
                .iter()
                .filter_map(|r| r.get(c).map(String::as_str))
                .collect();
            match timeparse::detect(&samples, true) {
                Some(format) => {
                    p.plan.time.column = c;
                    p.plan.time.format = format;
                }
                None => error = Some(t!("mapping.no_time", column = &columns[c]).into_owned()),
            }
        }
        let mut event = match &p.plan.event {
            EventRole::Column(c) => Some(*c),
            EventRole::Constant(_) => None,
        };
        pick(ui, Role::Event, &mut event, true);
        p.plan.event = match event {
            Some(c) => EventRole::Column(c),
            None => EventRole::Constant(crate::log::DEFAULT_EVENT_NAME.to_string()),
        };
        pick(ui, Role::Amount, &mut p.plan.amount, true);
        ui.end_row();
        pick(ui, Role::Item, &mut p.plan.item, true);
        pick(ui, Role::Category, &mut p.plan.category, true);
        ui.end_row();
    });
    ui.label(t!(
        "mapping.time_format",
        format = p.plan.time.format.name()
    ));
    error
}
