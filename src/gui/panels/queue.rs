//! The triage queue: filters, order, search, and one row per account (score, risk, label,
//! events, first reason). Only the visible rows are laid out, so 100k accounts cost nothing.

use eframe::egui;

use crate::gui::i18n::{Language, count, say, t};

use super::common::{dot, label_text, risk_colour};
use super::panel::Panel;
use crate::cases::{QueueOrder, Role, Verdict};
use crate::gui::command::Command;
use crate::gui::view::View;
use crate::log::UserCode;
use crate::workbench::{LabelFilter, QueueFilter, RiskFilter, Triage};

const ROW_HEIGHT: f32 = 20.0;

#[derive(Default)]
pub struct QueuePanel {
    /// The search box's text while it is edited.
    search_draft: Option<String>,
    focus_search: bool,
    /// The queue row last scrolled into view.
    scrolled_to: Option<usize>,
    /// Who a lead is assigning to.
    assignee: String,
}

impl QueuePanel {
    /// Puts the keyboard in the search box (`/`).
    pub fn focus_search(&mut self) {
        self.focus_search = true;
    }
}

impl Panel for QueuePanel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>) {
        let Some(t) = view.triage else { return };
        ui.heading(t!("queue.title"));
        let mut filter = t.filter().clone();
        filter_ui(ui, t, &mut filter);
        self.search_ui(ui, &mut filter);
        if filter != *t.filter() {
            out.push(Command::SetFilter(filter));
        }
        let lang = Language::current();
        ui.label(t!(
            "queue.counts",
            shown = lang.number(t.queue().len() as u64),
            all = lang.number(t.users() as u64),
            flagged = lang.number(t.at_suspicious().flagged as u64)
        ));
        bulk_bar(ui, t, out);
        if t.role() == Role::Lead {
            self.assign_bar(ui, t, out);
        }
        ui.separator();
        self.rows_ui(ui, t, out);
    }
}

/// The filters: risk, label state, segment (once found), assigned to me, and the order. They
/// wrap in a narrow queue rather than run under the account view.
fn filter_ui(ui: &mut egui::Ui, t: &Triage, filter: &mut QueueFilter) {
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_id_salt("risk_filter")
            .selected_text(say(&filter.risk))
            .show_ui(ui, |ui| {
                for r in RiskFilter::ALL {
                    ui.selectable_value(&mut filter.risk, r, say(&r));
                }
            });
        egui::ComboBox::from_id_salt("label_filter")
            .selected_text(say(&filter.label))
            .show_ui(ui, |ui| {
                for l in LabelFilter::ALL {
                    ui.selectable_value(&mut filter.label, l, say(&l));
                }
            });
        if let Some(s) = t.segments() {
            let name = |seg: Option<usize>| match seg {
                Some(i) => t!("queue.segment", i = i).to_string(),
                None => t!("queue.any_segment").to_string(),
            };
            egui::ComboBox::from_id_salt("segment_filter")
                .selected_text(name(filter.segment))
                .show_ui(ui, |ui| {
                    for seg in std::iter::once(None).chain((0..s.k).map(Some)) {
                        ui.selectable_value(&mut filter.segment, seg, name(seg));
                    }
                });
        }
        ui.checkbox(&mut filter.assigned_to_me, t!("queue.assigned_to_me"));
        egui::ComboBox::from_id_salt("order")
            .selected_text(t!("queue.order", order = say(&filter.order)))
            .show_ui(ui, |ui| {
                for o in QueueOrder::ALL {
                    ui.selectable_value(&mut filter.order, o, say(&o));
                }
            });
    });
}

impl QueuePanel {
    /// The search box edits a draft; the queue is refiltered as the text changes.
    fn search_ui(&mut self, ui: &mut egui::Ui, filter: &mut QueueFilter) {
        let draft = self
            .search_draft
            .get_or_insert_with(|| filter.search.clone());
        let search = ui.add(
            egui::TextEdit::singleline(draft)
                .hint_text(t!("queue.search"))
                .desired_width(f32::INFINITY),
        );
        if std::mem::take(&mut self.focus_search) {
            search.request_focus();
        }
        if search.changed() {
            filter.search = draft.clone();
        }
    }

    /// The queue's rows (only the visible ones laid out), scrolled to the selection when it
    /// moved.
    fn rows_ui(&mut self, ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
        let selected_row = t.queue_position();
        let mut area = egui::ScrollArea::vertical().auto_shrink(false);
        if selected_row != self.scrolled_to {
            self.scrolled_to = selected_row;
            if let Some(row) = selected_row {
                let spacing = ui.spacing().item_spacing.y;
                let offset = (row as f32 * (ROW_HEIGHT + spacing) - 200.0).max(0.0);
                area = area.vertical_scroll_offset(offset);
            }
        }
        area.show_rows(ui, ROW_HEIGHT, t.queue().len(), |ui, rows| {
            for row in rows {
                row_ui(ui, t, t.queue()[row], out);
            }
        });
    }
}

impl QueuePanel {
    /// A lead's: the marked accounts, or the queue as filtered, to an analyst.
    fn assign_bar(&mut self, ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let what = match t.marked().is_empty() {
                true => t!("queue.assign_queue", n = count(t.queue().len())),
                false => t!("queue.assign_marked", n = count(t.marked().len())),
            };
            ui.label(what);
            ui.add(
                egui::TextEdit::singleline(&mut self.assignee)
                    .hint_text(t!("queue.assignee"))
                    .desired_width(120.0),
            );
            let name = self.assignee.trim().to_string();
            if ui
                .add_enabled(
                    !name.is_empty(),
                    egui::Button::new(t!("queue.assign")).small(),
                )
                .clicked()
            {
                out.push(Command::Assign(name));
            }
        });
    }
}

/// Marking for a bulk decision, and the decision once accounts are marked.
fn bulk_bar(ui: &mut egui::Ui, t: &Triage, out: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui
            .small_button(t!("queue.mark_queue"))
            .on_hover_text(t!("queue.mark_queue_hint"))
            .clicked()
        {
            out.push(Command::MarkQueue);
        }
        let linked = ui
            .add_enabled(
                t.selected().is_some(),
                egui::Button::new(t!("queue.mark_linked")).small(),
            )
            .on_hover_text(t!("queue.mark_linked_hint"));
        if linked.clicked() {
            out.push(Command::MarkLinked);
        }
        if t.marked().is_empty() {
            ui.weak(t!("queue.mark_help"));
            return;
        }
        ui.strong(t!("queue.marked", n = count(t.marked().len())));
        for verdict in [Verdict::Fraud, Verdict::Legit, Verdict::Unsure] {
            if ui
                .small_button(t!("queue.all_as", verdict = say(&verdict)))
                .clicked()
            {
                out.push(Command::LabelMarked(verdict));
            }
        }
        if ui.small_button(t!("queue.clear")).clicked() {
            out.push(Command::ClearMarks);
        }
    });
}

fn row_ui(ui: &mut egui::Ui, t: &Triage, u: UserCode, out: &mut Vec<Command>) {
    let selected = t.selected() == Some(u);
    let marked = t.is_marked(u);
    let score = t.score(u);
    let reason = t.reasons(u).first().map(say).unwrap_or_default();
    let events = t.events_of(u).len();
    ui.horizontal(|ui| {
        ui.set_height(ROW_HEIGHT);
        dot(ui, risk_colour(t.risk(u)));
        let mut mark = marked;
        if ui
            .checkbox(&mut mark, "")
            .on_hover_text(t!("queue.mark_one"))
            .changed()
        {
            out.push(Command::ToggleMark(u));
        }
        let name = egui::Button::selectable(selected || marked, t.user_name(u))
            .min_size(egui::vec2(110.0, 0.0));
        let response = ui.add(name).on_hover_text(&reason);
        if response.clicked() {
            let modifiers = ui.input(|i| i.modifiers);
            out.push(if modifiers.shift {
                Command::MarkRangeTo(u)
            } else if modifiers.command {
                Command::ToggleMark(u)
            } else {
                Command::Select(u)
            });
        }
        ui.monospace(format!("{score:.3}"));
        ui.label(egui::RichText::new(label_text(t, u)).strong());
        ui.weak(t!("queue.events", n = count(events)));
        if let Some(holder) = t.claimed_by_other(u) {
            ui.colored_label(
                egui::Color32::from_rgb(200, 140, 40),
                t!("queue.claimed_by", who = holder),
            );
        }
        // Truncated: a long reason (a rule's whole expression) must not widen the queue.
        ui.add(egui::Label::new(egui::RichText::new(reason).weak()).truncate());
    });
}
