//! The account view: who (score, risk, label, note), why (reasons), when (the timeline),
//! with whom (linked accounts sharing a device / IP / entity) and every event in a table.

use std::collections::BTreeMap;

use eframe::egui;

use super::super::command::Command;
use super::super::state::Triage;
use super::timeline::timeline_ui;
use super::{PanelStates, format_time, label_text, risk_colour, score_colour};
use crate::cases::Verdict;

/// Values used by more accounts than this (a mobile carrier's NAT, a shared office network)
/// link nothing worth showing one by one.
const MAX_USERS_PER_VALUE: usize = 200;
const MAX_LINKED_SHOWN: usize = 100;
const EVENT_ROW_HEIGHT: f32 = 18.0;

pub fn account_ui(ui: &mut egui::Ui, t: &Triage, panels: &mut PanelStates, out: &mut Vec<Command>) {
    let Some(u) = t.selected else {
        ui.centered_and_justified(|ui| ui.label("No account selected: pick one in the queue."));
        return;
    };
    header_ui(ui, t, u, panels, out);
    ui.separator();
    timeline_ui(ui, t, u, &mut panels.timeline);
    ui.separator();
    let links = linked(t, u);
    egui::CollapsingHeader::new(format!("Linked accounts ({})", links.len()))
        .id_salt("linked")
        .default_open(true)
        .show(ui, |ui| linked_ui(ui, t, links, out));
    ui.separator();
    events_ui(ui, t, u);
}

fn header_ui(
    ui: &mut egui::Ui,
    t: &Triage,
    u: usize,
    panels: &mut PanelStates,
    out: &mut Vec<Command>,
) {
    let score = t.score(u);
    let risk = t.risk(u);
    ui.horizontal(|ui| {
        ui.heading(t.user_name(u));
        ui.colored_label(
            risk_colour(risk),
            format!("{} · score {score:.3}", risk.name()),
        );
        let label = label_text(t, u);
        if !label.is_empty() {
            ui.strong(format!("label: {label}"));
        }
        if let Some(c) = t.case(u) {
            ui.weak(format!("by {} at {}", c.author, format_time(c.ts_ms)));
        }
    });
    ui.horizontal(|ui| {
        for (verdict, key) in [
            (Verdict::Fraud, "f"),
            (Verdict::Legit, "l"),
            (Verdict::Unsure, "u"),
        ] {
            if ui.button(format!("{} ({key})", verdict.name())).clicked() {
                out.push(Command::Label(verdict));
            }
        }
        if ui.button("note (n)").clicked() {
            panels.start_note = true;
        }
        if ui.button("undo (Ctrl+Z)").clicked() {
            out.push(Command::Undo);
        }
        ui.weak("j / k: next / previous");
    });
    note_ui(ui, t, u, panels, out);
    let reasons = t.reasons(u);
    if reasons.is_empty() {
        ui.weak("No feature stands out from the typical account.");
    }
    for r in reasons {
        ui.label(format!("• {}", r.text));
    }
}

fn note_ui(
    ui: &mut egui::Ui,
    t: &Triage,
    u: usize,
    panels: &mut PanelStates,
    out: &mut Vec<Command>,
) {
    let current = t.case(u).map(|c| c.note.clone()).unwrap_or_default();
    let starting = std::mem::take(&mut panels.start_note);
    if starting {
        panels.note_draft = Some(current.clone());
    }
    match &mut panels.note_draft {
        Some(draft) => {
            let mut done = None;
            ui.horizontal(|ui| {
                let edit = ui.add(
                    egui::TextEdit::singleline(draft)
                        .hint_text("note: Enter saves, Esc cancels")
                        .desired_width(ui.available_width() - 60.0),
                );
                if starting {
                    edit.request_focus();
                }
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
                if enter || ui.button("save").clicked() {
                    done = Some(true);
                } else if escape {
                    done = Some(false);
                }
            });
            if let Some(save) = done {
                if save {
                    out.push(Command::Note(draft.clone()));
                }
                panels.note_draft = None;
            }
        }
        None if !current.is_empty() => {
            ui.label(format!("note: {current}"));
        }
        None => {}
    }
}

/// Accounts sharing an entity value with `u`: user code → the shared values ("device d1").
fn linked(t: &Triage, u: usize) -> BTreeMap<u32, Vec<String>> {
    let cols = &t.session.data.log.columns;
    let events = t.session.data.index.events(u as u32);
    let mut out: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (entity, users) in cols.entities.iter().zip(&t.session.links) {
        let mut values: Vec<u32> = events
            .iter()
            .map(|&e| entity.column.codes[e as usize])
            .collect();
        values.sort_unstable();
        values.dedup();
        for v in values {
            let sharing = users.users_of(v);
            if sharing.len() > MAX_USERS_PER_VALUE {
                continue;
            }
            for &other in sharing.iter().filter(|&&o| o as usize != u) {
                out.entry(other).or_default().push(format!(
                    "{} {}",
                    entity.name,
                    entity.column.dict.get(v)
                ));
            }
        }
    }
    out
}

fn linked_ui(
    ui: &mut egui::Ui,
    t: &Triage,
    links: BTreeMap<u32, Vec<String>>,
    out: &mut Vec<Command>,
) {
    let mut rows: Vec<(u32, Vec<String>)> = links.into_iter().collect();
    if rows.is_empty() {
        ui.weak("No other account shares a device, IP or other entity with this one.");
        return;
    }
    rows.sort_by(|a, b| t.score(b.0 as usize).total_cmp(&t.score(a.0 as usize)));
    egui::ScrollArea::vertical()
        .id_salt("linked_scroll")
        .max_height(140.0)
        .show(ui, |ui| {
            egui::Grid::new("linked_grid").striped(true).show(ui, |ui| {
                for (other, shared) in rows.iter().take(MAX_LINKED_SHOWN) {
                    let o = *other as usize;
                    if ui.link(t.user_name(o)).clicked() {
                        out.push(Command::Select(o));
                    }
                    ui.colored_label(score_colour(t.score(o)), format!("{:.3}", t.score(o)));
                    ui.label(label_text(t, o));
                    ui.weak(shared.join(", "));
                    ui.end_row();
                }
            });
        });
}

/// Every attribute of event `e` as (name, value), for the tooltip and the table.
fn event_fields(t: &Triage, e: usize) -> Vec<(String, String)> {
    let cols = &t.session.data.log.columns;
    let mut f = vec![
        ("time".to_string(), format_time(cols.ts_ms[e])),
        (
            "event".to_string(),
            cols.event.get(e).unwrap_or("").to_string(),
        ),
        (
            "score".to_string(),
            t.session
                .model
                .scores
                .event
                .get(e)
                .map_or(String::new(), |s| format!("{s:.3}")),
        ),
    ];
    if let Some(a) = &cols.amount {
        let v = a[e];
        f.push((
            "amount".into(),
            if v.is_finite() {
                format!("{v:.2}")
            } else {
                String::new()
            },
        ));
    }
    for (name, c) in [("item", &cols.item), ("category", &cols.category)] {
        if let Some(c) = c {
            f.push((name.into(), c.get(e).unwrap_or("").to_string()));
        }
    }
    for n in cols.entities.iter().chain(&cols.attributes) {
        f.push((n.name.clone(), n.column.get(e).unwrap_or("").to_string()));
    }
    if let Some(l) = &t.session.data.labels.event {
        let text = match l[e] {
            1 => "fraud",
            0 => "legit",
            _ => "",
        };
        f.push(("label".into(), text.into()));
    }
    f
}

/// One line per attribute, for the timeline's hover.
pub fn event_summary(t: &Triage, e: usize) -> String {
    event_fields(t, e)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn events_ui(ui: &mut egui::Ui, t: &Triage, u: usize) {
    let events = t.session.data.index.events(u as u32);
    ui.strong(format!("Events ({})", events.len()));
    let Some(&first) = events.first() else { return };
    let header: Vec<String> = event_fields(t, first as usize)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    egui::ScrollArea::both()
        .id_salt("events_scroll")
        .auto_shrink(false)
        .show_rows(ui, EVENT_ROW_HEIGHT, events.len() + 1, |ui, rows| {
            // The header is the first row of whatever is visible, so it stays on screen.
            egui::Grid::new(("events_grid", rows.start))
                .striped(true)
                .min_col_width(40.0)
                .show(ui, |ui| {
                    for h in &header {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for row in rows.start.max(1)..rows.end {
                        let e = events[row - 1] as usize;
                        for (name, value) in event_fields(t, e) {
                            if name == "score" {
                                let s: f32 = value.parse().unwrap_or(0.0);
                                ui.colored_label(score_colour(s), value);
                            } else {
                                ui.label(value);
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}
