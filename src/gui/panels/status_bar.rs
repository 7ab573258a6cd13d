//! The status bar: each running job with its stage, progress and Cancel; the team
//! workspace's connection (unreachable since when, with the verdicts waiting on this machine;
//! back, with what became of them); the last message (errors in red stay until the next
//! message, or, when the outage caused them, until it is over).

use eframe::egui;

use crate::gui::i18n::{Language, say, t};

use super::panel::Panel;
use crate::gui::command::Command;
use crate::gui::view::{Message, View};
use crate::workbench::compute_device_name;
use crate::workbench::{LinkStatus, Triage};

/// Which model the queue is ordered by, and whether a better one is on its way.
fn ordered_by(t: &Triage) -> String {
    let kind = t.model().kind;
    match t.pending_detector() {
        Some(chosen) => t!("status.ordered_pending", kind = kind, chosen = chosen).into_owned(),
        None => t!("status.ordered", kind = kind).into_owned(),
    }
}

const RED: egui::Color32 = egui::Color32::from_rgb(230, 80, 80);
const GREEN: egui::Color32 = egui::Color32::from_rgb(110, 170, 110);

/// The connection's story, when there is one to tell.
fn link_ui(ui: &mut egui::Ui, view: &View<'_>) {
    let lang = Language::current();
    let waiting = view.triage.map_or(0, Triage::held);
    match view.link {
        LinkStatus::Up => return,
        LinkStatus::Away(away) => {
            let mut text = t!("status.link_away", since = lang.clock(away.since_ms)).into_owned();
            if waiting > 0 {
                text.push_str(" · ");
                text.push_str(&t!("status.link_waiting", n = lang.number(waiting as u64)));
            }
            let shown = ui.colored_label(RED, text);
            if !away.reason.is_empty() {
                shown.on_hover_text(&away.reason);
            }
        }
        LinkStatus::Back(back) => {
            let away = minutes_text(back.away_ms);
            let at = lang.clock(back.at_ms);
            let mut text = t!("status.link_back", at = at, away = away).into_owned();
            if back.written > 0 {
                text.push_str(" · ");
                let n = lang.number(back.written as u64);
                text.push_str(&t!("status.link_written", n = n));
            }
            if back.conflicts > 0 {
                text.push_str(" · ");
                let n = lang.number(back.conflicts as u64);
                text.push_str(&t!("status.link_conflicts", n = n));
            }
            ui.colored_label(GREEN, text);
        }
    }
    ui.separator();
}

/// An outage's length: "45 s" or "3 min", in the window's words.
fn minutes_text(ms: i64) -> String {
    let secs = (ms / 1000).max(0);
    match secs < 120 {
        true => t!("status.seconds", n = secs).into_owned(),
        false => t!("status.minutes", n = secs / 60).into_owned(),
    }
}

#[derive(Default)]
pub struct StatusBar;

impl Panel for StatusBar {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            for j in view.jobs {
                let p = &j.progress;
                let stage = p.stage.map(|s| say(&s)).unwrap_or_default();
                // A job whose stage says what its name says ("training behaviour") shows it
                // once.
                ui.label(match stage.is_empty() || stage == p.name {
                    true => p.name.clone(),
                    false => format!("{}: {stage}", p.name),
                });
                let bar = match p.fraction {
                    Some(f) => egui::ProgressBar::new(f).show_percentage(),
                    // Not animated: an animation repaints every frame, and with software
                    // rendering that takes the cores from the job it shows.
                    None => egui::ProgressBar::new(0.0).text(t!("status.working")),
                };
                ui.add(bar.desired_width(160.0));
                ui.separator();
            }
            if !view.jobs.is_empty() && ui.button(t!("status.cancel")).clicked() {
                out.push(Command::CancelJobs);
            }
            link_ui(ui, view);
            match view.message {
                Some(Message::Error(e) | Message::Unreachable(e)) => {
                    ui.colored_label(RED, e);
                }
                Some(Message::Info(i)) => {
                    ui.label(i);
                }
                None => {}
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                // Here rather than in the crowded top bar, where the model's figures need room.
                ui.weak(t!("top.device", device = say(&compute_device_name())));
                if !view.has_cjk_font {
                    ui.weak(t!("status.no_cjk"));
                }
                if let Some(t) = view.triage {
                    ui.label(ordered_by(t));
                }
            });
        });
    }
}
