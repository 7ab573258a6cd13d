//! The offline journal's side of the workspace: keeping a decision while a team's server is
//! away, and writing what was kept, with its original time, once it is back.

use super::case::Verdict;
use super::error::{CaseError, Conflict};
use super::journal::{Held, HeldWhat};
use super::workspace::{Guard, Workspace};

/// What writing the journal's verdicts gave.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replayed {
    /// Decisions written (each with its original time).
    pub written: usize,
    /// Accounts another analyst decided meanwhile: not written, shown.
    pub conflicts: Vec<Overtaken>,
}

/// A kept verdict that another analyst's decision overtook while the server was away.
#[derive(Clone, Debug, PartialEq)]
pub struct Overtaken {
    pub theirs: Conflict,
    /// What this analyst had decided.
    pub ours: Verdict,
}

impl Workspace {
    /// Keeps `held` in the journal (a file has none: nothing to keep).
    pub(super) fn hold(&self, held: Held) -> Result<(), CaseError> {
        match self.journal() {
            Some(journal) => journal.append(&held),
            None => Ok(()),
        }
    }

    /// How many decisions wait in the local journal for the server.
    pub fn held(&self) -> Result<usize, CaseError> {
        match self.journal() {
            Some(journal) => Ok(journal.entries()?.len()),
            None => Ok(0),
        }
    }

    /// Writes the journal's decisions, in order and with their original times; an account
    /// another analyst decided meanwhile is a conflict (named, not written, not dropped
    /// silently). Stops, keeping the rest, while the server is still away.
    pub fn replay_held(&mut self) -> Result<Replayed, CaseError> {
        let Some(journal) = self.journal().cloned() else {
            return Ok(Replayed::default());
        };
        let entries = journal.entries()?;
        let mut replayed = Replayed::default();
        for (i, held) in entries.iter().enumerate() {
            match self.write_held(held, &mut replayed) {
                Ok(()) => {}
                Err(e) => {
                    journal.keep_only(&entries[i..])?;
                    return Err(e);
                }
            }
        }
        journal.keep_only(&[])?;
        Ok(replayed)
    }

    fn write_held(&mut self, held: &Held, replayed: &mut Replayed) -> Result<(), CaseError> {
        match &held.what {
            HeldWhat::Note { text } => {
                for user in &held.users {
                    self.note_at(user, text, &held.author, held.ts_ms)?;
                }
                replayed.written += 1;
            }
            HeldWhat::Verdict { verdict, overwrite } => {
                let guard = match (overwrite, held.seen_ms) {
                    (true, _) => Guard::Overwrite,
                    (false, Some(t)) => Guard::AskFirst {
                        decided_after_ms: t,
                        holder: &held.author,
                    },
                    (false, None) => Guard::Blind,
                };
                let (v, a, s, t) = (*verdict, &held.author, held.source, held.ts_ms);
                match self.decide_at(&held.users, v, a, s, guard, t) {
                    Err(CaseError::Conflicts(conflicts)) => {
                        // The others of a bulk decision are still written.
                        let rest: Vec<String> = held
                            .users
                            .iter()
                            .filter(|u| conflicts.iter().all(|c| &c.user != *u))
                            .cloned()
                            .collect();
                        if !rest.is_empty() {
                            self.decide_at(&rest, v, a, s, guard, t)?;
                            replayed.written += 1;
                        }
                        replayed.conflicts.extend(
                            conflicts
                                .into_iter()
                                .map(|theirs| Overtaken { theirs, ours: v }),
                        );
                    }
                    other => {
                        other?;
                        replayed.written += 1;
                    }
                }
            }
        }
        Ok(())
    }
}
