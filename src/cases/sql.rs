//! What the workspace says to its database and hears back, the same for either engine:
//! values, rows, errors, and `Sql`, which runs a statement on a connection or a transaction.

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

/// One row of a result, read by column index with the type the caller expects.
#[derive(Debug)]
pub(super) struct Row(pub Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value, DbError> {
        self.0
            .get(i)
            .ok_or_else(|| DbError::new(format!("a row has no column {i}")))
    }

    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        self.opt_int(i)?
            .ok_or_else(|| DbError::new(format!("column {i}: expected a number, found NULL")))
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.at(i)? {
            Value::Int(v) => Ok(Some(*v)),
            Value::Null => Ok(None),
            other => Err(DbError::new(format!(
                "column {i}: expected a number, found {other:?}"
            ))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, DbError> {
        self.opt_text(i)?
            .ok_or_else(|| DbError::new(format!("column {i}: expected text, found NULL")))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.at(i)? {
            Value::Text(v) => Ok(Some(v.clone())),
            Value::Null => Ok(None),
            other => Err(DbError::new(format!(
                "column {i}: expected text, found {other:?}"
            ))),
        }
    }

    pub fn blob(&self, i: usize) -> Result<Vec<u8>, DbError> {
        match self.at(i)? {
            Value::Blob(v) => Ok(v.clone()),
            other => Err(DbError::new(format!(
                "column {i}: expected bytes, found {other:?}"
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
