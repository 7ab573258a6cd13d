//! The window's panels, one file each. A panel draws from borrowed state and pushes
//! `Command`s; it keeps only its own UI state (scroll, zoom, drafts).

mod account;
mod distribution;
mod mapping;
mod model;
mod queue;
mod status_bar;
mod timeline;
mod top_bar;

use eframe::egui;
use serde::{Deserialize, Serialize};

pub use mapping::MappingDialog;

use super::app::VigilApp;
use super::command::Command;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RightTab {
    #[default]
    Distribution,
    Model,
}

/// UI-only state of the panels.
#[derive(Default)]
pub struct PanelStates {
    /// The note being written (`n`), if any.
    pub note_draft: Option<String>,
    pub start_note: bool,
    pub focus_search: bool,
    /// "Open path" entry, shown when no native file dialog is available.
    pub open_path: Option<String>,
    pub mapping: Option<MappingDialog>,
    pub timeline: timeline::TimelineCache,
    pub search_draft: Option<String>,
    /// The queue row last scrolled into view.
    pub queue_scrolled_to: Option<usize>,
}

/// The whole window: bars, queue, account view, distribution / model.
pub fn window_ui(ui: &mut egui::Ui, app: &mut VigilApp, out: &mut Vec<Command>) {
    let jobs = app.running_jobs();
    let VigilApp {
        triage,
        panels,
        settings,
        message,
        comparison,
        cjk_font,
        ..
    } = app;
    top_bar::top_bar_ui(ui, triage.as_ref(), &jobs, panels, out);
    status_bar::status_bar_ui(ui, &jobs, message.as_ref(), cjk_font.is_some(), out);
    if let Some(dialog) = &mut panels.mapping
        && dialog.ui(ui.ctx(), out)
    {
        panels.mapping = None;
    }
    let Some(t) = triage.as_ref() else {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.centered_and_justified(|ui| {
                ui.heading(if jobs.is_empty() {
                    "Open a log: File → Open (Ctrl+O), or drop a file here"
                } else {
                    "Opening the log…"
                });
            });
        });
        return;
    };
    egui::Panel::left("queue")
        .resizable(true)
        .default_size(330.0)
        .show(ui, |ui| queue::queue_ui(ui, t, panels, out));
    egui::Panel::right("side")
        .resizable(true)
        .default_size(420.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut settings.right_tab,
                    RightTab::Distribution,
                    "Distribution",
                );
                ui.selectable_value(&mut settings.right_tab, RightTab::Model, "Model");
            });
            ui.separator();
            match settings.right_tab {
                RightTab::Distribution => {
                    distribution::distribution_ui(ui, t, &mut settings.daily_capacity, out)
                }
                RightTab::Model => model::model_ui(ui, t, settings, comparison, &jobs, out),
            }
        });
    egui::CentralPanel::default().show(ui, |ui| account::account_ui(ui, t, panels, out));
}

/// Colour of a risk level, shared by the queue, the account view and the plots.
pub fn risk_colour(risk: crate::detect::Risk) -> egui::Color32 {
    match risk {
        crate::detect::Risk::High => egui::Color32::from_rgb(220, 60, 60),
        crate::detect::Risk::Suspicious => egui::Color32::from_rgb(230, 160, 40),
        crate::detect::Risk::Normal => egui::Color32::from_rgb(110, 170, 110),
    }
}

/// Colour of a score in [0, 1]: green through amber to red.
pub fn score_colour(score: f32) -> egui::Color32 {
    let s = score.clamp(0.0, 1.0);
    let lerp = |a: u8, b: u8, t: f32| (f32::from(a) + (f32::from(b) - f32::from(a)) * t) as u8;
    let (lo, mid, hi) = ((90, 170, 110), (235, 180, 50), (220, 50, 50));
    let (from, to, t) = if s < 0.5 {
        (lo, mid, s * 2.0)
    } else {
        (mid, hi, (s - 0.5) * 2.0)
    };
    egui::Color32::from_rgb(
        lerp(from.0, to.0, t),
        lerp(from.1, to.1, t),
        lerp(from.2, to.2, t),
    )
}

/// A label as a word: the analyst's verdict, else the log's label.
pub fn label_text(t: &super::state::Triage, u: usize) -> &'static str {
    match (t.verdict(u), t.labels[u]) {
        (Some(v), _) => v.name(),
        (None, 1) => "fraud (log)",
        (None, 0) => "legit (log)",
        _ => "",
    }
}

pub fn format_time(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| format!("{ms} ms"))
}

/// A metric to three decimals, or a dash when there is nothing to measure it on.
pub fn metric_text(v: f64) -> String {
    if v.is_nan() {
        "–".into()
    } else {
        format!("{v:.3}")
    }
}
