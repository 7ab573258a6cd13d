//! The segments panel: find the session's k-means segments (k chosen, or set by the analyst),
//! see them on the 2-D view (coloured by segment, accounts labelled fraud ringed, at most
//! `MAX_POINTS` drawn), click a point to open its account, read each segment's name and profile,
//! and below them the population (`population`).

use crate::gui::i18n::{Language, count, say, t};
use eframe::egui;
use egui_plot::{Plot, PlotPoint, Points};

use super::common::segment_colour as colour;
use super::panel::Panel;
use super::population::PopulationView;
use crate::eval::metric_text;
use crate::gui::command::Command;
use crate::gui::view::{JobKind, View};
use crate::log::UserCode;
use crate::segments::Segmentation;
use crate::words::{fraud_among_labelled, place_in_segment, segment_name};
use crate::workbench::Triage;

/// Points drawn at most: larger logs are drawn by an even stride (every account still counts in
/// the profiles).
const MAX_POINTS: usize = 20_000;

/// The k an analyst can set, and where the setting starts.
const K_RANGE: std::ops::RangeInclusive<usize> = 2..=20;
const K_START: usize = 8;

/// The scatter's points, built once per segmentation and labelling.
#[derive(Default)]
pub struct SegmentsPanel {
    /// The triage version (labels and segments) the points were built for.
    key: Option<u64>,
    /// The accounts drawn (every `stride`th).
    shown: Vec<UserCode>,
    stride: usize,
    by_segment: Vec<Vec<PlotPoint>>,
    fraud: Vec<PlotPoint>,
    /// The k the analyst set; `None` lets the silhouette choose.
    k: Option<usize>,
    /// Place the accounts by the model's reading of each (the behaviour model's embedding)
    /// rather than by their features.
    by_reading: bool,
    population: PopulationView,
}

impl SegmentsPanel {
    fn refresh(&mut self, t: &Triage, s: &Segmentation) {
        let key = t.version();
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.stride = s.xy.len().div_ceil(MAX_POINTS).max(1);
        self.shown = UserCode::all(s.xy.len()).step_by(self.stride).collect();
        let at = |u: UserCode| PlotPoint::new(s.xy[u.index()].0, s.xy[u.index()].1);
        self.by_segment = vec![Vec::new(); s.k];
        for &u in &self.shown {
            self.by_segment[s.assignments[u.index()]].push(at(u));
        }
        self.fraud = self
            .shown
            .iter()
            .filter(|&&u| t.label_of(u).is_fraud())
            .map(|&u| at(u))
            .collect();
    }
}

impl Panel for SegmentsPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else { return };
        let running = view.is_running(JobKind::Segments);
        // Rows here wrap: a row wider than the panel would widen everything below it (the
        // scatter takes the width it finds) past the window's edge.
        ui.horizontal_wrapped(|ui| {
            let label = if t.segments().is_some() {
                t!("segments.find_again")
            } else {
                t!("segments.find")
            };
            // Only a model that reads account events has a reading of each account.
            let readable = t.model().embedding.is_some();
            if ui.add_enabled(!running, egui::Button::new(label)).clicked() {
                out.push(Command::FindSegments {
                    k: self.k,
                    by_reading: self.by_reading && readable,
                });
            }
            ui.add_enabled(
                readable,
                egui::Checkbox::new(&mut self.by_reading, t!("segments.by_reading")),
            )
            .on_hover_text(t!("segments.by_reading_hint"))
            .on_disabled_hover_text(t!("segments.by_reading_none"));
            let mut choose = self.k.is_none();
            if ui
                .checkbox(&mut choose, t!("segments.choose_k"))
                .on_hover_text(t!("segments.choose_k_hint"))
                .changed()
            {
                self.k = if choose {
                    None
                } else {
                    Some(t.segments().map_or(K_START, |s| s.k))
                };
            }
            if let Some(k) = &mut self.k {
                ui.add(egui::DragValue::new(k).range(K_RANGE).prefix("k = "));
            }
            let predicting = view.is_running(JobKind::Outlook);
            if ui
                .add_enabled(!predicting, egui::Button::new(t!("segments.predict")))
                .on_hover_text(t!("segments.predict_hint"))
                .clicked()
            {
                out.push(Command::PredictBehaviour);
            }
            if let Some(s) = t.segments() {
                ui.label(t!(
                    "segments.summary",
                    k = s.k,
                    chosen_by = say(&s.chosen_by),
                    silhouette = metric_text(s.silhouette, 2)
                ));
            }
        });
        let Some(s) = t.segments() else {
            ui.weak(t!("segments.hint"));
            return;
        };
        self.refresh(t, s);
        egui::ScrollArea::vertical()
            .id_salt("segments_tab")
            .show(ui, |ui| {
                self.scatter(ui, t, s, out);
                profiles(ui, s);
                ui.separator();
                self.population.ui(ui, t, out);
            });
    }
}

impl SegmentsPanel {
    fn scatter(&self, ui: &mut egui::Ui, t: &Triage, s: &Segmentation, out: &mut Vec<Command>) {
        let response = Plot::new("segments_scatter")
            .height(260.0)
            .show_axes([false, false])
            .legend(egui_plot::Legend::default())
            .show(ui, |plot| {
                for (seg, points) in self.by_segment.iter().enumerate() {
                    plot.points(
                        Points::new(t!("queue.segment", i = seg), points.as_slice())
                            .radius(1.5)
                            .color(colour(seg)),
                    );
                }
                plot.points(
                    Points::new(t!("dist.labelled_fraud"), self.fraud.as_slice())
                        .radius(3.0)
                        .filled(false)
                        .color(egui::Color32::from_rgb(230, 80, 80)),
                );
                plot.pointer_coordinate()
            });
        // A click opens the nearest account drawn.
        if response.response.clicked()
            && let Some(p) = response.inner
        {
            let nearest = self.shown.iter().copied().min_by(|&a, &b| {
                let d = |u: UserCode| {
                    let (x, y) = s.xy[u.index()];
                    (x as f64 - p.x).powi(2) + (y as f64 - p.y).powi(2)
                };
                d(a).total_cmp(&d(b))
            });
            if let Some(u) = nearest {
                out.push(Command::Select(u));
            }
        }
        if self.stride > 1 {
            ui.weak(t!("segments.stride", n = self.stride));
        }
        if let Some(u) = t.selected() {
            let segment = t
                .segment_of(u)
                .map(|(s, d)| place_in_segment(s, d, Language::current()));
            let mut line = format!("{}: {}", t.user_name(u), segment.unwrap_or_default());
            if let Some(o) = t.outlook().and_then(|o| o.of(u)).map(|o| say(&o)) {
                line.push_str(&format!("; {o}"));
            }
            ui.label(line);
        }
    }
}

/// Each segment: its name, size and fraud, then what sets it apart.
fn profiles(ui: &mut egui::Ui, s: &Segmentation) {
    let language = Language::current();
    for p in &s.profiles {
        ui.horizontal_wrapped(|ui| {
            let title = format!(
                "{} · {}",
                t!("queue.segment", i = p.segment),
                segment_name(p, language)
            );
            ui.colored_label(colour(p.segment), egui::RichText::new(title).strong());
            let fraud = fraud_among_labelled(p, language);
            ui.label(t!("segments.size", n = count(p.size), fraud = fraud));
        });
        for trait_ in &p.traits {
            ui.label(format!("    {}", say(trait_)));
        }
    }
}
