//! The account view: who (score, risk, label, note), why (reasons), when (the timeline), with
//! whom (linked accounts) and every event in a table.

use eframe::egui;

use crate::gui::i18n::{Language, say, t};

use super::common::{label_text, risk_colour};
use super::events::events_ui;
use super::linked::LinkedList;
use super::panel::Panel;
use super::similar::SimilarList;
use super::timeline::Timeline;
use crate::cases::Verdict;
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::log::UserCode;
use crate::words::place_in_segment;
use crate::workbench::Triage;

#[derive(Default)]
pub struct AccountPanel {
    /// The note being written (`n`), if any.
    note_draft: Option<String>,
    /// Focus the note box on the next frame.
    note_focus: bool,
    timeline: Timeline,
    linked: LinkedList,
    similar: SimilarList,
}

impl AccountPanel {
    /// Opens the note editor on `current` (the account's note so far).
    pub fn start_note(&mut self, current: String) {
        self.note_draft = Some(current);
        self.note_focus = true;
    }
}

impl Panel for AccountPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else { return };
        let Some(u) = t.selected() else {
            ui.centered_and_justified(|ui| ui.label(t!("account.none")));
            return;
        };
        header_ui(ui, t, u, out);
        behaviour_ui(ui, t, u);
        self.note_ui(ui, t, u, out);
        reasons_ui(ui, t, u);
        ui.separator();
        self.timeline.ui(ui, t, u);
        ui.separator();
        self.linked.ui(ui, t, u, out);
        self.similar.ui(ui, t, u, out);
        ui.separator();
        events_ui(ui, t, u);
    }
}

/// Where the account sits among its peers and what it is likely to do next, once the Segments
/// tab has found segments and predicted behaviour.
fn behaviour_ui(ui: &mut egui::Ui, t: &Triage, u: UserCode) {
    let language = Language::current();
    let segment = t
        .segment_of(u)
        .map(|(s, d)| place_in_segment(s, d, language));
    let outlook = t.outlook().and_then(|o| o.of(u)).map(|o| say(&o));
    if segment.is_none() && outlook.is_none() {
        return;
    }
    // One line each: the outlook is long, and a narrow centre panel wraps it on its own line.
    for text in [segment, outlook].into_iter().flatten() {
        ui.label(text);
    }
}

/// An account another analyst holds (amber: look, but mind them).
const HELD: egui::Color32 = egui::Color32::from_rgb(230, 160, 40);

fn header_ui(ui: &mut egui::Ui, t: &Triage, u: UserCode, out: &mut Vec<Command>) {
    let score = t.score(u);
    let risk = t.risk(u);
    // Both rows wrap in a narrow centre rather than run under the side panel.
    ui.horizontal_wrapped(|ui| {
        ui.heading(t.user_name(u));
        ui.colored_label(
            risk_colour(risk),
            t!(
                "account.risk_score",
                risk = say(&risk),
                score = format!("{score:.3}")
            ),
        );
        let label = label_text(t, u);
        if !label.is_empty() {
            ui.strong(t!("account.label", label = label));
        }
        if let Some(c) = t.case(u) {
            ui.weak(t!(
                "account.by_at",
                author = &c.author,
                at = Language::current().date_time(c.ts_ms, false)
            ));
        }
        if let Some(claim) = t.claim_by_other(u) {
            ui.colored_label(
                HELD,
                t!(
                    "account.held_by",
                    by = &claim.holder,
                    since = Language::current().clock(claim.since_ms)
                ),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (verdict, key) in [
            (Verdict::Fraud, "f"),
            (Verdict::Legit, "l"),
            (Verdict::Unsure, "u"),
        ] {
            if ui.button(format!("{} ({key})", say(&verdict))).clicked() {
                out.push(Command::Label(verdict));
            }
        }
        if ui.button(t!("account.note_button")).clicked() {
            out.push(Command::StartNote);
        }
        if ui.button(t!("account.undo_button")).clicked() {
            out.push(Command::Undo);
        }
        ui.weak(t!("account.keys"));
    });
}

fn reasons_ui(ui: &mut egui::Ui, t: &Triage, u: UserCode) {
    let reasons = t.reasons(u);
    if reasons.is_empty() {
        ui.weak(t!("account.no_reason"));
    }
    for r in reasons {
        ui.label(format!("• {}", say(&r)));
    }
}

impl AccountPanel {
    fn note_ui(&mut self, ui: &mut egui::Ui, t: &Triage, u: UserCode, out: &mut Vec<Command>) {
        let Some(draft) = &mut self.note_draft else {
            if let Some(note) = t.case(u).map(|c| &c.note).filter(|n| !n.is_empty()) {
                ui.label(t!("account.note", note = note));
            }
            return;
        };
        let focus = std::mem::take(&mut self.note_focus);
        let mut done = None;
        ui.horizontal(|ui| {
            let edit = ui.add(
                egui::TextEdit::singleline(draft)
                    .hint_text(t!("account.note_hint"))
                    .desired_width(ui.available_width() - 60.0),
            );
            if focus {
                edit.request_focus();
            }
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
            if enter || ui.button(t!("account.save")).clicked() {
                done = Some(true);
            } else if escape {
                done = Some(false);
            }
        });
        if let Some(save) = done {
            if save {
                out.push(Command::Note(draft.clone()));
            }
            self.note_draft = None;
        }
    }
}
