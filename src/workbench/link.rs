//! The connection to a team's workspace as a story a window tells: reachable, unreachable
//! since when and why, back since when and what the verdicts kept meanwhile became. The window
//! feeds it what it hears (its follower's looks, a write that found the server away, the
//! journal written once it is back); the status bar says its `status`, and a message caused
//! by the outage is dropped once the outage is over.

use crate::cases::Replayed;

/// How long "back" is said after an outage (ms), unless something newer is said first.
pub const BACK_SHOWN_MS: i64 = 60_000;

/// What the window knows of its connection to the workspace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    away: Option<Away>,
    back: Option<Back>,
}

/// The workspace cannot be reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Away {
    /// Since the first failure of this outage (ms).
    pub since_ms: i64,
    /// What the latest failure said.
    pub reason: String,
}

/// The workspace is reachable again after an outage.
#[derive(Clone, Debug, PartialEq)]
pub struct Back {
    pub at_ms: i64,
    /// When the story last changed (ms): it is told for a minute after.
    told_ms: i64,
    /// How long it was away (ms).
    pub away_ms: i64,
    /// Decisions kept on this machine meanwhile and written since.
    pub written: usize,
    /// Kept decisions another analyst overtook meanwhile: not written, asked about.
    pub conflicts: usize,
}

/// What the status bar says of the connection now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LinkStatus<'a> {
    /// Reachable, with nothing to tell.
    Up,
    Away(&'a Away),
    Back(&'a Back),
}

impl Link {
    /// A look or a write found the workspace unreachable at `now_ms`, saying `reason` (empty
    /// when it did not say: a verdict kept on this machine).
    pub fn lost(&mut self, now_ms: i64, reason: &str) {
        let (since_ms, before) = match self.away.take() {
            Some(a) => (a.since_ms, a.reason),
            None => (now_ms, String::new()),
        };
        let reason = match reason.is_empty() {
            true => before,
            false => reason.to_string(),
        };
        self.away = Some(Away { since_ms, reason });
        self.back = None;
    }

    /// A look or a write reached the workspace at `now_ms`; whether this ends an outage.
    pub fn reached(&mut self, now_ms: i64) -> bool {
        let Some(away) = self.away.take() else {
            return false;
        };
        self.back = Some(Back {
            at_ms: now_ms,
            told_ms: now_ms,
            away_ms: now_ms - away.since_ms,
            written: 0,
            conflicts: 0,
        });
        true
    }

    /// The journal's decisions were written (some perhaps came back as conflicts): the
    /// workspace is reachable, and the story of its return says so.
    pub fn replayed(&mut self, now_ms: i64, replayed: &Replayed) {
        self.reached(now_ms);
        let back = self.back.get_or_insert(Back {
            at_ms: now_ms,
            told_ms: now_ms,
            away_ms: 0,
            written: 0,
            conflicts: 0,
        });
        back.told_ms = now_ms;
        back.written += replayed.written;
        back.conflicts += replayed.conflicts.len();
    }

    pub fn is_away(&self) -> bool {
        self.away.is_some()
    }

    /// What to say at `now_ms`: away while it is, back for a minute after.
    pub fn status(&self, now_ms: i64) -> LinkStatus<'_> {
        match (&self.away, &self.back) {
            (Some(away), _) => LinkStatus::Away(away),
            (None, Some(back)) if now_ms - back.told_ms < BACK_SHOWN_MS => LinkStatus::Back(back),
            _ => LinkStatus::Up,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Conflict, ConflictKind, Overtaken, Verdict};

    fn overtaken() -> Overtaken {
        Overtaken {
            theirs: Conflict {
                user: "u1".into(),
                verdict: Some(Verdict::Legit),
                by: "ann".into(),
                at_ms: 5,
                kind: ConflictKind::Decided,
            },
            ours: Verdict::Fraud,
        }
    }

    #[test]
    fn an_outage_is_told_from_its_first_failure_to_a_minute_after_its_end() {
        let mut link = Link::default();
        assert_eq!(link.status(0), LinkStatus::Up);
        assert!(!link.reached(10), "nothing to end");
        link.lost(1_000, "FATAL: terminating connection");
        link.lost(6_000, "cannot connect: refused");
        let LinkStatus::Away(away) = link.status(7_000) else {
            panic!("{:?}", link.status(7_000));
        };
        assert_eq!(
            (away.since_ms, away.reason.as_str()),
            (1_000, "cannot connect: refused")
        );
        assert!(link.reached(31_000));
        let replayed = Replayed {
            written: 2,
            conflicts: vec![overtaken()],
        };
        link.replayed(32_000, &replayed);
        let LinkStatus::Back(back) = link.status(40_000) else {
            panic!("{:?}", link.status(40_000));
        };
        assert_eq!((back.away_ms, back.written, back.conflicts), (30_000, 2, 1));
        assert_eq!(
            link.status(32_000 + BACK_SHOWN_MS),
            LinkStatus::Up,
            "said for a minute"
        );
    }

    #[test]
    fn a_journal_written_without_a_noticed_outage_is_still_told() {
        let mut link = Link::default();
        let replayed = Replayed {
            written: 2,
            conflicts: Vec::new(),
        };
        link.replayed(5_000, &replayed);
        assert!(matches!(link.status(6_000), LinkStatus::Back(b) if b.written == 2));
        link.lost(7_000, "gone again");
        assert!(matches!(link.status(8_000), LinkStatus::Away(_)));
    }
}
