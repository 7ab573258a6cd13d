//! The Live tab: start or stop following the open log, alerts per hour, and the alerts as
//! they come (newest first; a click opens the account when the open log has it).

use eframe::egui;
use egui_plot::{Bar, BarChart, Plot};

use super::panel::Panel;
use crate::gui::command::Command;
use crate::gui::i18n::{Language, say, t};
use crate::gui::live::{LiveState, can_follow};
use crate::gui::view::View;
use crate::time_units::HOUR_MS;
use crate::workbench::Triage;

/// Alerts listed at most (the newest).
const ALERTS_SHOWN: usize = 500;

#[derive(Default)]
pub struct LivePanel;

/// Row height of the alerts list: only the visible rows are laid out.
const ROW_HEIGHT: f32 = 18.0;

/// Alerts per hour of raising: (the hour's start in ms, count), oldest first.
fn per_hour(live: &LiveState) -> Vec<(i64, usize)> {
    let mut hours: Vec<(i64, usize)> = Vec::new();
    for (_, a) in &live.alerts {
        let hour = a.raised_at_ms - a.raised_at_ms.rem_euclid(HOUR_MS);
        match hours.last_mut() {
            Some((h, n)) if *h == hour => *n += 1,
            _ => hours.push((hour, 1)),
        }
    }
    hours
}

impl Panel for LivePanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else {
            return;
        };
        let Some(live) = view.live.filter(|l| l.is_running() || !l.alerts.is_empty()) else {
            return not_started(ui, t, view.live, out);
        };
        header_ui(ui, live, out);
        let hours = per_hour(live);
        if !hours.is_empty() {
            per_hour_ui(ui, &hours);
        }
        ui.separator();
        alerts_ui(ui, t, live, out);
    }
}

/// Before Live has started (or after it stopped with no alert): what it does, and Start
/// where the open log can be followed.
fn not_started(ui: &mut egui::Ui, t: &Triage, live: Option<&LiveState>, out: &mut Vec<Command>) {
    ui.label(t!("live.intro"));
    let ok = can_follow(t.log_path());
    let start = ui.add_enabled(ok, egui::Button::new(t!("live.start")));
    if !ok {
        start.on_disabled_hover_text(t!("live.cannot_follow"));
    } else if start.clicked() {
        out.push(Command::StartLive);
    }
    if let Some(ended) = live.and_then(|l| l.ended.as_ref()) {
        ui.colored_label(ui.visuals().warn_fg_color, ended);
    }
}

/// Whether it runs, the events scored and alerts raised, Stop or Start, what it reads, and
/// why it ended or what it warned of.
fn header_ui(ui: &mut egui::Ui, live: &LiveState, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if live.is_running() {
            ui.colored_label(egui::Color32::from_rgb(220, 60, 60), "●");
            ui.strong(t!("tab.live"));
        } else {
            ui.strong(t!("live.stopped"));
        }
        let lang = Language::current();
        ui.label(t!(
            "live.counts",
            events = lang.number(live.scored),
            alerts = lang.number(live.alerts.len() as u64)
        ));
        if live.is_running() {
            if ui.button(t!("live.stop")).clicked() {
                out.push(Command::StopLive);
            }
        } else if ui.button(t!("live.start")).clicked() {
            out.push(Command::StartLive);
        }
    });
    match &live.model {
        Some(m) => ui.weak(t!(
            "live.source_model",
            file = live.source.display(),
            model = m
        )),
        None => ui.weak(t!("live.reading", file = live.source.display())),
    };
    if let Some(ended) = &live.ended {
        ui.colored_label(ui.visuals().warn_fg_color, ended);
    }
    for w in &live.warnings {
        ui.colored_label(ui.visuals().warn_fg_color, w);
    }
}

/// Alerts per hour of raising, as bars.
fn per_hour_ui(ui: &mut egui::Ui, hours: &[(i64, usize)]) {
    ui.label(t!("live.per_hour"));
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, (hour, n))| {
            let name = Language::current().date_time(*hour, false);
            Bar::new(i as f64, *n as f64).name(name)
        })
        .collect();
    Plot::new("alerts_per_hour")
        .height(90.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([false, true])
        .show(ui, |p| p.bar_chart(BarChart::new(t!("live.alerts"), bars)));
}

/// The alerts, newest first; only the visible rows are laid out.
fn alerts_ui(ui: &mut egui::Ui, t: &Triage, live: &LiveState, out: &mut Vec<Command>) {
    let shown = live.alerts.len().min(ALERTS_SHOWN);
    let language = Language::current();
    egui::ScrollArea::vertical().show_rows(ui, ROW_HEIGHT, shown, |ui, rows| {
        egui::Grid::new(("alerts", rows.start))
            .striped(true)
            .show(ui, |ui| {
                let newest_first = live.alerts.iter().rev();
                for (id, a) in newest_first.skip(rows.start).take(rows.len()) {
                    ui.weak(format!("#{id}"));
                    ui.label(language.date_time(a.raised_at_ms, true));
                    match t.user_by_name(&a.user) {
                        Some(u) => {
                            if ui.link(&a.user).clicked() {
                                out.push(Command::Select(u));
                            }
                        }
                        None => {
                            ui.label(&a.user).on_hover_text(t!("live.new_account"));
                        }
                    }
                    ui.label(format!("{:.2}", a.score));
                    let why = a.reasons.first().map(say).unwrap_or_default();
                    // Truncated so a long reason cannot widen the panel; all of them on hover.
                    ui.add(egui::Label::new(why).truncate()).on_hover_ui(|ui| {
                        for r in &a.reasons {
                            ui.label(say(r));
                        }
                    });
                    ui.end_row();
                }
            });
    });
}
