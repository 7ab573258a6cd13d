//! The PostgreSQL backend: a team's shared workspace on a server. The connection takes its
//! password from the URL, PGPASSWORD or `~/.pgpass` (never from a settings file), speaks TLS
//! through rustls when the server offers it (`sslmode=require` insists; `verify-full` also
//! checks the certificate against the web's roots), and comes back by itself after the
//! server or the network did: a broken connection is opened again at the next statement.

use std::collections::HashMap;
use std::error::Error;
use std::str::FromStr;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use postgres::config::SslMode;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::pgpass::password_for;
use super::tls::tls_config;
use crate::cases::location::PgUrl;
use crate::cases::sql::{DbError, Row, Sql, Value};

/// How long a connection attempt may take before the workspace says the server is away.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// After a failed reconnection, how long statements fail at once before the next try.
const RETRY_AFTER: Duration = Duration::from_secs(3);
/// After this long unused, a connection is asked whether it still stands before a statement
/// goes over it: one the server dropped meanwhile (a restart) would fail that statement.
const IDLE_CHECK: Duration = Duration::from_secs(2);

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(v) => v.as_str().to_sql(ty, out),
            Value::Blob(v) => v.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            _ if <String as FromSql>::accepts(ty) => Value::Text(String::from_sql(ty, raw)?),
            _ => return Err(format!("unexpected column type {ty}").into()),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        // The server's own words (`password authentication failed for user "ann"`) say more
        // than the client's summary (`db error`).
        match e.as_db_error() {
            // Connection exceptions (08) and operator intervention (57: a shutdown, a
            // restart) mean the server is away, not that it refused the statement.
            Some(db) if ["08", "57"].iter().any(|c| db.code().code().starts_with(c)) => {
                DbError::offline(format!("{}: {}", db.severity(), db.message()))
            }
            Some(db) => DbError::new(format!("{}: {}", db.severity(), db.message())),
            None if e.is_closed() => DbError::offline(format!("the connection was lost: {e}")),
            None => DbError::new(with_causes(&e)),
        }
    }
}

/// The error and what caused it (`error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer`): the client's own words stop at the first.
fn with_causes(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Statements are written with SQLite's `?1`; PostgreSQL numbers its parameters `$1`. Text
/// between single quotes (a literal, `''` its escaped quote) or double quotes (an identifier)
/// is copied as it is: a `?1` there is not a parameter.
fn dollar_params(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quoted {
            // A doubled quote inside quotes is the quote itself: it closes and reopens.
            Some(q) if c == q => quoted = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quoted = Some(c),
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

/// An open connection to a team workspace.
pub(crate) struct Pg {
    config: Config,
    verify_certificates: bool,
    schema: String,
    client: Client,
    statements: HashMap<String, Statement>,
    /// The advisory lock that makes writers take turns, one per schema.
    write_lock: i64,
    /// The channel every write of this schema is announced on (LISTEN/NOTIFY).
    channel: String,
    /// Who the server says we are.
    pub user: String,
    /// When reconnecting last failed, and why.
    last_failure: Option<(Instant, String)>,
    /// When a statement last went over the connection.
    last_used: Instant,
}

/// Connects to the workspace at `url` (as `default_user` when the URL names none): its schema (the URL's `schema=`, else `vigil`) is made
/// when missing and is where every table lives.
pub(crate) fn connect(url: &PgUrl, default_user: &str) -> Result<Pg, DbError> {
    let parsed = ParsedUrl::of(url.as_secret_str())?;
    let mut config =
        Config::from_str(&parsed.rest).map_err(|e| DbError::new(format!("the URL: {e}")))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    // A server gone quiet (a cable pulled, not a refusal) fails a statement within seconds
    // rather than at TCP's own timeout, minutes later.
    config.tcp_user_timeout(CONNECT_TIMEOUT);
    if config.get_user().is_none() {
        config.user(default_user);
    }
    if config.get_password().is_none()
        && let Some(password) = password_for(&config)
    {
        config.password(password);
    }
    if parsed.verify_certificates {
        config.ssl_mode(SslMode::Require);
    }
    let client = open_client(&config, parsed.verify_certificates)?;
    let write_lock = xxhash_rust::xxh3::xxh3_64(parsed.schema.as_bytes()) as i64;
    let mut pg = Pg {
        config,
        verify_certificates: parsed.verify_certificates,
        write_lock,
        channel: format!("vigil_{:016x}", write_lock as u64),
        schema: parsed.schema,
        client,
        statements: HashMap::new(),
        user: String::new(),
        last_failure: None,
        last_used: Instant::now(),
    };
    pg.enter_schema()?;
    pg.user = pg
        .read(|s| s.row("SELECT current_user::text AS name", &[]))?
        .map(|r| r.text("name"))
        .transpose()?
        .unwrap_or_default();
    Ok(pg)
}

fn open_client(config: &Config, verify: bool) -> Result<Client, DbError> {
    config
        .connect(MakeRustlsConnect::new(tls_config(verify)))
        .map_err(|e| DbError::offline(format!("cannot connect: {}", DbError::from(e).detail)))
}

impl Pg {
    /// Makes the schema when it is missing (only then: an analyst may not create schemas)
    /// and works in it. The name was checked to be letters, digits and _.
    fn enter_schema(&mut self) -> Result<(), DbError> {
        let ident = format!("\"{}\"", self.schema);
        let exists = self
            .client
            .query_opt(
                "SELECT 1 FROM pg_namespace WHERE nspname = $1",
                &[&self.schema],
            )?
            .is_some();
        if !exists {
            self.client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {ident}"))?;
        }
        self.client
            .batch_execute(&format!("SET search_path TO {ident}"))?;
        Ok(())
    }

    /// The connection, opened again if the server or the network dropped it. A server that
    /// restarted while the connection was idle is found out here, not by the statement that
    /// follows (which would fail with "terminating connection" though the server is back).
    fn live(&mut self) -> Result<(), DbError> {
        let idle = self.last_used.elapsed() > IDLE_CHECK;
        self.last_used = Instant::now();
        let dead =
            self.client.is_closed() || (idle && self.client.is_valid(CONNECT_TIMEOUT).is_err());
        if !dead {
            return Ok(());
        }
        // While the server is away, a statement fails at once for a few seconds after a
        // failed try rather than wait on the network again: the window stays responsive.
        if let Some((at, why)) = &self.last_failure
            && at.elapsed() < RETRY_AFTER
        {
            return Err(DbError::offline(why.clone()));
        }
        match open_client(&self.config, self.verify_certificates) {
            Ok(client) => {
                self.client = client;
                self.last_failure = None;
                self.statements.clear();
                self.enter_schema()
            }
            Err(e) => {
                self.last_failure = Some((Instant::now(), e.detail.clone()));
                Err(e)
            }
        }
    }

    /// Listens on the workspace's channel from now on (this connection then only listens).
    pub(super) fn listen_here(&mut self) -> Result<(), DbError> {
        // The channel is this file's own hex name, never anyone's data.
        let listen = format!("LISTEN \"{}\"", self.channel);
        Ok(self.client.batch_execute(&listen)?)
    }

    /// Whether a notification came within `tick`; an error once the connection is gone.
    pub(super) fn heard(&mut self, tick: Duration) -> Result<bool, DbError> {
        let heard = self.client.notifications().timeout_iter(tick).next()?;
        match heard.is_none() && self.client.is_closed() {
            true => Err(DbError::offline("the listening connection was lost")),
            false => Ok(heard.is_some()),
        }
    }

    /// Lets the database role `member` (when there is one: an `--author` name has none) read
    /// and write the workspace's tables, which belong to whoever created them.
    pub(super) fn grant_access(&mut self, member: &str) -> Result<bool, DbError> {
        let exists = self.read(|s| {
            s.row(
                "SELECT 1 FROM pg_roles WHERE rolname = ?1",
                &[member.into()],
            )
        })?;
        if exists.is_none() {
            return Ok(false);
        }
        // Identifiers cannot be parameters: quoted, with any quote doubled.
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let (role, schema) = (quote(member), quote(&self.schema));
        self.client.batch_execute(&format!(
            "GRANT USAGE ON SCHEMA {schema} TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};"
        ))?;
        Ok(true)
    }

    pub(super) fn read<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.live()?;
        let Pg {
            client, statements, ..
        } = self;
        f(&mut Statements {
            on: client,
            statements,
        })
    }

    pub(super) fn write<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        self.live()?;
        let lock = self.write_lock;
        let Pg {
            client,
            statements,
            channel,
            ..
        } = self;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock])?;
        let out = f(&mut Statements {
            on: &mut tx,
            statements,
        })?;
        // Delivered at commit, to every window listening on this schema.
        tx.execute("SELECT pg_notify($1, '')", &[&*channel])?;
        tx.commit()?;
        Ok(out)
    }
}

/// A client or a transaction, with the statements already prepared on its connection.
struct Statements<'a, C> {
    on: &'a mut C,
    statements: &'a mut HashMap<String, Statement>,
}

impl<C: postgres::GenericClient> Statements<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.on.prepare(&dollar_params(sql))?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

fn refs(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

impl<C: postgres::GenericClient> Sql for Statements<'_, C> {
    fn exec(&mut self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        Ok(self.on.execute(&stmt, &refs(args))?)
    }

    fn rows(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let rows = self.on.query(&stmt, &refs(args))?;
        let names = Row::names_of(stmt.columns().iter().map(|c| c.name()));
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<_, Value>(i))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|values| Row::new(names.clone(), values))
                    .map_err(DbError::from)
            })
            .collect()
    }
}

/// The URL with vigil's own options taken out (the client would refuse them).
struct ParsedUrl {
    rest: String,
    schema: String,
    verify_certificates: bool,
}

impl ParsedUrl {
    fn of(url: &str) -> Result<Self, DbError> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut schema = "vigil".to_string();
        let mut verify_certificates = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("schema", s)) => schema = s.to_string(),
                Some(("sslmode", "verify-full" | "verify-ca")) => verify_certificates = true,
                _ => kept.push(pair),
            }
        }
        let valid = !schema.is_empty()
            && schema.len() <= 63
            && schema.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(DbError::new(format!(
                "the URL's schema `{schema}`: expected letters, digits and _ (at most 63)"
            )));
        }
        let rest = match kept.is_empty() {
            true => base.to_string(),
            false => format!("{base}?{}", kept.join("&")),
        };
        Ok(Self {
            rest,
            schema,
            verify_certificates,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_options() {
        assert_eq!(dollar_params("a = ?1 AND b = ?12"), "a = $1 AND b = $12");
        // Quoted text is not a parameter, whatever it holds.
        assert_eq!(
            dollar_params("SELECT '?1', \"who?2\", 'it''s ?3' WHERE x = ?4 AND y = '?'"),
            "SELECT '?1', \"who?2\", 'it''s ?3' WHERE x = $4 AND y = '?'"
        );
        let p = ParsedUrl::of("postgres://ann@h/db?schema=team_a&sslmode=require").unwrap();
        assert_eq!(
            (p.rest.as_str(), p.schema.as_str()),
            ("postgres://ann@h/db?sslmode=require", "team_a")
        );
        assert!(
            ParsedUrl::of("postgres://h/db?sslmode=verify-full")
                .unwrap()
                .verify_certificates
        );
        assert!(ParsedUrl::of("postgres://h/db?schema=a;drop").is_err());
    }
}
