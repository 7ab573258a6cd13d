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
    /// For how long another analyst's decision counts as recent (ms): a verdict over it asks
    /// first even when the window has seen it.
    pub(super) recent_ms: i64,
    /// How many accounts a day the team reviews: what the default thresholds flag.
    pub(super) capacity: usize,
    /// A verdict that asks first (another analyst holds the account or decided it): giving
    /// the same verdict to the same account again overwrites.
    pub(super) refused: Option<Refused>,
}

/// A verdict not written because another analyst holds the account or decided it: the
/// question the window asks.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    /// The account, or `None` for a bulk decision on the marked accounts.
    pub user: Option<String>,
    /// What this analyst gave.
    pub ours: Verdict,
    /// Who holds or decided which account, and when.
    pub theirs: Vec<Conflict>,
    /// For a bulk decision: how many of the marked accounts nobody else holds or decided.
    pub others: usize,
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
            recent_ms: ws.recent_decision_ms(me)?,
            capacity: ws.daily_capacity(me)?,
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
