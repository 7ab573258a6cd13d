//! Similar accounts: the accounts nearest to the selected one in behaviour, linked to it or
//! not, with their scores and labels; read by features, or by the sequence model when one is
//! trained; one action marks them all for a bulk label. Built once per account, model and
//! reading.

use crate::gui::i18n::t;
use eframe::egui;

use super::common::{label_text, score_colour};
use crate::gui::command::Command;
use crate::log::UserCode;
use crate::workbench::{Likeness, SIMILAR_SHOWN, SimilarAccount, Triage};

#[derive(Default)]
pub struct SimilarList {
    /// (user, session generation, reading) the rows were built for.
    key: Option<(UserCode, u64, Likeness)>,
    rows: Vec<SimilarAccount>,
    by: Likeness,
}

impl SimilarList {
    pub fn ui(&mut self, ui: &mut egui::Ui, t: &Triage, u: UserCode, out: &mut Vec<Command>) {
        egui::CollapsingHeader::new(t!("similar.title", n = SIMILAR_SHOWN))
            .id_salt("similar")
            .default_open(false)
            .show(ui, |ui| {
                if !t.has_model_reading() {
                    self.by = Likeness::Features;
                }
                ui.horizontal(|ui| {
                    if t.has_model_reading() {
                        ui.selectable_value(
                            &mut self.by,
                            Likeness::Features,
                            t!("similar.by_features"),
                        );
                        ui.selectable_value(
                            &mut self.by,
                            Likeness::SequenceModel,
                            t!("similar.by_sequence"),
                        );
                    }
                    if ui
                        .small_button(t!("similar.mark"))
                        .on_hover_text(t!("similar.mark_hint"))
                        .clicked()
                    {
                        out.push(Command::MarkSimilar(self.by));
                    }
                });
                // Worked out only while the section is open.
                let key = (u, t.generation(), self.by);
                if self.key != Some(key) {
                    self.key = Some(key);
                    self.rows = t.similar_accounts(u, SIMILAR_SHOWN, self.by);
                }
                egui::ScrollArea::vertical()
                    .id_salt("similar_scroll")
                    .max_height(140.0)
                    .max_width(ui.available_width())
                    .show(ui, |ui| {
                        egui::Grid::new("similar_grid")
                            .striped(true)
                            .show(ui, |ui| {
                                for s in &self.rows {
                                    if ui.link(t.user_name(s.user)).clicked() {
                                        out.push(Command::Select(s.user));
                                    }
                                    ui.colored_label(
                                        score_colour(t.score(s.user)),
                                        format!("{:.3}", t.score(s.user)),
                                    );
                                    ui.label(label_text(t, s.user));
                                    ui.weak(t!(
                                        "similar.distance",
                                        d = format!("{:.2}", s.distance)
                                    ));
                                    ui.end_row();
                                }
                            });
                    });
            });
    }
}
