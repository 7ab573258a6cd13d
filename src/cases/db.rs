//! The workspace's one way to the database, whichever it is: statements written once (`?1`
//! placeholders, quoted identifiers, SQL both dialects read) and run against SQLite or
//! PostgreSQL with the same values in and the same rows out. Everything above this file is
//! written once for both backends.

mod listen;
mod pgpass;
mod postgres;
mod sqlite;
mod tls;

pub(super) use self::listen::{Listener, listen as listen_postgres};
pub(super) use self::postgres::connect as connect_postgres;
pub(super) use self::sqlite::when_unlocked;
use super::sql::{DbError, Engine, Sql};

/// An open workspace database.
pub(super) enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(Box<self::postgres::Pg>),
}

impl Db {
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Runs `f` in one transaction that holds the workspace's write lock: everything `f`
    /// writes is durable when this returns, or nothing is. Writers take turns (SQLite has one
    /// writer at a time; on PostgreSQL a transaction-scoped advisory lock gives the same), so
    /// read-then-write steps such as claiming the next account never race.
    pub fn write<T>(
        &mut self,
        f: impl FnMut(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        match self {
            Db::Sqlite(conn) => sqlite::write(conn, f),
            Db::Postgres(pg) => pg.write(f),
        }
    }

    /// Gives the database user `member` the right to work in this workspace (PostgreSQL);
    /// whether there was such a user. A file's rights are the file system's.
    pub fn grant_access(&mut self, member: &str) -> Result<bool, DbError> {
        match self {
            Db::Sqlite(_) => Ok(false),
            Db::Postgres(pg) => pg.grant_access(member),
        }
    }

    /// Runs `f` outside any transaction, for reads.
    pub fn read<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        match self {
            Db::Sqlite(conn) => f(&mut sqlite::Lite(conn)),
            Db::Postgres(pg) => pg.read(f),
        }
    }
}
