//! Claims: an analyst looking at an account holds it for a while, so two analysts never work
//! the same account at once. A claim lapses on its own at its expiry, so a window that was
//! killed holds nothing for long; a window renews its claim while the analyst stays.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::changes::{ChangeKind, note_change};
use super::clock::now_ms;
use super::error::CaseError;
use super::sql::{DbError, Sql, Value, args, marks};
use super::workspace::Workspace;

/// How long a claim holds without being renewed.
pub const CLAIM_MS: i64 = 15 * 60 * 1000;

/// Who holds an account, until when (ms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub holder: String,
    pub until_ms: i64,
}

/// What trying to claim an account gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// It is ours (new, or renewed) until then.
    Held { until_ms: i64 },
    /// Another analyst holds it.
    HeldBy(Claim),
}

fn holder_of(s: &mut dyn Sql, user: &str, now: i64) -> Result<Option<Claim>, DbError> {
    s.row(
        r#"SELECT holder, until_ms FROM claims WHERE "user" = ?1 AND until_ms > ?2"#,
        args![user, now],
    )?
    .map(|r| {
        Ok(Claim {
            holder: r.text(0)?,
            until_ms: r.int(1)?,
        })
    })
    .transpose()
}

/// Takes `user` for `who` (dropping whatever else `who` held: an analyst is on one account).
fn take(
    s: &mut dyn Sql,
    user: &str,
    who: &str,
    now: i64,
    hold_ms: i64,
) -> Result<Claimed, DbError> {
    if let Some(other) = holder_of(s, user, now)?.filter(|c| c.holder != who) {
        return Ok(Claimed::HeldBy(other));
    }
    let until_ms = now + hold_ms;
    s.exec(
        r#"DELETE FROM claims WHERE holder = ?1 AND "user" != ?2"#,
        args![who, user],
    )?;
    s.exec(
        r#"INSERT INTO claims ("user", holder, until_ms) VALUES (?1, ?2, ?3)
           ON CONFLICT ("user") DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms"#,
        args![user, who, until_ms],
    )?;
    note_change(s, ChangeKind::Claim, Some(user), who)?;
    Ok(Claimed::Held { until_ms })
}

impl Workspace {
    /// Claims (or renews the claim on) `user` for `who`, unless another analyst holds it.
    pub fn claim(&self, user: &str, who: &str) -> Result<Claimed, CaseError> {
        self.claim_for(user, who, CLAIM_MS)
    }

    /// `claim` for `hold_ms` rather than the usual 15 minutes.
    pub fn claim_for(&self, user: &str, who: &str, hold_ms: i64) -> Result<Claimed, CaseError> {
        self.write(|s| take(s, user, who, now_ms(), hold_ms))
    }

    /// Lets go of whatever `who` holds.
    pub fn release_claims(&self, who: &str) -> Result<(), CaseError> {
        self.write(|s| {
            if s.exec("DELETE FROM claims WHERE holder = ?1", args![who])? > 0 {
                note_change(s, ChangeKind::Claim, None, who)?;
            }
            Ok(())
        })
    }

    /// The first account of `queue` (in its order) that has no verdict and no other
    /// analyst's claim, claimed for `who` in the same transaction: two analysts asking at
    /// once get two different accounts.
    pub fn claim_next(&self, queue: &[String], who: &str) -> Result<Option<String>, CaseError> {
        let now = now_ms();
        self.write(|s| {
            let held = active(s, now)?;
            // The queue is read a slice at a time from its first account not decided at the
            // last look (everything before it was decided then), then from its start (an undo
            // may have reopened one): a long queue costs a query or two, not every case.
            let from = self.next_hint.load(Ordering::Relaxed).min(queue.len());
            let order = (from..queue.len()).chain(0..from).collect::<Vec<_>>();
            let mut first_open = None;
            for slice in order.chunks(NEXT_SLICE) {
                let users: Vec<String> = slice.iter().map(|&i| queue[i].clone()).collect();
                let decided = decided_among(s, &users)?;
                for &i in slice {
                    let u = queue[i].as_str();
                    if decided.contains(u) {
                        continue;
                    }
                    if i >= from {
                        first_open.get_or_insert(i);
                    }
                    if held.get(u).is_none_or(|c| c.holder == who) {
                        take(s, u, who, now, CLAIM_MS)?;
                        self.next_hint
                            .store(first_open.unwrap_or(from), Ordering::Relaxed);
                        return Ok(Some(u.to_string()));
                    }
                }
            }
            Ok(None)
        })
    }

    /// Every claim still in force, by account.
    pub fn claims(&self) -> Result<HashMap<String, Claim>, CaseError> {
        self.read(|s| active(s, now_ms()))
    }
}

/// How many accounts of a queue `claim_next` looks at per query.
const NEXT_SLICE: usize = 200;

/// Which of `users` have a verdict.
fn decided_among(s: &mut dyn Sql, users: &[String]) -> Result<hashbrown::HashSet<String>, DbError> {
    let args: Vec<Value> = users.iter().map(Value::from).collect();
    s.rows(
        &format!(
            r#"SELECT "user" FROM cases WHERE verdict IS NOT NULL AND "user" IN ({})"#,
            marks(users.len())
        ),
        &args,
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

fn active(s: &mut dyn Sql, now: i64) -> Result<HashMap<String, Claim>, DbError> {
    s.rows(
        r#"SELECT "user", holder, until_ms FROM claims WHERE until_ms > ?1"#,
        args![now],
    )?
    .iter()
    .map(|r| {
        let claim = Claim {
            holder: r.text(1)?,
            until_ms: r.int(2)?,
        };
        Ok((r.text(0)?, claim))
    })
    .collect()
}
