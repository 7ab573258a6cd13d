//! What a live watch keeps in the workspace: the alerts it raised (each a JSON document with
//! the account, score, reasons and triggering events) and where it had read its source to.
//! Both are written in one transaction, so after a crash the position never runs ahead of
//! the alerts nor behind them: a resumed watch neither loses nor repeats an alert.

use rusqlite::{OptionalExtension, params};

use super::error::CaseError;
use super::workspace::{Workspace, now_ms};

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
        let path = self.path().to_path_buf();
        let sql = |e| CaseError::sql(&path, e);
        let tx = self.conn_mut().transaction().map_err(sql)?;
        let mut ids = Vec::with_capacity(alerts.len());
        for (user, body) in alerts {
            tx.execute(
                "INSERT INTO alerts (source, user, body, ts_ms) VALUES (?1, ?2, ?3, ?4)",
                params![source, user, body, now],
            )
            .map_err(sql)?;
            ids.push(tx.last_insert_rowid());
        }
        tx.execute(
            "INSERT INTO watch_positions (source, position, ts_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT(source) DO UPDATE SET position = excluded.position, ts_ms = excluded.ts_ms",
            params![source, position, now],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(ids)
    }

    /// Where the last watch of `source` had read to, as recorded.
    pub fn watch_position(&self, source: &str) -> Result<Option<String>, CaseError> {
        self.conn()
            .query_row(
                "SELECT position FROM watch_positions WHERE source = ?1",
                params![source],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// The alerts raised on `source` with an id above `after`, oldest first.
    pub fn alerts_after(&self, source: &str, after: i64) -> Result<Vec<StoredAlert>, CaseError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT id, user, body FROM alerts WHERE source = ?1 AND id > ?2 ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![source, after], |r| {
                Ok(StoredAlert {
                    id: r.get(0)?,
                    user: r.get(1)?,
                    body: r.get(2)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
