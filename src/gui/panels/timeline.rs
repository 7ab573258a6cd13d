//! The account timeline: every event on a time axis, one lane per event type, amount as marker
//! size, event score as colour, events the log labels fraud ringed. Zoom and pan are the plot's;
//! hovering shows the nearest event. The series are built once per account and model, and the
//! plot borrows them every frame.

use crate::gui::i18n::{Language, t};
use eframe::egui::{self, Color32};
use egui_plot::{MarkerShape, Plot, PlotPoint, Points};

use super::common::score_colour;
use crate::log::UserCode;
use crate::workbench::Triage;

/// Score buckets (colours) and amount buckets (sizes) the markers are grouped into, so an
/// account with 10k events is a few dozen series, not 10k.
const SCORE_BUCKETS: usize = 10;
const SIZE_BUCKETS: usize = 4;
const HOVER_PX: f32 = 10.0;

struct EventPoint {
    event: usize,
    at: PlotPoint,
}

struct Group {
    name: String,
    colour: Color32,
    radius: f32,
    points: Vec<PlotPoint>,
}

#[derive(Default)]
pub struct Timeline {
    /// (user, session generation) the series were built for.
    key: Option<(UserCode, u64)>,
    lanes: Vec<String>,
    events: Vec<EventPoint>,
    groups: Vec<Group>,
    fraud: Vec<PlotPoint>,
}

impl Timeline {
    fn refresh(&mut self, t: &Triage, u: UserCode) {
        let key = (u, t.generation());
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        let events = t.timeline(u);
        let mut lanes: Vec<String> = events
            .iter()
            .filter_map(|e| e.kind.map(str::to_string))
            .collect();
        lanes.sort();
        lanes.dedup();
        let max_amount = events
            .iter()
            .map(|e| e.amount)
            .filter(|v| v.is_finite())
            .fold(0.0f64, f64::max);
        let mut groups: Vec<Group> = (0..SCORE_BUCKETS * SIZE_BUCKETS)
            .map(|i| {
                let (s, r) = (i / SIZE_BUCKETS, i % SIZE_BUCKETS);
                Group {
                    name: format!("g{i}"),
                    colour: score_colour((s as f32 + 0.5) / SCORE_BUCKETS as f32),
                    radius: 2.5 + 2.0 * r as f32,
                    points: Vec::new(),
                }
            })
            .collect();
        self.events.clear();
        self.fraud.clear();
        for e in events {
            let lane = e
                .kind
                .and_then(|name| lanes.iter().position(|l| l == name))
                .unwrap_or(0) as f64;
            let at = PlotPoint::new(e.ts_ms as f64 / 1000.0, lane);
            let s =
                ((e.score.clamp(0.0, 1.0) * SCORE_BUCKETS as f32) as usize).min(SCORE_BUCKETS - 1);
            let amount = e.amount;
            let r = if amount.is_finite() && amount > 0.0 && max_amount > 0.0 {
                1 + ((amount.ln_1p() / max_amount.ln_1p()) * (SIZE_BUCKETS - 1) as f64) as usize
            } else {
                0
            }
            .min(SIZE_BUCKETS - 1);
            groups[s * SIZE_BUCKETS + r].points.push(at);
            if e.labelled_fraud {
                self.fraud.push(at);
            }
            self.events.push(EventPoint { event: e.event, at });
        }
        groups.retain(|g| !g.points.is_empty());
        self.groups = groups;
        self.lanes = lanes;
    }

    /// Draws the timeline of user `u`; returns the hovered event, if any.
    pub fn ui(&mut self, ui: &mut egui::Ui, t: &Triage, u: UserCode) -> Option<usize> {
        self.refresh(t, u);
        let lanes = &self.lanes;
        let height = (40.0 + 26.0 * lanes.len() as f32).clamp(140.0, 320.0);
        let response = Plot::new(("timeline", u.raw()))
            .height(height)
            .show_x(false)
            .show_y(false)
            .allow_zoom(egui::Vec2b::new(true, false))
            .allow_drag(egui::Vec2b::new(true, false))
            .allow_scroll(egui::Vec2b::new(true, false))
            .include_y(-0.6)
            .include_y(lanes.len() as f64 - 0.4)
            .x_grid_spacer(super::time_axis::marks)
            .x_axis_formatter(|mark, _| super::time_axis::label(mark))
            .y_axis_formatter(|mark, _| {
                let i = mark.value.round();
                if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                    lanes.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_axis_min_width(70.0)
            .show(ui, |plot_ui| {
                for g in &self.groups {
                    plot_ui.points(
                        Points::new(g.name.as_str(), g.points.as_slice())
                            .color(g.colour)
                            .radius(g.radius)
                            .shape(MarkerShape::Circle)
                            .filled(true),
                    );
                }
                if !self.fraud.is_empty() {
                    plot_ui.points(
                        Points::new(t!("dist.labelled_fraud"), self.fraud.as_slice())
                            .color(Color32::from_rgb(200, 40, 200))
                            .radius(9.0)
                            .filled(false),
                    );
                }
                let pointer = plot_ui.pointer_coordinate()?;
                nearest(plot_ui, &self.events, pointer)
            });
        let hovered = response.inner;
        if let Some(e) = hovered {
            response
                .response
                .on_hover_text_at_pointer(t.event_summary(e, Language::current()));
        }
        hovered
    }
}

fn nearest(
    plot_ui: &egui_plot::PlotUi,
    events: &[EventPoint],
    pointer: PlotPoint,
) -> Option<usize> {
    let at = plot_ui.screen_from_plot(pointer);
    events
        .iter()
        .map(|p| (p.event, plot_ui.screen_from_plot(p.at).distance(at)))
        .filter(|(_, d)| *d <= HOVER_PX)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(e, _)| e)
}
