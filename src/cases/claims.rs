//! Claims: an analyst looking at an account holds it for a while, so two analysts never work
//! the same account at once. A claim lapses on its own at its expiry, so a window that was
//! killed holds nothing for long; a window renews its claim while the analyst stays.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use super::changes::{ChangeKind, Origin, note_change};
use super::claim_rows::{CLAIM_COLUMNS, claim_from_row, holder_of};
use super::clock::now_ms;
use super::error::CaseError;
use super::sql::{DbError, Sql, Value, args, marks};

pub use super::claim_rows::Claim;
use super::workspace::Workspace;

/// How long a claim holds without being renewed.
pub const CLAIM_MS: i64 = 15 * 60 * 1000;

/// What trying to claim an account gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimed {
    /// It is ours (new, or renewed) since and until then.
    Held { since_ms: i64, until_ms: i64 },
    /// Another analyst holds it.
    HeldBy(Claim),
}

/// Takes `user` for `who` (dropping whatever else `who` held: an analyst is on one account).
fn take(
    s: &mut dyn Sql,
    user: &str,
    who: &str,
    at: Moment,
    origin: &Origin,
) -> Result<Claimed, DbError> {
    let Moment { now, hold_ms } = at;
    if let Some(other) = holder_of(s, user, now)?.filter(|c| c.holder != who) {
        return Ok(Claimed::HeldBy(other));
    }
    let until_ms = now + hold_ms;
    s.exec(
        r#"DELETE FROM claims WHERE holder = ?1 AND "user" != ?2"#,
        args![who, user],
    )?;
    // A renewal keeps when the holder first took the account; a lapsed claim starts anew.
    let since_ms = s
        .row(
            r#"INSERT INTO claims ("user", holder, since_ms, until_ms) VALUES (?1, ?2, ?3, ?4)
               ON CONFLICT ("user") DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms,
                 since_ms = CASE WHEN claims.holder = excluded.holder AND claims.until_ms > ?3
                                 THEN claims.since_ms ELSE excluded.since_ms END
               RETURNING since_ms"#,
            args![user, who, now, until_ms],
        )?
        .map(|r| r.int("since_ms"))
        .transpose()?
        .unwrap_or(now);
    note_change(s, ChangeKind::Claim, Some(user), who, origin)?;
    Ok(Claimed::Held { since_ms, until_ms })
}

/// When a claim is taken, and for how long.
#[derive(Clone, Copy)]
struct Moment {
    now: i64,
    hold_ms: i64,
}

impl Workspace {
    /// Claims (or renews the claim on) `user` for `who`, unless another analyst holds it.
    pub fn claim(&self, user: &str, who: &str) -> Result<Claimed, CaseError> {
        self.claim_for(user, who, CLAIM_MS)
    }

    /// `claim` for `hold_ms` rather than the usual 15 minutes.
    pub fn claim_for(&self, user: &str, who: &str, hold_ms: i64) -> Result<Claimed, CaseError> {
        let at = Moment {
            now: now_ms(),
            hold_ms,
        };
        self.write(|s| take(s, user, who, at, self.origin()))
    }

    /// Lets go of whatever `who` holds.
    pub fn release_claims(&self, who: &str) -> Result<(), CaseError> {
        self.write(|s| {
            if s.exec("DELETE FROM claims WHERE holder = ?1", args![who])? > 0 {
                note_change(s, ChangeKind::Claim, None, who, self.origin())?;
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
                        let at = Moment {
                            now,
                            hold_ms: CLAIM_MS,
                        };
                        take(s, u, who, at, self.origin())?;
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
    .map(|r| r.text("user"))
    .collect()
}

fn active(s: &mut dyn Sql, now: i64) -> Result<HashMap<String, Claim>, DbError> {
    s.rows(
        &format!(r#"SELECT {CLAIM_COLUMNS} FROM claims WHERE until_ms > ?1"#),
        args![now],
    )?
    .iter()
    .map(claim_from_row)
    .collect()
}
