//! Every event of the selected account in a table whose header stays on screen; only the
//! visible rows are laid out.

use crate::gui::i18n::{count, say, t};
use eframe::egui;

use super::common::score_colour;
use crate::log::UserCode;
use crate::workbench::{FieldValue, Triage};

const ROW_HEIGHT: f32 = 18.0;

pub fn events_ui(ui: &mut egui::Ui, t: &Triage, u: UserCode) {
    let events = t.events_of(u);
    ui.strong(t!("events.title", n = count(events.len())));
    let Some(&first) = events.first() else { return };
    let header: Vec<String> = t
        .event_fields(first as usize)
        .iter()
        .map(|(k, _)| say(k))
        .collect();
    egui::ScrollArea::both()
        .id_salt("events_scroll")
        .auto_shrink(false)
        .show_rows(ui, ROW_HEIGHT, events.len() + 1, |ui, rows| {
            // The header is the first row of whatever is visible, so it stays on screen.
            egui::Grid::new(("events_grid", rows.start))
                .striped(true)
                .min_col_width(40.0)
                .show(ui, |ui| {
                    for h in &header {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for row in rows.start.max(1)..rows.end {
                        let e = events[row - 1] as usize;
                        for (_, value) in t.event_fields(e) {
                            match value {
                                FieldValue::Score(s) => {
                                    ui.colored_label(score_colour(s), format!("{s:.3}"));
                                }
                                FieldValue::Text(text) => {
                                    ui.label(text);
                                }
                                FieldValue::Label(label) => {
                                    ui.label(say(&label));
                                }
                                FieldValue::Time(_) => {
                                    ui.label(say(&value));
                                }
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
