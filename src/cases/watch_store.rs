//! What a live watch keeps in the workspace: the alerts it raised (each a JSON document with
//! the account, score, reasons and triggering events) and where it had read its source to.
//! Both are written in one transaction, so after a crash the position never runs ahead of
//! the alerts nor behind them: a resumed watch neither loses nor repeats an alert.

use super::clock::now_ms;
use super::error::CaseError;
use super::sql::args;
use super::workspace::Workspace;

/// One stored alert.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredAlert {
    pub id: i64,
    pub user: String,
    /// The alert as JSON (what `vigil watch` prints).
    pub body: String,
}

impl Workspace {
    /// Stores `alerts` (user, JSON body) raised while reading `source` up to `position`, and
    /// the position, in one transaction; returns the alerts' ids in order.
    pub fn record_watch(
        &mut self,
        source: &str,
        alerts: &[(String, String)],
        position: &str,
    ) -> Result<Vec<i64>, CaseError> {
        let now = now_ms();
        self.write(|s| {
            let mut ids = Vec::with_capacity(alerts.len());
            for (user, body) in alerts {
                let row = s.row(
                    r#"INSERT INTO alerts (source, "user", body, ts_ms) VALUES (?1, ?2, ?3, ?4) RETURNING id"#,
                    args![source, user, body, now],
                )?;
                ids.push(row.map(|r| r.int("id")).transpose()?.unwrap_or_default());
            }
            s.exec(
                "INSERT INTO watch_positions (source, position, ts_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT(source) DO UPDATE SET position = excluded.position, ts_ms = excluded.ts_ms",
                args![source, position, now],
            )?;
            Ok(ids)
        })
    }

    /// Where the last watch of `source` had read to, as recorded.
    pub fn watch_position(&self, source: &str) -> Result<Option<String>, CaseError> {
        self.read(|s| {
            s.row(
                "SELECT position FROM watch_positions WHERE source = ?1",
                args![source],
            )?
            .map(|r| r.text("position"))
            .transpose()
        })
    }

    /// The alerts raised on `source` with an id above `after`, oldest first.
    pub fn alerts_after(&self, source: &str, after: i64) -> Result<Vec<StoredAlert>, CaseError> {
        self.read(|s| {
            s.rows(
                r#"SELECT id, "user", body FROM alerts WHERE source = ?1 AND id > ?2 ORDER BY id"#,
                args![source, after],
            )?
            .iter()
            .map(|r| {
                Ok(StoredAlert {
                    id: r.int("id")?,
                    user: r.text("user")?,
                    body: r.text("body")?,
                })
            })
            .collect()
        })
    }
}
