//! Claims as the `claims` table holds them, read back: what the claims and the verdicts that
//! ask first both read.

use super::sql::{DbError, Row, Sql, args};

/// Who holds an account, since when and until when (ms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub holder: String,
    /// When the holder took it (renewing keeps it; 0 for a claim older than the column).
    pub since_ms: i64,
    pub until_ms: i64,
}

/// The columns a `Claim` is read from.
pub(super) const CLAIM_COLUMNS: &str = r#""user", holder, since_ms, until_ms"#;

pub(super) fn claim_from_row(r: &Row) -> Result<(String, Claim), DbError> {
    let claim = Claim {
        holder: r.text("holder")?,
        since_ms: r.int("since_ms")?,
        until_ms: r.int("until_ms")?,
    };
    Ok((r.text("user")?, claim))
}

/// Who holds `user` at `now`, if anyone does.
pub(super) fn holder_of(s: &mut dyn Sql, user: &str, now: i64) -> Result<Option<Claim>, DbError> {
    s.row(
        &format!(r#"SELECT {CLAIM_COLUMNS} FROM claims WHERE "user" = ?1 AND until_ms > ?2"#),
        args![user, now],
    )?
    .map(|r| claim_from_row(&r).map(|(_, c)| c))
    .transpose()
}
