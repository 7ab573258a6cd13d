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
    egui::Panel::left("queue")
        .resizable(true)
        .default_size(330.0)
        .show(ui, |ui| panels.queue.ui(ui, view, out));
    egui::Panel::right("side")
        .resizable(true)
        .default_size(420.0)
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

/// "Live", with a dot while the watch runs.
fn live_tab_name(view: &View<'_>) -> std::borrow::Cow<'static, str> {
    if view.live.is_some_and(|l| l.is_running()) {
        t!("tab.live_on")
    } else {
        t!("tab.live")
    }
}
