//! The rule editor: write an expression, see its backtest on the whole log as you type (hits,
//! precision and recall on the labels so far, overlap with the model), save it with an action,
//! and switch saved rules on and off; below, the allow and block lists.

use crate::gui::i18n::{Language, count, say, t};
use eframe::egui;

use super::panel::Panel;
use crate::eval::metric_text;
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::log::UserCode;
use crate::rules::{Backtest, ListEntry, ListKind, ParseError, Rule, RuleAction};
use crate::words::phrase;
use crate::workbench::Triage;

/// What the expression box is called (on screen and for assistive technology).
/// Hits listed under the figures, riskiest first.
const LISTED_HITS: usize = 200;

pub struct RulesPanel {
    name: String,
    expression: String,
    action: RuleAction,
    /// The backtest of `expression`, with what it was computed for (expression, labels
    /// version, session generation, suspicious threshold bits) and how long it took.
    tested: Option<(Tested, (String, u64, u64, u32))>,
    /// The list entry being written.
    list_entry: ListEntry,
}

struct Tested {
    result: Result<Backtest, ParseError>,
    /// The hits, riskiest first, at most `LISTED_HITS`.
    ranked: Vec<UserCode>,
    millis: f64,
}

impl Default for RulesPanel {
    fn default() -> Self {
        Self {
            name: String::new(),
            expression: String::new(),
            action: RuleAction::FlagSuspicious,
            tested: None,
            list_entry: ListEntry {
                kind: ListKind::Block,
                role: "device".into(),
                value: String::new(),
            },
        }
    }
}

impl Panel for RulesPanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else { return };
        self.editor(ui, t, out);
        ui.separator();
        saved_rules(ui, t, self, out);
        ui.separator();
        self.lists(ui, t, out);
    }
}

impl RulesPanel {
    fn editor(&mut self, ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
        let label = ui.label(t!("rules.editor"));
        ui.add(
            egui::TextEdit::multiline(&mut self.expression)
                .hint_text("share:pay_fail >= 0.2 and amount_max < 20")
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .font(egui::TextStyle::Monospace),
        )
        .labelled_by(label.id);
        self.retest(t);
        if let Some((tested, _)) = &self.tested {
            figures(ui, t, tested, out);
        }
        ui.horizontal(|ui| {
            ui.label(t!("rules.name"));
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(140.0));
            egui::ComboBox::from_id_salt("rule_action")
                .selected_text(say(&self.action))
                .show_ui(ui, |ui| {
                    for a in RuleAction::ALL {
                        ui.selectable_value(&mut self.action, a, say(&a));
                    }
                });
            let ready = !self.name.trim().is_empty()
                && matches!(&self.tested, Some((Tested { result: Ok(_), .. }, _)));
            if ui
                .add_enabled(ready, egui::Button::new(t!("rules.save")))
                .clicked()
            {
                out.push(Command::SaveRule(Rule {
                    name: self.name.trim().to_string(),
                    expression: self.expression.trim().to_string(),
                    action: self.action,
                    enabled: true,
                    version: 0,
                    author: String::new(),
                    ts_ms: 0,
                }));
            }
        });
        features_list(ui, t, &mut self.expression);
    }

    /// The allow and block lists: add a value of any role, take one off.
    fn lists(&mut self, ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
        ui.strong(t!("rules.lists", n = t.rules().lists.len()));
        let roles = t.list_roles();
        ui.horizontal(|ui| {
            let e = &mut self.list_entry;
            egui::ComboBox::from_id_salt("list_kind")
                .selected_text(say(&e.kind))
                .show_ui(ui, |ui| {
                    for k in ListKind::ALL {
                        ui.selectable_value(&mut e.kind, k, say(&k));
                    }
                });
            egui::ComboBox::from_id_salt("list_role")
                .selected_text(e.role.as_str())
                .show_ui(ui, |ui| {
                    for r in &roles {
                        ui.selectable_value(&mut e.role, r.clone(), r);
                    }
                });
            ui.add(
                egui::TextEdit::singleline(&mut e.value)
                    .hint_text(t!("rules.value"))
                    .desired_width(140.0),
            );
            let ready = !e.value.trim().is_empty();
            if ui
                .add_enabled(ready, egui::Button::new(t!("rules.add")))
                .clicked()
            {
                out.push(Command::AddToList(ListEntry {
                    value: e.value.trim().to_string(),
                    ..e.clone()
                }));
                e.value.clear();
            }
        });
        egui::ScrollArea::vertical()
            .id_salt("lists_scroll")
            .max_height(160.0)
            .show(ui, |ui| {
                for entry in &t.rules().lists {
                    ui.horizontal(|ui| {
                        if ui
                            .small_button(t!("rules.remove"))
                            .on_hover_text(t!("rules.remove_hint"))
                            .clicked()
                        {
                            out.push(Command::RemoveFromList(entry.clone()));
                        }
                        ui.label(format!(
                            "{} · {} {}",
                            say(&entry.kind),
                            entry.role,
                            entry.value
                        ));
                    });
                }
            });
    }

    /// Backtests the expression again when it, the labels, the model or the threshold changed.
    fn retest(&mut self, t: &Triage) {
        let key = (
            self.expression.clone(),
            t.version(),
            t.generation(),
            t.thresholds().suspicious.to_bits(),
        );
        if self.expression.trim().is_empty() {
            self.tested = None;
            return;
        }
        if self.tested.as_ref().is_some_and(|(_, k)| *k == key) {
            return;
        }
        let started = std::time::Instant::now();
        let result = t.backtest_rule(&self.expression);
        let mut ranked = result.as_ref().map(|b| b.hits.clone()).unwrap_or_default();
        ranked.sort_by(|&a, &b| t.score(b).total_cmp(&t.score(a)).then(a.cmp(&b)));
        ranked.truncate(LISTED_HITS);
        let tested = Tested {
            result,
            ranked,
            millis: started.elapsed().as_secs_f64() * 1000.0,
        };
        self.tested = Some((tested, key));
    }
}

fn figures(ui: &mut egui::Ui, t: &Triage, tested: &Tested, out: &mut Vec<Command>) {
    let b = match &tested.result {
        Ok(b) => b,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
            return;
        }
    };
    let pct = |v: f64| match metric_text(100.0 * v, 1).as_str() {
        "–" => "–".to_string(),
        t => format!("{t} %"),
    };
    egui::Grid::new("rule_figures")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(t!("rules.hits"));
            ui.strong(t!(
                "rules.hit_counts",
                n = count(b.hits.len()),
                labelled = count(b.labelled_hits),
                fraud = count(b.fraud_hits)
            ));
            ui.end_row();
            ui.label(t!("metric.precision"));
            ui.strong(pct(b.precision));
            ui.end_row();
            ui.label(t!("metric.recall"));
            ui.strong(t!(
                "rules.recall_of",
                share = pct(b.recall),
                total = count(b.fraud_total)
            ));
            ui.end_row();
            ui.label(t!("tab.model"));
            ui.label(t!(
                "rules.model_overlap",
                flagged = count(b.also_flagged),
                new = count(b.hits.len() - b.also_flagged)
            ));
            ui.end_row();
        });
    ui.weak(t!("rules.backtested", ms = format!("{:.0}", tested.millis)));
    egui::CollapsingHeader::new(t!("rules.hits_title", n = count(b.hits.len())))
        .id_salt("rule_hits")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .id_salt("rule_hits_scroll")
                .show(ui, |ui| {
                    for &u in &tested.ranked {
                        ui.horizontal(|ui| {
                            if ui.link(t.user_name(u)).clicked() {
                                out.push(Command::Select(u));
                            }
                            ui.monospace(format!("{:.3}", t.score(u)));
                            ui.label(super::common::label_text(t, u));
                        });
                    }
                });
        });
}

/// Every feature a rule may name; a click appends it to the expression.
fn features_list(ui: &mut egui::Ui, t: &Triage, expression: &mut String) {
    egui::CollapsingHeader::new(t!("rules.features"))
        .id_salt("rule_features")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(140.0)
                .id_salt("rule_features_scroll")
                .show(ui, |ui| {
                    let (account, event) = t.feature_specs();
                    for (level, specs) in
                        [(t!("level.account"), account), (t!("level.event"), event)]
                    {
                        for s in specs {
                            let hover = t!(
                                "rules.feature_hint",
                                level = &level,
                                phrase = phrase(&s.phrase, "…", Language::current())
                            );
                            if ui.small_button(&s.name).on_hover_text(hover).clicked() {
                                if !expression.is_empty() && !expression.ends_with(' ') {
                                    expression.push(' ');
                                }
                                expression.push_str(&s.name);
                                expression.push(' ');
                            }
                        }
                    }
                });
        });
}

fn saved_rules(ui: &mut egui::Ui, t: &Triage, panel: &mut RulesPanel, out: &mut Vec<Command>) {
    ui.strong(t!("rules.saved", n = count(t.rules().rules.len())));
    if t.rules().rules.is_empty() {
        ui.weak(t!("rules.none"));
    }
    for (i, r) in t.rules().rules.iter().enumerate() {
        ui.horizontal(|ui| {
            let mut on = r.enabled;
            if ui
                .checkbox(&mut on, "")
                .on_hover_text(t!("rules.switch"))
                .changed()
            {
                out.push(Command::SetRuleEnabled(r.name.clone(), on));
            }
            if ui.link(&r.name).on_hover_text(t!("rules.edit")).clicked() {
                panel.name = r.name.clone();
                panel.expression = r.expression.clone();
                panel.action = r.action;
            }
            ui.weak(t!(
                "rules.version_line",
                version = r.version,
                action = say(&r.action),
                hits = count(t.rules().hit_count(i))
            ));
        });
        ui.monospace(&r.expression);
    }
    for (name, why) in &t.rules().unusable {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            t!("rules.unusable", name = name, why = why),
        );
    }
}
