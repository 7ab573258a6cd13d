//! What the workspace says to its database and hears back, the same for either engine:
//! values, rows, errors, and `Sql`, which runs a statement on a connection or a transaction.

use std::sync::Arc;

/// A value going to or coming from the database.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Parameters for a statement, each converted to a `Value`.
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::cases::sql::Value::from($v)),*][..] };
}
pub(super) use args;

/// What went wrong in the database, in words (the workspace adds where).
#[derive(Debug)]
pub(super) struct DbError {
    pub detail: String,
    /// The server could not be reached (refused, dropped, timed out): what was being written
    /// may be kept for later, unlike a statement the database refused.
    pub offline: bool,
    /// Another connection to the file held the lock it needed: trying again will do.
    pub busy: bool,
}

impl DbError {
    pub fn new(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            offline: false,
            busy: false,
        }
    }

    pub fn offline(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            offline: true,
            busy: false,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
            _ => None,
        };
        let detail = match code {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                "is not a Vigil workspace (not a SQLite database)".to_string()
            }
            _ => e.to_string(),
        };
        DbError {
            busy: matches!(
                code,
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            ..DbError::new(detail)
        }
    }
}

/// One row of a result, read by column name with the type the caller expects: reordering a
/// `SELECT` list cannot change what a read means. A selected expression is named with `AS`.
#[derive(Debug)]
pub(super) struct Row {
    /// The result's column names, lower case (shared by its rows).
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub fn new(names: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { names, values }
    }

    /// The result's column names, lower case, as the backends name them.
    pub fn names_of<'a>(names: impl Iterator<Item = &'a str>) -> Arc<[String]> {
        names.map(str::to_lowercase).collect()
    }

    /// Every value, in the `SELECT` list's order (a copy moves a row whole).
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    fn at(&self, column: &str) -> Result<&Value, DbError> {
        self.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(column))
            .and_then(|i| self.values.get(i))
            .ok_or_else(|| {
                DbError::new(format!(
                    "a row has no column `{column}` (it has {})",
                    self.names.join(", ")
                ))
            })
    }

    pub fn int(&self, column: &str) -> Result<i64, DbError> {
        self.opt_int(column)?
            .ok_or_else(|| DbError::new(format!("column {column}: expected a number, found NULL")))
    }

    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, DbError> {
        match self.at(column)? {
            Value::Int(v) => Ok(Some(*v)),
            Value::Null => Ok(None),
            other => Err(DbError::new(format!(
                "column {column}: expected a number, found {other:?}"
            ))),
        }
    }

    pub fn text(&self, column: &str) -> Result<String, DbError> {
        self.opt_text(column)?
            .ok_or_else(|| DbError::new(format!("column {column}: expected text, found NULL")))
    }

    pub fn opt_text(&self, column: &str) -> Result<Option<String>, DbError> {
        match self.at(column)? {
            Value::Text(v) => Ok(Some(v.clone())),
            Value::Null => Ok(None),
            other => Err(DbError::new(format!(
                "column {column}: expected text, found {other:?}"
            ))),
        }
    }

    pub fn blob(&self, column: &str) -> Result<Vec<u8>, DbError> {
        match self.at(column)? {
            Value::Blob(v) => Ok(v.clone()),
            other => Err(DbError::new(format!(
                "column {column}: expected bytes, found {other:?}"
            ))),
        }
    }
}

/// `?1, ?2, …, ?n`: the placeholders of a list of `n` values (an `IN (…)`, a row).
pub(super) fn marks(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Running statements: a connection or an open transaction of either backend.
pub(super) trait Sql {
    /// Runs a statement; how many rows it changed.
    fn exec(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError>;
    /// Runs a query; every row.
    fn rows(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError>;

    /// The first row, if any.
    fn row(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.rows(sql, args)?.into_iter().next())
    }
}

/// Which database engine: the schema's few differences (key columns, byte columns) and how
/// its version is kept depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Engine {
    Sqlite,
    Postgres,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_read_by_column_name_whatever_the_select_lists_order() {
        let names = Row::names_of(["ID", "user"].into_iter());
        let row = Row::new(names, vec![Value::Int(7), Value::Text("u1".into())]);
        assert_eq!(row.int("id").unwrap(), 7);
        assert_eq!(row.text("user").unwrap(), "u1");
        let e = row.text("author").unwrap_err().detail;
        assert!(
            e.contains("no column `author`") && e.contains("id, user"),
            "{e}"
        );
        let e = row.int("user").unwrap_err().detail;
        assert!(e.contains("user: expected a number"), "{e}");
    }
}
