//! A bell that rings when another window writes to a team's workspace (PostgreSQL's
//! LISTEN/NOTIFY), so a window takes in others' work at once instead of asking every moment.
//! A file has no bell: its windows look every 0.7 s.

use super::db::{Listener, listen_postgres};
use super::error::CaseError;
use super::location::WorkspaceAt;
use super::workspace::{Workspace, os_user};

/// Rings (calls what it was given, from its own thread) at every write; silent once dropped.
pub struct ChangeBell {
    _listener: Listener,
}

impl Workspace {
    /// A bell for this workspace's writes, where its backend has one.
    pub fn bell(&self, ring: Box<dyn Fn() + Send>) -> Result<Option<ChangeBell>, CaseError> {
        match self.location() {
            WorkspaceAt::File(_) => Ok(None),
            WorkspaceAt::Postgres(url) => listen_postgres(url, &os_user(), ring)
                .map(|listener| {
                    Some(ChangeBell {
                        _listener: listener,
                    })
                })
                .map_err(|e| CaseError::db(self.location(), e)),
        }
    }
}
