//! Verdicts from the window: one account's or the marked accounts', the question a verdict
//! asks before it overrides another analyst (overwrite, keep theirs, or dismiss), and what the
//! status bar says of each, a verdict kept on this machine during an outage included.

use super::VigilApp;
use crate::cases::Verdict;
use crate::gui::i18n::{count, say, t};
use crate::gui::view::{JobKind, Message};
use crate::workbench::Triage;

impl VigilApp {
    /// The selected account's verdict.
    pub(super) fn give(&mut self, verdict: Verdict) {
        self.label(|t, author| {
            let word = say(&verdict);
            match t.label(verdict, author) {
                Ok(user) => {
                    Ok(user
                        .map(|user| t!("msg.saved_one", user = user, verdict = word).into_owned()))
                }
                Err(e) => Err(t!("msg.label_not_saved", e = e).into_owned()),
            }
        });
    }

    /// The marked accounts' verdict, in one action.
    pub(super) fn give_marked(&mut self, verdict: Verdict) {
        self.label(|t, author| {
            let word = say(&verdict);
            match t.label_marked(verdict, author) {
                Ok(n) => Ok(Some(
                    t!("msg.saved_many", n = count(n), verdict = word).into_owned(),
                )),
                Err(e) => Err(t!("msg.labels_not_saved", e = e).into_owned()),
            }
        });
    }

    /// The verdict that asked first, given anyway.
    pub(super) fn overwrite(&mut self) {
        self.label(|t, author| {
            let word = t.conflict().map(|r| say(&r.ours)).unwrap_or_default();
            match t.overwrite(author) {
                Ok(what) => Ok(what
                    .map(|what| t!("msg.overwritten", what = what, verdict = word).into_owned())),
                Err(e) => Err(t!("msg.label_not_saved", e = e).into_owned()),
            }
        });
    }

    /// The other analysts' holds and decisions stand; a bulk decision labels the others.
    pub(super) fn keep_theirs(&mut self) {
        self.label(|t, author| {
            let word = t.conflict().map(|r| say(&r.ours)).unwrap_or_default();
            match t.keep_theirs(author) {
                Ok(Some(n)) if n > 0 => Ok(Some(
                    t!("msg.saved_many", n = count(n), verdict = word).into_owned(),
                )),
                Ok(_) => Ok(None),
                Err(e) => Err(t!("msg.labels_not_saved", e = e).into_owned()),
            }
        });
        self.question_answered();
    }

    /// The question dropped, nothing written.
    pub(super) fn dismiss_conflict(&mut self) {
        if let Some(t) = &mut self.triage {
            t.dismiss_conflict();
        }
        self.question_answered();
    }

    /// Gives verdicts (`give` says what was saved, if anything, or why nothing was), says so,
    /// and retrains when enough verdicts have come since the last time. A verdict kept on
    /// this machine tells of the outage; one that asks first leaves the question to its
    /// dialog.
    pub(super) fn label(
        &mut self,
        give: impl FnOnce(&mut Triage, &str) -> Result<Option<String>, String>,
    ) {
        let Some(t) = &mut self.triage else { return };
        match give(t, &self.author) {
            Ok(Some(text)) => {
                let due = t.retrain_due(self.settings.retrain_every);
                match t.held() {
                    0 => {
                        self.reached();
                        self.info(text);
                    }
                    n => {
                        let n = count(n);
                        self.lost("");
                        let text = t!("msg.kept_offline", what = text, n = n).into_owned();
                        self.message = Some(Message::Unreachable(text));
                    }
                }
                if due && !self.work.is_running(JobKind::Retrain) {
                    self.retrain();
                }
            }
            Ok(None) => {}
            Err(_) if t.conflict().is_some() => self.info(t!("msg.asks_first").into_owned()),
            Err(text) => self.error(text),
        }
    }

    /// The question a verdict asked is answered without a write: the status bar stops asking.
    fn question_answered(&mut self) {
        let asking = t!("msg.asks_first");
        if matches!(&self.message, Some(Message::Info(m)) if *m == asking) {
            self.message = None;
        }
    }
}
