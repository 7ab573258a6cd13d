//! Applying the analyst's commands: every `Command` has its arm in `apply` (no catch-all), so a
//! new command does not compile until it does something. Each arm is one call into the
//! application layer (or the orchestrator); what the window says about it follows.

use std::path::{Path, PathBuf};
use std::time::Instant;

use eframe::egui::ViewportCommand;

use super::VigilApp;
use crate::gui::command::Command;
use crate::gui::i18n::{Language, count, say, t};
use crate::gui::orchestrator::{Orchestrator, Report};
use crate::log::Preview;
use crate::log::UserCode;
use crate::rules::{ListEntry, Rule};
use crate::workbench::{RankBy, SIMILAR_SHOWN, Triage};

impl VigilApp {
    pub(super) fn apply(&mut self, c: Command) {
        match c {
            Command::OpenDialog => self.open_dialog(),
            Command::Open(path) => self.open(&path),
            Command::LoadConfirmed(preview, save_to) => self.load_confirmed(preview, save_to),
            Command::MappingCancelled => {
                let report = self.work.abandon_open();
                self.take_reports(report);
            }
            Command::Quit => self.ctx.send_viewport_cmd(ViewportCommand::Close),
            Command::CancelJobs => self.work.cancel_all(),
            Command::SetLanguage(language) => {
                self.settings.language = language;
                language.apply();
            }
            Command::SetDetector(kind) => {
                self.settings.detector = kind;
                self.retrain();
            }
            Command::SetRetrainEvery(n) => self.settings.retrain_every = n,
            Command::SetDailyCapacity(n) => self.set_daily_capacity(n),
            Command::ShowTab(tab) => self.settings.right_tab = tab,
            Command::Retrain => self.retrain(),
            Command::StartLive => self.start_live(true),
            Command::StopLive => self.work.stop_live(),
            Command::Compare => self.with_work(|work, t| work.compare(t)),
            Command::FindSegments { k, by_reading } => {
                self.with_work(|work, t| work.find_segments(t, k, by_reading))
            }
            Command::ExportRanked(by, out) => self.export_ranked(by, &out),
            Command::PredictBehaviour => self.with_work(|work, t| work.predict_behaviour(t)),
            Command::StartNote => self.start_note(),
            Command::Select(u) => self.with_triage(|t| t.select(u)),
            Command::Step(step) => self.with_triage(|t| t.step(step)),
            Command::ToggleMark(u) => self.with_triage(|t| t.toggle_mark(u)),
            Command::MarkRangeTo(u) => self.with_triage(|t| t.mark_range_to(u)),
            Command::MarkLinked => self.with_selected(|t, u| t.mark_linked(u)),
            Command::MarkSimilar(by) => {
                self.with_selected(|t, u| t.mark_similar(u, SIMILAR_SHOWN, by));
            }
            Command::MarkQueue => self.with_triage(Triage::mark_queue),
            Command::ClearMarks => self.with_triage(Triage::clear_marks),
            Command::Assign(to) => self.assign(&to),
            Command::Overwrite => self.overwrite(),
            Command::KeepTheirs => self.keep_theirs(),
            Command::DismissConflict => self.dismiss_conflict(),
            Command::SetThresholds(th) => self.set_thresholds(th),
            Command::SetFilter(f) => {
                self.with_triage(|t| t.set_filter(f));
                self.settings_dirty_since.get_or_insert_with(Instant::now);
            }
            Command::Label(verdict) => self.give(verdict),
            Command::LabelMarked(verdict) => self.give_marked(verdict),
            Command::Note(text) => self.note(&text),
            Command::Undo => self.undo(),
            Command::SaveRule(rule) => self.save_rule(&rule),
            Command::SetRuleEnabled(name, on) => self.set_rule_enabled(&name, on),
            Command::AddToList(entry) => self.add_to_list(entry),
            Command::RemoveFromList(entry) => self.remove_from_list(&entry),
        }
    }

    /// A change of the open log's triage (nothing when no log is open).
    fn with_triage(&mut self, change: impl FnOnce(&mut Triage)) {
        if let Some(t) = &mut self.triage {
            change(t);
        }
    }

    /// A change of the open log's triage about its selected account (nothing when none is).
    fn with_selected(&mut self, change: impl FnOnce(&mut Triage, UserCode)) {
        if let Some(t) = &mut self.triage
            && let Some(u) = t.selected()
        {
            change(t, u);
        }
    }

    /// Background work for the open log, started by the orchestrator.
    fn with_work(&mut self, start: impl FnOnce(&mut Orchestrator, &Triage) -> Option<Report>) {
        if let Some(t) = &self.triage {
            let report = start(&mut self.work, t);
            self.take_reports(report);
        }
    }

    /// Asks for a log with the native file dialog, or a typed path where there is none. The
    /// dialog must run on the main thread; it blocks only this frame.
    fn open_dialog(&mut self) {
        match rfd::FileDialog::new().pick_file() {
            Some(p) => self.open(&p),
            None => self.panels.top_bar.ask_for_path(),
        }
    }

    /// Loads with the plan the analyst confirmed, saved as a mapping file when asked.
    fn load_confirmed(&mut self, preview: Box<Preview>, save_to: Option<PathBuf>) {
        let written = save_to.map(|to| {
            let text = preview
                .to_mapping()
                .to_toml()
                .map_err(std::io::Error::other);
            (text.and_then(|text| std::fs::write(&to, text)), to)
        });
        if let Some((Err(e), to)) = written {
            self.error(t!("msg.mapping_not_saved", file = to.display(), e = e).into_owned());
        }
        let report = self
            .work
            .continue_open(Some(preview), self.settings.detector);
        self.take_reports(report);
    }

    /// Opens the note editor on the selected account's note so far.
    fn start_note(&mut self) {
        let current = self
            .triage
            .as_ref()
            .and_then(|t| t.selected().and_then(|u| t.case(u)))
            .map(|c| c.note.clone())
            .unwrap_or_default();
        self.panels.account.start_note(current);
    }

    fn export_ranked(&mut self, by: RankBy, out: &Path) {
        let Some(t) = &self.triage else { return };
        match t.write_ranked(out, by, Language::current()) {
            Ok(n) => self.info(t!("msg.exported", n = count(n), file = out.display()).into_owned()),
            Err(e) => self.error(t!("msg.not_exported", e = e).into_owned()),
        }
    }

    fn assign(&mut self, to: &str) {
        let Some(t) = &mut self.triage else { return };
        match t.assign(to) {
            Ok(n) => self.info(t!("msg.assigned", n = count(n), to = to).into_owned()),
            Err(e) => self.error(t!("msg.not_assigned", e = e).into_owned()),
        }
    }

    fn note(&mut self, text: &str) {
        let Some(t) = &mut self.triage else { return };
        match t.note(text, &self.author) {
            Ok(Some(user)) => self.info(t!("msg.saved_note", user = user).into_owned()),
            Ok(None) => {}
            Err(e) => self.error(t!("msg.note_not_saved", e = e).into_owned()),
        }
    }

    fn undo(&mut self) {
        let Some(t) = &mut self.triage else { return };
        match t.undo(&self.author) {
            Ok(Some(user)) => self.info(t!("msg.undone", user = user).into_owned()),
            Ok(None) => self.info(t!("msg.nothing_to_undo").into_owned()),
            Err(e) => self.error(t!("msg.undo_failed", e = e).into_owned()),
        }
    }

    fn save_rule(&mut self, rule: &Rule) {
        let Some(t) = &mut self.triage else { return };
        match t.save_rule(rule, &self.author) {
            Ok(saved) => {
                let name = &saved.name;
                let text = t!("msg.saved_rule", name = name, version = saved.version);
                self.info(text.into_owned());
            }
            Err(e) => self.error(t!("msg.rule_not_saved", e = e).into_owned()),
        }
    }

    fn set_rule_enabled(&mut self, name: &str, on: bool) {
        let Some(t) = &mut self.triage else { return };
        if let Err(e) = t.set_rule_enabled(name, on, &self.author) {
            self.error(t!("msg.rule_not_switched", e = e).into_owned());
        }
    }

    fn add_to_list(&mut self, entry: ListEntry) {
        let Some(t) = &mut self.triage else { return };
        match t.add_to_lists(std::slice::from_ref(&entry), &self.author) {
            Ok(_) => self.info(t!("msg.saved_entry", what = say(&entry)).into_owned()),
            Err(e) => self.error(t!("msg.list_not_changed", e = e).into_owned()),
        }
    }

    fn remove_from_list(&mut self, entry: &ListEntry) {
        let Some(t) = &mut self.triage else { return };
        match t.remove_from_lists(entry, &self.author) {
            Ok(_) => {
                let list = say(&entry.kind);
                let role = &entry.role;
                let text = t!(
                    "msg.off_list",
                    role = role,
                    value = &entry.value,
                    list = list
                );
                self.info(text.into_owned());
            }
            Err(e) => self.error(t!("msg.list_not_changed", e = e).into_owned()),
        }
    }
}
