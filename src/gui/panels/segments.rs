//! The segments panel: find the session's k-means segments, see them on the 2-D view (coloured
//! by segment, accounts labelled fraud ringed, at most `MAX_POINTS` drawn), click a point to open
//! its account, and read each segment's profile.

use eframe::egui;
use egui_plot::{Plot, PlotPoints, Points};

use super::panel::Panel;
use crate::eval::metric_text;
use crate::gui::command::Command;
use crate::gui::view::{JobKind, View};
use crate::segments::Segmentation;
use crate::workbench::Triage;

/// Points drawn at most: larger logs are drawn by an even stride (every account still counts in
/// the profiles).
const MAX_POINTS: usize = 20_000;

const PALETTE: [egui::Color32; 10] = [
    egui::Color32::from_rgb(86, 156, 214),
    egui::Color32::from_rgb(230, 159, 0),
    egui::Color32::from_rgb(0, 158, 115),
    egui::Color32::from_rgb(204, 121, 167),
    egui::Color32::from_rgb(240, 228, 66),
    egui::Color32::from_rgb(0, 114, 178),
    egui::Color32::from_rgb(213, 94, 0),
    egui::Color32::from_rgb(150, 150, 150),
    egui::Color32::from_rgb(120, 200, 255),
    egui::Color32::from_rgb(170, 110, 60),
];

fn colour(segment: usize) -> egui::Color32 {
    PALETTE[segment % PALETTE.len()]
}

#[derive(Default)]
pub struct SegmentsPanel;

impl Panel for SegmentsPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else { return };
        let running = view.is_running(JobKind::Segments);
        ui.horizontal(|ui| {
            let label = if t.segments.is_some() {
                "Find again"
            } else {
                "Find segments"
            };
            if ui.add_enabled(!running, egui::Button::new(label)).clicked() {
                out.push(Command::FindSegments);
            }
            if let Some(s) = &t.segments {
                ui.label(format!(
                    "{} segments ({}; silhouette {})",
                    s.k,
                    s.chosen_by,
                    metric_text(s.silhouette, 2)
                ));
            }
        });
        let Some(s) = &t.segments else {
            ui.weak("k-means on the account features; k chosen by the silhouette.");
            return;
        };
        scatter(ui, t, s, out);
        profiles(ui, s);
    }
}

fn scatter(ui: &mut egui::Ui, t: &Triage, s: &Segmentation, out: &mut Vec<Command>) {
    let stride = s.xy.len().div_ceil(MAX_POINTS).max(1);
    let shown: Vec<usize> = (0..s.xy.len()).step_by(stride).collect();
    let response = Plot::new("segments_scatter")
        .height(260.0)
        .show_axes([false, false])
        .legend(egui_plot::Legend::default())
        .show(ui, |plot| {
            for seg in 0..s.k {
                let points: PlotPoints = shown
                    .iter()
                    .filter(|&&u| s.assignments[u] == seg)
                    .map(|&u| [s.xy[u].0 as f64, s.xy[u].1 as f64])
                    .collect();
                plot.points(
                    Points::new(format!("segment {seg}"), points)
                        .radius(1.5)
                        .color(colour(seg)),
                );
            }
            let fraud: PlotPoints = shown
                .iter()
                .filter(|&&u| t.labels[u] == 1)
                .map(|&u| [s.xy[u].0 as f64, s.xy[u].1 as f64])
                .collect();
            plot.points(
                Points::new("labelled fraud", fraud)
                    .radius(3.0)
                    .filled(false)
                    .color(egui::Color32::from_rgb(230, 80, 80)),
            );
            plot.pointer_coordinate()
        });
    // A click opens the nearest account.
    if response.response.clicked()
        && let Some(p) = response.inner
    {
        let nearest = shown.iter().copied().min_by(|&a, &b| {
            let d = |u: usize| {
                let (x, y) = s.xy[u];
                (x as f64 - p.x).powi(2) + (y as f64 - p.y).powi(2)
            };
            d(a).total_cmp(&d(b))
        });
        if let Some(u) = nearest {
            out.push(Command::Select(u));
        }
    }
    if stride > 1 {
        ui.weak(format!("every {stride}th account drawn"));
    }
    if let Some(u) = t.selected {
        ui.label(format!(
            "{}: segment {}, {:.2} from its centre",
            t.user_name(u),
            s.assignments[u],
            s.distance[u]
        ));
    }
}

fn profiles(ui: &mut egui::Ui, s: &Segmentation) {
    egui::ScrollArea::vertical()
        .id_salt("segment_profiles")
        .show(ui, |ui| {
            for p in &s.profiles {
                let fraud = if p.labelled == 0 {
                    "no labels".to_string()
                } else {
                    format!(
                        "fraud {} of {} labelled ({:.1}%)",
                        p.fraud,
                        p.labelled,
                        100.0 * p.fraud_rate
                    )
                };
                ui.horizontal(|ui| {
                    ui.colored_label(colour(p.segment), format!("segment {}", p.segment));
                    ui.label(format!("{} accounts · {fraud}", p.size));
                });
                for t in &p.traits {
                    ui.label(format!("    {t}"));
                }
            }
        });
}
