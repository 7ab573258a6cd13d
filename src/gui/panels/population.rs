//! The population under the segments: each segment's share of the active accounts week by week
//! (a small chart), and the accounts ranked by purchase chance or churn risk with their
//! segment, a click opening one, exportable to CSV.

use eframe::egui;
use egui_plot::{Line, Plot};

use super::common::{file_name, segment_colour as colour};
use crate::gui::command::Command;
use crate::gui::i18n::{Language, count, t};
use crate::words::segment_name;
use crate::workbench::{RankBy, Triage};

/// Accounts listed in the window (every account goes to the export).
const LISTED: usize = 100;

#[derive(Default)]
pub struct PopulationView {
    rank_by: Option<RankBy>,
    /// Where the ranking is exported: beside the log, named by what it is ranked by, until the
    /// analyst edits it.
    export_to: Option<String>,
}

impl PopulationView {
    pub fn ui(&mut self, ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
        // Each segment as the chart and the list call it: "3 · high orders per view · …".
        let language = Language::current();
        let titles: Vec<String> = t.segments().map_or(Vec::new(), |s| {
            s.profiles
                .iter()
                .map(|p| format!("{} · {}", p.segment, segment_name(p, language)))
                .collect()
        });
        if let Some(weeks) = t.segment_weeks() {
            ui.strong(t!("population.weekly_share"));
            if weeks.starts_ms.len() < 2 {
                ui.weak(t!("population.one_week"));
            } else {
                weekly_share(ui, &titles, &weeks.shares, &weeks.starts_ms);
            }
        }
        ui.separator();
        self.ranking(ui, t, &titles, out);
    }

    fn ranking(
        &mut self,
        ui: &mut egui::Ui,
        t: &Triage,
        titles: &[String],
        out: &mut Vec<Command>,
    ) {
        let by = *self.rank_by.get_or_insert(RankBy::Purchase);
        ui.horizontal_wrapped(|ui| {
            ui.strong(t!("population.ranked"));
            for (choice, label) in [
                (RankBy::Purchase, t!("population.by_purchase")),
                (RankBy::Churn, t!("population.by_churn")),
            ] {
                if ui.selectable_label(by == choice, label).clicked() && by != choice {
                    self.rank_by = Some(choice);
                    self.export_to = None;
                }
            }
        });
        // A choice made this frame shows (and names the export) this frame.
        let by = self.rank_by.unwrap_or(by);
        let rows = t.ranked_by(by);
        if rows.is_empty() {
            ui.weak(t!("population.predict_first"));
            return;
        }
        let export_to = self
            .export_to
            .get_or_insert_with(|| default_export(t, by).display().to_string());
        ui.horizontal_wrapped(|ui| {
            ui.label(t!("population.export_to"));
            // The path takes what the panel leaves beside the button.
            let width = (ui.available_width() - EXPORT_BUTTON_ROOM).max(120.0);
            ui.add(egui::TextEdit::singleline(export_to).desired_width(width));
            if ui.button(t!("population.export")).clicked() {
                out.push(Command::ExportRanked(by, export_to.trim().into()));
            }
        });
        let segments = t.segments();
        // One scroll for the whole tab (the segments' one): a list of its own inside it would
        // catch the wheel halfway down.
        egui::Grid::new("ranked_grid")
            .striped(true)
            .num_columns(3)
            .show(ui, |ui| {
                ui.strong(t!("population.account"));
                ui.strong(t!("population.segment"));
                ui.strong(match by {
                    RankBy::Purchase => t!("population.purchase"),
                    RankBy::Churn => t!("population.churn"),
                });
                ui.end_row();
                for &(u, p) in rows.iter().take(LISTED) {
                    let selected = t.selected() == Some(u);
                    if ui.selectable_label(selected, t.user_name(u)).clicked() {
                        out.push(Command::Select(u));
                    }
                    let segment = segments.and_then(|s| s.assignments.get(u.index()));
                    match segment.and_then(|&i| Some((i, titles.get(i)?))) {
                        Some((i, title)) => {
                            ui.colored_label(colour(i), title);
                        }
                        None => {
                            ui.weak("–");
                        }
                    }
                    ui.label(format!("{:.1}%", 100.0 * p));
                    ui.end_row();
                }
            });
        if rows.len() > LISTED {
            ui.weak(t!("population.more", n = count(rows.len() - LISTED)));
        }
    }
}

/// Room (points) the export row keeps for its button beside the path.
const EXPORT_BUTTON_ROOM: f32 = 90.0;

/// `<log>.purchase.csv` or `<log>.churn.csv` beside the log.
fn default_export(t: &Triage, by: RankBy) -> std::path::PathBuf {
    let log = t.log_path();
    let stem = file_name(log);
    let what = match by {
        RankBy::Purchase => "purchase",
        RankBy::Churn => "churn",
    };
    log.with_file_name(format!("{stem}.{what}.csv"))
}

/// One line per segment: its share of each week's active accounts, weeks by their Monday.
fn weekly_share(ui: &mut egui::Ui, titles: &[String], shares: &[Vec<f32>], starts_ms: &[i64]) {
    let monday = |x: f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        starts_ms
            .get(i as usize)
            .map_or(String::new(), |&ms| Language::current().day(ms))
    };
    // No legend: it would cover the lines, and each line has its segment's colour, as the
    // profiles above name them.
    Plot::new("segment_weeks")
        .height(150.0)
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| monday(mark.value))
        .y_axis_formatter(|mark, _| format!("{:.0}%", 100.0 * mark.value))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (i, weekly) in shares.iter().enumerate() {
                let title = titles.get(i).cloned().unwrap_or_default();
                let points: Vec<[f64; 2]> = weekly
                    .iter()
                    .enumerate()
                    .map(|(w, &v)| [w as f64, f64::from(v)])
                    .collect();
                plot.line(Line::new(title, points).color(colour(i)).width(2.0));
            }
        });
}
