//! The question a refused verdict asks: another analyst decided the account after this
//! window had loaded it. Their decision is shown; the analyst overwrites it or lets it stand.

use eframe::egui;

use crate::gui::command::Command;
use crate::gui::i18n::{Language, say, t};
use crate::workbench::Triage;

/// How many of a bulk decision's conflicts are listed (the rest are counted).
const SHOWN: usize = 6;

pub fn conflict_ui(ctx: &egui::Context, t: &Triage, out: &mut Vec<Command>) {
    let Some((theirs, ours)) = t.conflict() else {
        return;
    };
    let lang = Language::current();
    egui::Window::new(t!("conflict.title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| {
            for c in theirs.iter().take(SHOWN) {
                let verdict = c.verdict.map(|v| say(&v)).unwrap_or_default();
                ui.label(t!(
                    "conflict.line",
                    by = &c.by,
                    user = &c.user,
                    verdict = verdict,
                    at = lang.date_time(c.at_ms, true)
                ));
            }
            if theirs.len() > SHOWN {
                ui.weak(t!("conflict.more", n = theirs.len() - SHOWN));
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .button(t!("conflict.overwrite", verdict = say(&ours)))
                    .clicked()
                {
                    out.push(Command::Overwrite);
                }
                if ui.button(t!("conflict.keep")).clicked() {
                    out.push(Command::KeepTheirs);
                }
            });
        });
}
