//! The triage as one member of a team: who this analyst is and may do, the claims that keep
//! two analysts off one account, the question a verdict asks before it overrides another
//! analyst, the accounts assigned to this analyst, and the changes other windows made, taken
//! in as they arrive (`sync`).

use super::super::error::Result;
use super::super::team_delta::{TeamDelta, read_delta};
use super::super::team_state::{Refused, Synced, Team};
use super::Triage;
use crate::cases::{CaseError, Claim, Claimed, Guard, Replayed, Role, Verdict};
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
        self.claim_by_other(u).map(|c| c.holder.as_str())
    }

    /// Another analyst's live claim on `u` (`None` when free or ours).
    pub fn claim_by_other(&self, u: UserCode) -> Option<&Claim> {
        let claim = self.team.claims.get(self.user_name(u))?;
        let live = claim.until_ms > chrono::Utc::now().timestamp_millis();
        (live && claim.holder != self.team.me).then_some(claim)
    }

    pub fn assigned_to_me(&self, u: UserCode) -> bool {
        self.team.assigned.contains(self.user_name(u))
    }

    /// Claims the selected account (renewing our claim); a claim another analyst took first
    /// is shown, not fought over. A workspace that cannot be written leaves it unclaimed.
    pub(super) fn claim_selected(&mut self) {
        let Some(u) = self.selected else { return };
        let user = self.user_name(u).to_string();
        if let Ok(Claimed::Held { since_ms, until_ms }) = self.workspace.claim(&user, &self.team.me)
        {
            self.team.claims.retain(|_, c| c.holder != self.team.me);
            let claim = Claim {
                holder: self.team.me.clone(),
                since_ms,
                until_ms,
            };
            self.team.claims.insert(user, claim);
        }
    }

    /// Lets go of this window's claim (the window is closing).
    pub fn release_claims(&self) -> Result<()> {
        Ok(self.workspace.release_claims(&self.team.me)?)
    }

    /// The guard for a verdict on `user` (`None`: the marked accounts): an overwrite when the
    /// analyst repeats a verdict that asked first, else a question before overriding anyone
    /// who holds the account, or decided it after this window looked or within the
    /// workspace's recent-decision minutes. `me` is this window's signer (`me()`), whose
    /// claims are its own.
    pub(super) fn guard_for<'a>(
        &self,
        user: Option<&str>,
        verdict: Verdict,
        me: &'a str,
    ) -> Guard<'a> {
        match &self.team.refused {
            Some(r) if r.user.as_deref() == user && r.ours == verdict => Guard::Overwrite,
            _ => {
                let recent_from = chrono::Utc::now().timestamp_millis() - self.team.recent_ms;
                Guard::AskFirst {
                    decided_after_ms: self.team.seen_ms.min(recent_from),
                    holder: me,
                }
            }
        }
    }

    /// The question a verdict asks before it overrides another analyst: who holds or decided
    /// which account, and what this analyst gave.
    pub fn conflict(&self) -> Option<&Refused> {
        self.team.refused.as_ref()
    }

    /// Gives the verdict that asked first again, over the other analyst's hold or decision
    /// (audited as an overwrite where it replaces a decision); returns what was saved.
    pub fn overwrite(&mut self, author: &str) -> Result<Option<String>> {
        let Some(refused) = self.team.refused.clone() else {
            return Ok(None);
        };
        let Some(user) = refused.user else {
            let n = self.label_marked(refused.ours, author)?;
            return Ok(Some(n.to_string()));
        };
        let Some(u) = self.user_by_name(&user) else {
            self.team.refused = None;
            return Ok(None);
        };
        self.select(u);
        self.label(refused.ours, author)
    }

    /// Lets the other analysts' decisions and holds stand. For a bulk decision, the other
    /// marked accounts still get the verdict (asking again should one be taken meanwhile):
    /// returns how many.
    pub fn keep_theirs(&mut self, author: &str) -> Result<Option<usize>> {
        let Some(refused) = self.team.refused.take() else {
            return Ok(None);
        };
        for c in &refused.theirs {
            self.reload_case(&c.user)?;
            if let Some(u) = self.user_by_name(&c.user) {
                self.marked.remove(&u);
            }
        }
        self.relabel();
        self.rebuild_queue();
        match refused.user {
            Some(_) => Ok(None),
            None if self.marked.is_empty() => Ok(Some(0)),
            None => self.label_marked(refused.ours, author).map(Some),
        }
    }

    /// Drops the question, writing nothing (the marks of a bulk decision stay).
    pub fn dismiss_conflict(&mut self) {
        self.team.refused = None;
    }

    /// How many verdicts and notes wait in the offline journal for the server.
    pub fn held(&self) -> usize {
        self.workspace.held().unwrap_or(0)
    }

    /// Notes what a verdict's write gave: a verdict that asked first is remembered, so that
    /// the same verdict again overwrites. `others` counts a bulk decision's other accounts.
    pub(super) fn after_verdict(
        &mut self,
        user: Option<&str>,
        verdict: Verdict,
        error: Option<&CaseError>,
        others: usize,
    ) {
        self.team.refused = match error {
            Some(CaseError::Conflicts(theirs)) => Some(Refused {
                user: user.map(str::to_string),
                ours: verdict,
                theirs: theirs.clone(),
                others: others.saturating_sub(theirs.len()),
            }),
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
            self.team.refused = Some(Refused {
                user: Some(first.theirs.user.clone()),
                ours: first.ours,
                theirs: vec![first.theirs.clone()],
                others: 0,
            });
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

    /// Takes in what changed since the last look, but for this window's own writes:
    /// verdicts and notes, claims, assignments, rules and lists, thresholds and roles; first,
    /// what the offline journal kept, once the server is back. Cheap when nothing changed
    /// (one query). Reads the database on this thread: the window reads deltas on a follower
    /// thread instead (`read_delta`, `apply_delta`).
    pub fn sync(&mut self) -> Result<Synced> {
        let replayed = self.write_held()?;
        let ws = &self.workspace;
        let delta = read_delta(ws, self.team.mark, &self.team.me, ws.origin())?;
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
        if let Some(capacity) = delta.capacity.filter(|&c| c != self.team.capacity) {
            self.apply_capacity(capacity);
        }
        if let Some(stored) = delta.thresholds {
            self.apply_thresholds(&stored);
        }
        if let Some(recent_ms) = delta.recent_ms {
            self.team.recent_ms = recent_ms;
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
