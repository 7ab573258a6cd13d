//! The triage as one member of a team: who this analyst is and may do, the claims that keep
//! two analysts off one account, the accounts assigned to this analyst, and the changes other
//! windows made, taken in as they arrive (`sync`).

use super::super::error::Result;
use super::super::team_delta::{TeamDelta, read_delta};
use super::super::team_state::{Synced, Team};
use super::Triage;
use crate::cases::{CaseError, Claim, Claimed, Conflict, Replayed, Role, Verdict};
use crate::log::UserCode;

impl Triage {
    /// Who signs this window's verdicts: the database's user or `--author`.
    pub fn me(&self) -> &str {
        &self.team.me
    }

    pub fn role(&self) -> Role {
        self.team.role
    }

    /// Signs as `who` from now on, joining the workspace's members (the first member of a
    /// workspace is its lead). The window calls it once it has opened a log.
    pub fn act_as(&mut self, who: &str) -> Result<()> {
        if who != self.team.me {
            let _ = self.workspace.release_claims(&self.team.me);
        }
        self.team = Team::load(&self.workspace, who, true)?;
        self.restore_settings();
        self.rebuild_queue();
        // A window opening on an account a teammate is on starts on the next free one.
        if self
            .selected
            .is_some_and(|u| self.claimed_by_other(u).is_some())
        {
            self.selected = self.neighbour(1).or(self.selected);
        }
        self.claim_selected();
        Ok(())
    }

    /// Who else holds `u`, while their claim lasts (`None` when free or ours).
    pub fn claimed_by_other(&self, u: UserCode) -> Option<&str> {
        let claim = self.team.claims.get(self.user_name(u))?;
        let live = claim.until_ms > chrono::Utc::now().timestamp_millis();
        (live && claim.holder != self.team.me).then_some(claim.holder.as_str())
    }

    pub fn assigned_to_me(&self, u: UserCode) -> bool {
        self.team.assigned.contains(self.user_name(u))
    }

    /// Claims the selected account (renewing our claim); a claim another analyst took first
    /// is shown, not fought over. A workspace that cannot be written leaves it unclaimed.
    pub(super) fn claim_selected(&mut self) {
        let Some(u) = self.selected else { return };
        let user = self.user_name(u).to_string();
        if let Ok(Claimed::Held { until_ms }) = self.workspace.claim(&user, &self.team.me) {
            self.team.claims.retain(|_, c| c.holder != self.team.me);
            let holder = self.team.me.clone();
            self.team.claims.insert(user, Claim { holder, until_ms });
        }
    }

    /// Lets go of this window's claim (the window is closing).
    pub fn release_claims(&self) -> Result<()> {
        Ok(self.workspace.release_claims(&self.team.me)?)
    }

    /// The guard for a verdict on `user`: an overwrite when the analyst repeats a verdict that
    /// was refused for a conflict, else a refusal of anything decided after we looked.
    pub(super) fn guard_for(&self, user: &str, verdict: Verdict) -> crate::cases::Guard {
        match &self.team.refused {
            Some((u, v, _)) if u == user && *v == verdict => crate::cases::Guard::Overwrite,
            _ => crate::cases::Guard::SeenAt(self.team.seen_ms),
        }
    }

    /// The guard for a bulk verdict: an overwrite when it repeats a bulk verdict refused for
    /// conflicts, else a refusal of anything decided after we looked.
    pub(super) fn guard_for_many(&self, verdict: Verdict) -> crate::cases::Guard {
        match &self.team.refused {
            Some((u, v, _)) if u.is_empty() && *v == verdict => crate::cases::Guard::Overwrite,
            _ => crate::cases::Guard::SeenAt(self.team.seen_ms),
        }
    }

    /// A bulk verdict's conflict is remembered (with no one account) for `guard_for_many`.
    pub(super) fn after_bulk_verdict(&mut self, verdict: Verdict, error: Option<&CaseError>) {
        self.after_verdict("", verdict, error);
    }

    /// A verdict of ours refused because another analyst decided first: their decisions and
    /// what we had given (the window offers to overwrite or to keep theirs).
    pub fn conflict(&self) -> Option<(&[Conflict], Verdict)> {
        self.team
            .refused
            .as_ref()
            .map(|(_, v, theirs)| (theirs.as_slice(), *v))
    }

    /// Gives the refused verdict again, over the other analyst's decision (audited as an
    /// overwrite); returns what was saved.
    pub fn overwrite(&mut self, author: &str) -> Result<Option<String>> {
        let Some((user, verdict, _)) = self.team.refused.clone() else {
            return Ok(None);
        };
        if user.is_empty() {
            let n = self.label_marked(verdict, author)?;
            return Ok(Some(n.to_string()));
        }
        let Some(u) = self.user_by_name(&user) else {
            self.team.refused = None;
            return Ok(None);
        };
        self.select(u);
        self.label(verdict, author)
    }

    /// Lets the other analyst's decision stand: shown as theirs, nothing written.
    pub fn keep_theirs(&mut self) -> Result<()> {
        let Some((_, _, theirs)) = self.team.refused.take() else {
            return Ok(());
        };
        for c in &theirs {
            self.reload_case(&c.user)?;
        }
        self.marked.clear();
        self.relabel();
        self.rebuild_queue();
        Ok(())
    }

    /// How many verdicts and notes wait in the offline journal for the server.
    pub fn held(&self) -> usize {
        self.workspace.held().unwrap_or(0)
    }

    /// Notes what a verdict's write gave: a conflict is remembered so that the same verdict
    /// again overwrites it.
    pub(super) fn after_verdict(
        &mut self,
        user: &str,
        verdict: Verdict,
        error: Option<&CaseError>,
    ) {
        self.team.refused = match error {
            Some(CaseError::Conflicts(c)) => Some((user.to_string(), verdict, c.clone())),
            _ => None,
        };
    }

    /// Writes what the offline journal kept, once the server is back. A verdict another
    /// analyst overtook is a conflict: the account shows their decision again, and giving
    /// ours once more overwrites it.
    fn write_held(&mut self) -> Result<Option<Replayed>> {
        if self.workspace.held()? == 0 {
            return Ok(None);
        }
        let replayed = self.workspace.replay_held()?;
        for c in &replayed.conflicts {
            self.reload_case(&c.theirs.user)?;
        }
        if let Some(first) = replayed.conflicts.first() {
            let theirs = vec![first.theirs.clone()];
            self.team.refused = Some((first.theirs.user.clone(), first.ours, theirs));
        }
        self.relabel();
        self.rebuild_queue();
        Ok(Some(replayed))
    }

    /// Assigns the marked accounts (or, with none marked, the queue) to `to`; a lead's
    /// action. Returns how many.
    pub fn assign(&mut self, to: &str) -> Result<usize> {
        self.assign_first(to, usize::MAX)
    }

    /// `assign`, of the first `n` at most (in queue order).
    pub fn assign_first(&mut self, to: &str, n: usize) -> Result<usize> {
        let users: Vec<UserCode> = match self.marked.is_empty() {
            true => self.queue.iter().copied().take(n).collect(),
            false => self.marked.iter().copied().take(n).collect(),
        };
        let names: Vec<String> = users
            .iter()
            .map(|&u| self.user_name(u).to_string())
            .collect();
        let n = self.workspace.assign(&names, to, &self.team.me)?;
        if to == self.team.me {
            self.team.assigned.extend(names);
        }
        Ok(n)
    }

    /// Takes in what other windows changed since the last look: verdicts and notes, claims,
    /// assignments, rules and lists, thresholds and roles; first, what the offline journal
    /// kept, once the server is back. Cheap when nothing changed (one query). Reads the
    /// database on this thread: the window reads deltas on a follower thread instead
    /// (`read_delta`, `apply_delta`).
    pub fn sync(&mut self) -> Result<Synced> {
        let replayed = self.write_held()?;
        let delta = read_delta(&self.workspace, self.team.mark, &self.team.me)?;
        Ok(Synced {
            replayed,
            ..self.apply_delta(delta)
        })
    }

    /// Writes what the offline journal kept, if anything (the window calls it while it holds
    /// verdicts for the server).
    pub fn replay_held(&mut self) -> Result<Option<Replayed>> {
        self.write_held()
    }

    /// The last change of the feed this triage has taken in.
    pub fn team_mark(&self) -> i64 {
        self.team.mark
    }

    /// Takes in a delta read after this triage's mark (an older one is ignored), without
    /// touching the database.
    pub fn apply_delta(&mut self, delta: TeamDelta) -> Synced {
        if delta.mark < self.team.mark {
            return Synced::default();
        }
        self.team.mark = delta.mark;
        let synced = Synced {
            cases: delta.cases.len(),
            model: delta.model,
            any: delta.any(),
            replayed: None,
        };
        for (user, case) in delta.cases {
            self.put_case(&user, case);
        }
        if let Some(claims) = delta.claims {
            self.team.claims = claims;
        }
        if let Some(assigned) = delta.assigned {
            self.team.assigned = assigned;
        }
        if let Some(role) = delta.role {
            self.team.role = role;
        }
        if let Some((rules, lists)) = delta.rules {
            self.set_rules(rules, lists);
        }
        if let Some(stored) = delta.thresholds {
            self.apply_thresholds(&stored);
        }
        if synced.cases > 0 {
            self.relabel();
        }
        if synced.any {
            self.rebuild_queue();
        }
        // What was taken in is current as of when it was read.
        self.team.seen_ms = delta.read_ms;
        synced
    }
}
