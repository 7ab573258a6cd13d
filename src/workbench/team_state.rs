//! What the triage knows of the team it works in: who signs, their role, the live claims,
//! the accounts assigned to this analyst, how far the change feed has been taken in, and a
//! verdict refused for a conflict. The triage's `team.rs` commands keep it.

use std::collections::{HashMap, HashSet};

use super::error::Result;
use crate::cases::{Claim, Conflict, Replayed, Role, Verdict, Workspace};

/// What the triage knows of the team.
pub(crate) struct Team {
    /// Who signs this window's verdicts.
    pub(super) me: String,
    pub(super) role: Role,
    /// Live claims by account name (this analyst's own included).
    pub(super) claims: HashMap<String, Claim>,
    pub(super) assigned: HashSet<String>,
    /// The last change taken in.
    pub(super) mark: i64,
    /// Until when (ms) the cases shown are known to be current: a verdict by another analyst
    /// after it is a conflict.
    pub(super) seen_ms: i64,
    /// A verdict refused because another analyst decided the account meanwhile (the account,
    /// or "" for the marked accounts, our verdict, and their decisions): giving the same
    /// verdict to the same account again overwrites.
    pub(super) refused: Option<(String, Verdict, Vec<Conflict>)>,
}

impl Team {
    /// What the team looks like to `me`; `join` makes `me` a member (the first one leads).
    pub(super) fn load(ws: &Workspace, me: &str, join: bool) -> Result<Self> {
        let mark = ws.change_mark()?;
        let role = match join {
            true => ws.join(me)?,
            false => ws.role_of(me)?,
        };
        Ok(Self {
            me: me.to_string(),
            role,
            claims: ws.claims()?,
            assigned: ws.assigned_to(me)?.into_iter().collect(),
            mark,
            seen_ms: chrono::Utc::now().timestamp_millis(),
            refused: None,
        })
    }
}

/// What a `sync` took in.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Synced {
    /// Accounts whose case another window changed.
    pub cases: usize,
    /// Whether another window kept a newer model (retrain or reopen to use it).
    pub model: bool,
    /// Whether anything at all changed.
    pub any: bool,
    /// What the offline journal wrote, now that the server is back.
    pub replayed: Option<Replayed>,
}
