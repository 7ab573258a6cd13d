//! The model panel: the detector, retrain now or every N labels, the metrics before and after
//! the last retrain, the detector comparison (`vigil eval`'s table) and the training curve.

use crate::gui::i18n::{Language, count, t};
use eframe::egui;
use egui_plot::{Line, Plot};

use super::panel::Panel;
use crate::detect::{DetectorKind, Holdout, Level};
use crate::eval::{EvalRow, metric_text};
use crate::gui::command::Command;
use crate::gui::view::{JobKind, View};
use crate::workbench::{ModelReport, Triage};

#[derive(Default)]
pub struct ModelPanel;

impl Panel for ModelPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        if let Some(t) = view.triage {
            model_ui(ui, t, view, out);
        }
    }
}

fn model_ui(ui: &mut egui::Ui, t: &Triage, view: &View<'_>, out: &mut Vec<Command>) {
    detector_ui(ui, t, view, out);
    trained_ui(ui, t);
    search_ui(ui, t);
    self_supervision_ui(ui, t);
    ui.separator();
    match t.retrain_report() {
        Some((before, after)) => {
            ui.label(t!("model.last_retrain", n = count(after.labels)));
            reports_ui(
                ui,
                "before_after",
                &[(t!("model.before"), before), (t!("model.after"), after)],
            );
        }
        None => {
            ui.weak(t!("model.no_report"));
        }
    }
    let now = t.report();
    if now.labels > 0 {
        ui.label(t!("model.now_graded", n = count(now.labels)));
        reports_ui(ui, "quality_now", &[(t!("model.now"), &now)]);
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(t!("model.comparison"));
        let running = view.is_running(JobKind::Compare);
        if ui
            .add_enabled(!running, egui::Button::new(t!("model.compare_all")))
            .clicked()
        {
            out.push(Command::Compare);
        }
    });
    if view.comparison.is_empty() {
        ui.weak(t!("model.compare_hint"));
    } else {
        comparison_ui(ui, view.comparison);
    }
    ui.separator();
    curve_ui(ui, t);
}

/// The detector, retrain now, and retrain every N labels.
fn detector_ui(ui: &mut egui::Ui, t: &Triage, view: &View<'_>, out: &mut Vec<Command>) {
    let settings = view.settings;
    ui.horizontal(|ui| {
        ui.label(t!("model.detector"));
        let mut kind = settings.detector;
        egui::ComboBox::from_id_salt("detector")
            .selected_text(kind.name())
            .show_ui(ui, |ui| {
                for k in DetectorKind::ALL {
                    ui.selectable_value(&mut kind, k, k.name());
                }
            });
        if kind != settings.detector {
            out.push(Command::SetDetector(kind));
        }
        if ui.button(t!("model.retrain_now")).clicked() {
            out.push(Command::Retrain);
        }
    });
    ui.horizontal(|ui| {
        ui.label(t!("model.retrain_every"));
        let mut every = settings.retrain_every;
        ui.add(egui::DragValue::new(&mut every).range(0..=10_000));
        if every != settings.retrain_every {
            out.push(Command::SetRetrainEvery(every));
        }
        ui.label(t!("model.since_last", n = count(t.labels_since_training())));
    });
}

/// What the search over time chose at each level, and how it was graded: on the new victims
/// of the latest labelled period where it could be.
fn search_ui(ui: &mut egui::Ui, t: &Triage) {
    for (level, chosen) in t.search_choices() {
        let level = match level {
            Level::User => t!("model.level_accounts"),
            Level::Event => t!("model.level_events"),
        };
        let on = match chosen.holdout {
            Holdout::RecentPeriod {
                new_victims: true, ..
            } => t!("model.graded_new_victims"),
            Holdout::RecentPeriod { .. } => t!("model.graded_period"),
            Holdout::RandomShare => t!("model.graded_folds"),
        };
        let ap = metric_text(chosen.validation_ap, 3);
        ui.weak(t!("model.search_choice", level = level, ap = ap, on = on));
    }
}

/// What the behaviour model learnt without labels: how often it names the next event's type,
/// against the account's habit and the log's.
fn self_supervision_ui(ui: &mut egui::Ui, t: &Triage) {
    let Some(s) = t.self_supervision() else {
        return;
    };
    let share = |v: f64| format!("{:.1} %", v * 100.0);
    ui.weak(t!(
        "model.next_type",
        events = count(s.events),
        model = share(s.next_type_accuracy),
        account = share(s.account_habit_accuracy),
        log = share(s.log_habit_accuracy)
    ));
    if !s.learnt_sequences() {
        ui.weak(t!("model.no_sequences"));
    }
}

/// Which model, when it was trained (as the language writes a moment), how long it took, on
/// how many labels, and whether it was kept from an earlier run.
fn trained_ui(ui: &mut egui::Ui, t: &Triage) {
    let model = t.model();
    let at = model.trained_ms().map_or_else(
        || model.trained_at.clone(),
        |ms| Language::current().date_time(ms, true),
    );
    ui.label(t!(
        "model.trained",
        model = model.kind,
        at = at,
        secs = format!("{:.1}", model.train_secs),
        labels = count(model.labelled_users),
        kept = if model.from_disk {
            t!("model.kept")
        } else {
            "".into()
        }
    ));
}

/// Models' figures side by side, each saying whether it is graded out of sample.
fn reports_ui(ui: &mut egui::Ui, id: &str, rows: &[(std::borrow::Cow<'_, str>, &ModelReport)]) {
    egui::Grid::new(id).striped(true).show(ui, |ui| {
        for h in ["", "ROC-AUC", "AP", "P@100"] {
            ui.strong(h);
        }
        ui.strong(t!("metric.precision"));
        ui.strong(t!("metric.recall"));
        ui.end_row();
        for (name, r) in rows {
            let graded = if r.out_of_sample {
                t!("model.out_of_sample")
            } else {
                t!("model.in_sample")
            };
            ui.label(format!("{name} ({}, {graded})", r.detector));
            let m = &r.metrics;
            for v in [
                m.roc_auc,
                m.average_precision,
                m.precision_at_100,
                m.precision,
                m.recall,
            ] {
                ui.label(metric_text(v, 3));
            }
            ui.end_row();
        }
    });
}

fn comparison_ui(ui: &mut egui::Ui, rows: &[EvalRow]) {
    egui::Grid::new("comparison").striped(true).show(ui, |ui| {
        ui.strong(t!("model.detector"));
        for h in ["ROC-AUC", "AP", "P@100"] {
            ui.strong(h);
        }
        ui.strong(t!("model.train_s"));
        ui.strong(t!("model.score_s"));
        ui.end_row();
        for r in rows {
            ui.label(&r.detector);
            if let Some(e) = &r.error {
                ui.weak(e);
                ui.end_row();
                continue;
            }
            let m = &r.metrics;
            for v in [m.roc_auc, m.average_precision, m.precision_at_100] {
                ui.label(metric_text(v, 3));
            }
            ui.label(format!("{:.1}", r.train_secs));
            ui.label(format!("{:.1}", r.score_secs));
            ui.end_row();
        }
    });
}

fn curve_ui(ui: &mut egui::Ui, t: &Triage) {
    let curve = &t.model().curve;
    if curve.train_loss.is_empty() {
        ui.weak(t!("model.no_curve"));
        return;
    }
    ui.strong(t!("model.curve"));
    let series = |v: &[f32]| -> Vec<[f64; 2]> {
        v.iter()
            .enumerate()
            .map(|(i, &l)| [i as f64 + 1.0, f64::from(l)])
            .collect()
    };
    Plot::new("training_curve")
        .height(150.0)
        .x_axis_label(t!("model.epoch"))
        .y_axis_label(t!("model.loss"))
        .legend(egui_plot::Legend::default())
        .show(ui, |p| {
            p.line(Line::new(t!("model.train"), series(&curve.train_loss)));
            if !curve.validation_loss.is_empty() {
                p.line(Line::new(
                    t!("model.validation"),
                    series(&curve.validation_loss),
                ));
            }
        });
}
