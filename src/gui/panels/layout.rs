//! The whole window: bars, queue, account view, distribution / model, and each panel's state.

use eframe::egui;

use crate::gui::i18n::t;

use super::account::AccountPanel;
use super::distribution::DistributionPanel;
use super::live::LivePanel;
use super::mapping::MappingDialog;
use super::model::ModelPanel;
use super::panel::Panel;
use super::queue::QueuePanel;
use super::rules::RulesPanel;
use super::segments::SegmentsPanel;
use super::status_bar::StatusBar;
use super::top_bar::TopBar;
use crate::gui::command::Command;
use crate::gui::settings::RightTab;
use crate::gui::view::View;

/// Every panel's own state.
#[derive(Default)]
pub struct Panels {
    pub top_bar: TopBar,
    pub status_bar: StatusBar,
    pub queue: QueuePanel,
    pub account: AccountPanel,
    pub distribution: DistributionPanel,
    pub model: ModelPanel,
    pub segments: SegmentsPanel,
    pub rules: RulesPanel,
    pub live: LivePanel,
    /// Shown while column detection waits for the analyst.
    pub mapping: Option<MappingDialog>,
}

pub fn window_ui(ui: &mut egui::Ui, view: &View<'_>, panels: &mut Panels, out: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| panels.top_bar.ui(ui, view, out));
    egui::Panel::bottom("status_bar").show(ui, |ui| panels.status_bar.ui(ui, view, out));
    if let Some(dialog) = &mut panels.mapping
        && dialog.show(ui.ctx(), out)
    {
        panels.mapping = None;
    }
    if let Some(t) = view.triage {
        super::conflict::conflict_ui(ui.ctx(), t, out);
    }
    if view.triage.is_none() {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.centered_and_justified(|ui| {
                ui.heading(if view.jobs.is_empty() {
                    t!("layout.open_hint")
                } else {
                    t!("layout.opening")
                });
            });
        });
        return;
    }
    // The side panels take at most their share of the window, whatever they hold (a wide
    // segment profile is clipped or wraps, never pushing the account view off): the
    // centre keeps room for the account's header and its buttons at 1280 points and up.
    let width = ui.available_width();
    let (queue_max, side_max) = (
        (width * QUEUE_SHARE).max(QUEUE_MIN),
        (width * SIDE_SHARE).max(SIDE_MIN),
    );
    egui::Panel::left("queue")
        .resizable(true)
        .default_size(330.0_f32.min(queue_max))
        .size_range(QUEUE_MIN..=queue_max)
        .show(ui, |ui| panels.queue.ui(ui, view, out));
    egui::Panel::right("side")
        .resizable(true)
        .default_size(420.0_f32.min(side_max))
        .size_range(SIDE_MIN..=side_max)
        .show(ui, |ui| {
            let current = view.settings.right_tab;
            ui.horizontal(|ui| {
                for (tab, name) in [
                    (RightTab::Distribution, t!("tab.distribution")),
                    (RightTab::Model, t!("tab.model")),
                    (RightTab::Segments, t!("tab.segments")),
                    (RightTab::Rules, t!("tab.rules")),
                    (RightTab::Live, live_tab_name(view)),
                ] {
                    if ui.selectable_label(current == tab, name).clicked() && current != tab {
                        out.push(Command::ShowTab(tab));
                    }
                }
            });
            ui.separator();
            match current {
                RightTab::Distribution => panels.distribution.ui(ui, view, out),
                RightTab::Model => panels.model.ui(ui, view, out),
                RightTab::Segments => panels.segments.ui(ui, view, out),
                RightTab::Rules => panels.rules.ui(ui, view, out),
                RightTab::Live => panels.live.ui(ui, view, out),
            }
        });
    egui::CentralPanel::default().show(ui, |ui| panels.account.ui(ui, view, out));
}

/// The narrowest the queue and the right-hand panel may be made (points).
const QUEUE_MIN: f32 = 240.0;
const SIDE_MIN: f32 = 300.0;
/// The most of the window's width each may take.
const QUEUE_SHARE: f32 = 0.28;
const SIDE_SHARE: f32 = 0.36;

/// "Live", with a dot while the watch runs.
fn live_tab_name(view: &View<'_>) -> std::borrow::Cow<'static, str> {
    if view.live.is_some_and(|l| l.is_running()) {
        t!("tab.live_on")
    } else {
        t!("tab.live")
    }
}
