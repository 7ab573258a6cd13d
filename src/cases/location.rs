//! Where a workspace lives: a SQLite file (the default, one analyst) or a PostgreSQL database
//! (a team), told apart by the location's form: `postgres://` or `postgresql://` is a server.

use std::fmt;
use std::path::{Path, PathBuf};

/// A workspace's location as the user gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkspaceAt {
    File(PathBuf),
    Postgres(PgUrl),
}

impl WorkspaceAt {
    /// Reads a `--workspace` value (or a path): a PostgreSQL URL or a file.
    pub fn of(path: &Path) -> Self {
        match path.to_str().filter(|s| is_postgres_url(s)) {
            Some(url) => WorkspaceAt::Postgres(PgUrl(url.to_string())),
            None => WorkspaceAt::File(path.to_path_buf()),
        }
    }

    pub fn is_team(&self) -> bool {
        matches!(self, WorkspaceAt::Postgres(_))
    }
}

/// Shown in messages: the path, or the URL with its password elided.
impl fmt::Display for WorkspaceAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkspaceAt::File(p) => write!(f, "{}", p.display()),
            WorkspaceAt::Postgres(url) => write!(f, "{url}"),
        }
    }
}

fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// A PostgreSQL URL. It may carry a password (PGPASSWORD or `~/.pgpass` are the better
/// places): `Display` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl PgUrl {
    pub(crate) fn as_secret_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({self})")
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&elide_password(&self.0))
    }
}

/// `postgres://ann:secret@host/db` → `postgres://ann:***@host/db`.
fn elide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_servers_and_passwords_never_show() {
        let at = WorkspaceAt::of(Path::new(
            "postgres://ann:s3cret@db.example:5433/fraud?sslmode=require",
        ));
        assert!(at.is_team());
        let shown = at.to_string();
        assert_eq!(
            shown,
            "postgres://ann:***@db.example:5433/fraud?sslmode=require"
        );
        assert!(!format!("{at:?}").contains("s3cret"));
        let plain = WorkspaceAt::of(Path::new("postgresql://ann@db/fraud"));
        assert_eq!(plain.to_string(), "postgresql://ann@db/fraud");
        assert_eq!(
            WorkspaceAt::of(Path::new("shop.csv.vigil.db")),
            WorkspaceAt::File(PathBuf::from("shop.csv.vigil.db"))
        );
    }
}
