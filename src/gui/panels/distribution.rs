//! The score distribution: a histogram of account scores (log count axis) stacked by label,
//! two draggable thresholds (suspicious, high), and what they mean live: flagged accounts
//! against the team's daily review capacity, precision / recall / F1 from the labels so far,
//! the confusion matrix, and the precision–recall curve with the current point on it.

use crate::gui::i18n::{Language, count, say, t};
use eframe::egui::{self, Color32};
use egui_plot::{Bar, BarChart, Line, Plot, Points, VLine};

use super::common::risk_colour;
use super::panel::Panel;
use crate::cases::Verdict;
use crate::detect::{Risk, Thresholds};
use crate::eval::{AtThreshold, metric_text};
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::workbench::{HISTOGRAM_BINS, LabelFilter, Triage};

const FRAUD: Color32 = Color32::from_rgb(215, 60, 60);
const LEGIT: Color32 = Color32::from_rgb(80, 150, 220);
const UNLABELLED: Color32 = Color32::from_rgb(140, 140, 140);
/// Flagging more than this share of the daily capacity is said, in amber.
const OVER_CAPACITY: f64 = 1.2;
/// How close (in score units) a drag must start to a threshold line to move it.
const GRAB_DISTANCE: f64 = 0.04;

/// Which threshold a drag on the histogram moves; kept in egui's memory between frames.
#[derive(Clone, Copy, PartialEq)]
enum Grabbed {
    Suspicious,
    High,
}

#[derive(Default)]
pub struct DistributionPanel;

impl Panel for DistributionPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        if let Some(t) = view.triage {
            distribution_ui(ui, t, out);
        }
    }
}

fn distribution_ui(ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
    let mut th = t.thresholds();
    ui.horizontal(|ui| {
        ui.label(t!("dist.suspicious_at"));
        ui.add(
            egui::DragValue::new(&mut th.suspicious)
                .range(0.0..=1.0)
                .speed(0.002)
                .max_decimals(3),
        );
        ui.label(t!("dist.high_at"));
        ui.add(
            egui::DragValue::new(&mut th.high)
                .range(0.0..=1.0)
                .speed(0.002)
                .max_decimals(3),
        );
    });
    histogram_ui(ui, t, &mut th);
    th.high = th.high.max(th.suspicious);
    if th != t.thresholds() {
        out.push(Command::SetThresholds(th));
    }
    capacity_ui(ui, t, th, out);
    if t.graded_out_of_sample() {
        ui.weak(t!("dist.graded_out_of_sample"));
    } else {
        ui.colored_label(Color32::from_rgb(230, 160, 40), t!("dist.graded_in_sample"));
    }
    let s = t.at(th.suspicious);
    confusion_ui(ui, &s);
    pr_curve_ui(ui, t, &s);
}

/// The team's daily capacity (a lead edits it), what each threshold flags, and a warning
/// when the suspicious one flags well over the capacity.
fn capacity_ui(ui: &mut egui::Ui, t: &Triage, th: Thresholds, out: &mut Vec<Command>) {
    let capacity = t.daily_capacity();
    let mut edited = capacity;
    ui.horizontal(|ui| {
        ui.label(t!("dist.capacity"));
        ui.add(egui::DragValue::new(&mut edited).range(1..=1_000_000))
            .on_hover_text(t!("dist.capacity_hint"));
    });
    if edited != capacity {
        out.push(Command::SetDailyCapacity(edited));
    }
    metrics_ui(ui, t, th);
    let per_day = t.flagged_per_day(th.suspicious);
    if per_day > capacity as f64 * OVER_CAPACITY {
        ui.colored_label(
            Color32::from_rgb(230, 160, 40),
            t!(
                "dist.over_capacity",
                flagged = format!("{per_day:.0}"),
                capacity = count(capacity)
            ),
        );
    }
}

/// At each threshold: accounts flagged, flagged a day, precision, recall and F1.
fn metrics_ui(ui: &mut egui::Ui, t: &Triage, th: Thresholds) {
    egui::Grid::new("threshold_metrics")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("");
            for x in [
                t!("metric.flagged"),
                t!("metric.days"),
                t!("metric.precision"),
                t!("metric.recall"),
                t!("metric.f1"),
            ] {
                ui.strong(x);
            }
            ui.end_row();
            for (risk, threshold) in [(Risk::Suspicious, th.suspicious), (Risk::High, th.high)] {
                let at = t.at(threshold);
                ui.label(say(&risk));
                ui.label(Language::current().number(at.flagged as u64));
                ui.label(format!("{:.1}", t.flagged_per_day(threshold)));
                for v in [at.precision, at.recall, at.f1] {
                    ui.label(metric_text(v, 3));
                }
                ui.end_row();
            }
        });
}

/// log10(1 + n): bars of 1 and 10,000 accounts both stay visible.
fn log_height(n: u32) -> f64 {
    f64::from(n).ln_1p() / std::f64::consts::LN_10
}

fn histogram_ui(ui: &mut egui::Ui, t: &Triage, th: &mut Thresholds) {
    let layers = stacked_layers(t);
    let plot = Plot::new("score_histogram")
        .height(200.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .y_axis_formatter(|m, _| {
            let n = 10f64.powf(m.value) - 1.0;
            if n < 0.5 {
                String::new()
            } else {
                format!("{n:.0}")
            }
        })
        .x_axis_label(t!("dist.account_score"))
        .legend(egui_plot::Legend::default());
    let response = plot.show(ui, |p| {
        let [legit, fraud, unlabelled] = layers;
        p.bar_chart(BarChart::new(say(&Verdict::Legit), legit).color(LEGIT));
        p.bar_chart(BarChart::new(say(&Verdict::Fraud), fraud).color(FRAUD));
        p.bar_chart(BarChart::new(say(&LabelFilter::Unlabelled), unlabelled).color(UNLABELLED));
        for (risk, at) in [(Risk::Suspicious, th.suspicious), (Risk::High, th.high)] {
            p.vline(
                VLine::new(say(&risk), at)
                    .color(risk_colour(risk))
                    .width(2.0),
            );
        }
        p.pointer_coordinate()
    });
    drag_thresholds(ui, &response.response, response.inner, th);
}

/// The histogram's bars stacked on a log axis, by label (legit, fraud, unlabelled): each
/// layer spans log(1 + below) .. log(1 + below + its count).
fn stacked_layers(t: &Triage) -> [Vec<Bar>; 3] {
    let width = 1.0 / HISTOGRAM_BINS as f64;
    let mut layers: [Vec<Bar>; 3] = Default::default();
    for b in t.histogram() {
        let x = f64::from(b.lo) + width / 2.0;
        let mut below = 0u32;
        for (i, n) in [b.legit, b.fraud, b.unlabelled].into_iter().enumerate() {
            if n > 0 {
                let base = log_height(below);
                layers[i].push(
                    Bar::new(x, log_height(below + n) - base)
                        .base_offset(base)
                        .width(width * 0.95)
                        .name(count(n)),
                );
            }
            below += n;
        }
    }
    layers
}

/// A drag that starts near a threshold line moves that threshold (which one is kept in
/// egui's memory while the drag lasts).
fn drag_thresholds(
    ui: &egui::Ui,
    r: &egui::Response,
    pointer: Option<egui_plot::PlotPoint>,
    th: &mut Thresholds,
) {
    let grab_id = ui.scope_id().with("threshold_grab");
    if r.drag_started()
        && let Some(p) = pointer
    {
        let ds = (p.x - f64::from(th.suspicious)).abs();
        let dh = (p.x - f64::from(th.high)).abs();
        let grab = if dh <= ds {
            Grabbed::High
        } else {
            Grabbed::Suspicious
        };
        if ds.min(dh) <= GRAB_DISTANCE {
            ui.data_mut(|d| d.insert_temp(grab_id, grab));
        }
    }
    if r.dragged()
        && let (Some(p), Some(grab)) = (pointer, ui.data(|d| d.get_temp::<Grabbed>(grab_id)))
    {
        let x = p.x.clamp(0.0, 1.0) as f32;
        match grab {
            Grabbed::Suspicious => th.suspicious = x.min(th.high),
            Grabbed::High => th.high = x.max(th.suspicious),
        }
    }
    if r.drag_stopped() {
        ui.data_mut(|d| d.remove::<Grabbed>(grab_id));
    }
    if r.hovered() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
    }
}

fn confusion_ui(ui: &mut egui::Ui, at: &AtThreshold) {
    ui.label(t!("dist.confusion_title"));
    egui::Grid::new("confusion").striped(true).show(ui, |ui| {
        ui.label("");
        ui.strong(t!("dist.labelled_fraud"));
        ui.strong(t!("dist.labelled_legit"));
        ui.end_row();
        ui.strong(t!("metric.flagged"));
        ui.label(count(at.true_positive));
        ui.label(count(at.false_positive));
        ui.end_row();
        ui.strong(t!("dist.not_flagged"));
        ui.label(count(at.false_negative));
        ui.label(count(at.true_negative));
        ui.end_row();
    });
}

fn pr_curve_ui(ui: &mut egui::Ui, t: &Triage, at: &AtThreshold) {
    if t.pr_curve().is_empty() {
        ui.weak(t!("dist.no_labels"));
        return;
    }
    let curve: Vec<[f64; 2]> = t.pr_curve().iter().map(|&(r, p)| [r, p]).collect();
    Plot::new("pr_curve")
        .height(170.0)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label(t!("metric.recall"))
        .y_axis_label(t!("metric.precision"))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show(ui, |p| {
            p.line(Line::new(t!("dist.pr_curve"), curve).color(LEGIT));
            if at.recall.is_finite() && at.precision.is_finite() {
                p.points(
                    Points::new(
                        t!("dist.suspicious_threshold"),
                        vec![[at.recall, at.precision]],
                    )
                    .radius(5.0)
                    .color(risk_colour(Risk::Suspicious)),
                );
            }
        });
}
