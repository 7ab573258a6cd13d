//! Linked accounts: those sharing a device, IP or other entity with the selected one, with
//! their scores and labels; a click jumps to one. Built once per account and model.

use crate::gui::i18n::{count, t};
use eframe::egui;

use super::common::{label_text, score_colour};
use crate::gui::command::Command;
use crate::log::UserCode;
use crate::workbench::Triage;

const MAX_SHOWN: usize = 100;

#[derive(Default)]
pub struct LinkedList {
    /// (user, session generation) the rows were built for.
    key: Option<(UserCode, u64)>,
    /// (linked user, the shared values in words), riskiest first.
    rows: Vec<(UserCode, String)>,
}

impl LinkedList {
    fn refresh(&mut self, t: &Triage, u: UserCode) {
        let key = (u, t.generation());
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.rows = t
            .linked_accounts(u)
            .into_iter()
            .map(|l| {
                let shared: Vec<String> = l
                    .shared
                    .iter()
                    .map(|s| format!("{} {}", s.entity, s.value))
                    .collect();
                (l.user, shared.join(", "))
            })
            .collect();
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, t: &Triage, u: UserCode, out: &mut Vec<Command>) {
        self.refresh(t, u);
        egui::CollapsingHeader::new(t!("linked.title", n = count(self.rows.len())))
            .id_salt("linked")
            .default_open(true)
            .show(ui, |ui| {
                if self.rows.is_empty() {
                    ui.weak(t!("linked.none"));
                    return;
                }
                // No wider than the account view: a long list of shared values would run
                // under the side panel and take its clicks.
                egui::ScrollArea::vertical()
                    .id_salt("linked_scroll")
                    .max_height(140.0)
                    .max_width(ui.available_width())
                    .show(ui, |ui| {
                        egui::Grid::new("linked_grid").striped(true).show(ui, |ui| {
                            for (other, shared) in self.rows.iter().take(MAX_SHOWN) {
                                let o = *other;
                                if ui.link(t.user_name(o)).clicked() {
                                    out.push(Command::Select(o));
                                }
                                ui.colored_label(
                                    score_colour(t.score(o)),
                                    format!("{:.3}", t.score(o)),
                                );
                                ui.label(label_text(t, o));
                                let text = egui::RichText::new(shared.as_str()).weak();
                                ui.add(egui::Label::new(text).truncate())
                                    .on_hover_text(shared.as_str());
                                ui.end_row();
                            }
                        });
                    });
            });
    }
}
