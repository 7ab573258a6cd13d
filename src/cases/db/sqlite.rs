//! The SQLite backend: a file beside the log (WAL, synchronous commits).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

use crate::cases::sql::{DbError, Row, Sql, Value};

/// A SQLite connection (or transaction, which derefs to one) as `Sql`.
pub(super) struct Lite<'a>(pub &'a Connection);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Blob(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

fn value_of(v: ValueRef<'_>) -> Result<Value, DbError> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        // Thresholds and the like are kept as text; a real number here is another program's.
        ValueRef::Real(r) => return Err(DbError::new(format!("unexpected real number {r}"))),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    })
}

impl Sql for Lite<'_> {
    fn exec(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Ok(stmt.execute(rusqlite::params_from_iter(args))? as u64)
    }

    fn rows(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.0.prepare_cached(sql)?;
        let width = stmt.column_count();
        let names = Row::names_of(stmt.column_names());
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let row = (0..width)
                .map(|i| value_of(r.get_ref(i)?))
                .collect::<Result<Vec<_>, DbError>>()?;
            out.push(Row::new(names.clone(), row));
        }
        Ok(out)
    }
}

/// One immediate transaction: it takes the file's write lock at its start, so two writers
/// never both read and then collide on the upgrade. SQLite waits for a lock another process
/// holds, but in WAL mode some waits (another connection checkpointing or closing) end at once
/// with "database is locked": the transaction, rolled back, is tried again for up to 2 s.
pub(super) fn write<T>(
    conn: &mut Connection,
    mut f: impl FnMut(&mut dyn Sql) -> Result<T, DbError>,
) -> Result<T, DbError> {
    when_unlocked(|| attempt(conn, &mut f))
}

/// Runs `f` again, for up to 2 s, while it finds the file locked by another connection.
pub(crate) fn when_unlocked<T>(mut f: impl FnMut() -> Result<T, DbError>) -> Result<T, DbError> {
    const TRIES: u32 = 100;
    let mut tried = 0;
    loop {
        match f() {
            Err(e) if e.busy && tried < TRIES => {
                tried += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

fn attempt<T>(
    conn: &mut Connection,
    f: &mut impl FnMut(&mut dyn Sql) -> Result<T, DbError>,
) -> Result<T, DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&mut Lite(&tx))?;
    tx.commit()?;
    Ok(out)
}
