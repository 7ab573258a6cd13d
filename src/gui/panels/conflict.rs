//! The question a verdict asks before it overrides another analyst: they hold the account
//! (a claim), or decided it after this window looked or within the workspace's recent-decision
//! minutes. A bulk decision lists the accounts it would override and asks once.

use eframe::egui;

use crate::cases::{Conflict, ConflictKind};
use crate::gui::command::Command;
use crate::gui::i18n::{Language, say, t};
use crate::workbench::{Refused, Triage};

/// How many of a bulk decision's conflicts are listed (the rest are counted).
const SHOWN: usize = 6;

pub fn conflict_ui(ctx: &egui::Context, t: &Triage, out: &mut Vec<Command>) {
    let Some(refused) = t.conflict() else {
        return;
    };
    let title = match (&refused.user, refused.theirs.first().map(|c| c.kind)) {
        (Some(_), Some(ConflictKind::Held)) => t!("conflict.title_held"),
        (Some(_), _) => t!("conflict.title"),
        (None, _) => t!("conflict.title_bulk"),
    };
    egui::Window::new(title)
        .id(egui::Id::unique("conflict_question"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ctx, |ui| match refused.user {
            Some(_) => one_account(ui, refused, out),
            None => bulk(ui, refused, out),
        });
}

/// "held by ann since 10:02; decide anyway?", or ann's decision and whether to overwrite it.
fn one_account(ui: &mut egui::Ui, refused: &Refused, out: &mut Vec<Command>) {
    let Some(c) = refused.theirs.first() else {
        return;
    };
    ui.label(line(c));
    ui.separator();
    let ours = say(&refused.ours);
    ui.horizontal(|ui| match c.kind {
        ConflictKind::Held => {
            if ui
                .button(t!("conflict.decide_anyway", verdict = ours))
                .clicked()
            {
                out.push(Command::Overwrite);
            }
            if ui.button(t!("conflict.leave")).clicked() {
                out.push(Command::KeepTheirs);
            }
        }
        ConflictKind::Decided => {
            if ui
                .button(t!("conflict.overwrite", verdict = ours))
                .clicked()
            {
                out.push(Command::Overwrite);
            }
            if ui.button(t!("conflict.keep")).clicked() {
                out.push(Command::KeepTheirs);
            }
        }
    });
}

/// The accounts a bulk decision would override, and one question for all of them.
fn bulk(ui: &mut egui::Ui, refused: &Refused, out: &mut Vec<Command>) {
    let lang = Language::current();
    let n = refused.theirs.len();
    ui.label(t!("conflict.bulk_intro", n = lang.number(n as u64)));
    for c in refused.theirs.iter().take(SHOWN) {
        ui.label(line(c));
    }
    if n > SHOWN {
        ui.weak(t!("conflict.more", n = lang.number((n - SHOWN) as u64)));
    }
    ui.separator();
    let ours = say(&refused.ours);
    ui.horizontal(|ui| {
        let all = t!(
            "conflict.overwrite_all",
            n = lang.number(n as u64),
            verdict = ours
        );
        if ui.button(all).clicked() {
            out.push(Command::Overwrite);
        }
        if refused.others > 0 {
            let others = lang.number(refused.others as u64);
            if ui
                .button(t!("conflict.keep_label_others", n = others))
                .clicked()
            {
                out.push(Command::KeepTheirs);
            }
        }
        if ui.button(t!("conflict.cancel")).clicked() {
            out.push(Command::DismissConflict);
        }
    });
}

/// One account in the way: who holds it since when, or who decided what when.
fn line(c: &Conflict) -> String {
    let lang = Language::current();
    match c.kind {
        ConflictKind::Held => t!(
            "conflict.held_line",
            by = &c.by,
            user = &c.user,
            since = lang.clock(c.at_ms)
        )
        .into_owned(),
        ConflictKind::Decided => {
            let verdict = c.verdict.map(|v| say(&v)).unwrap_or_default();
            t!(
                "conflict.line",
                by = &c.by,
                user = &c.user,
                verdict = verdict,
                at = lang.date_time(c.at_ms, true)
            )
            .into_owned()
        }
    }
}
