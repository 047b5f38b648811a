//! The intake store (`--store sqlite:PATH` or `--store postgres://…`): every checked report
//! kept, each submission a new version, never overwritten. A report is one agency's report
//! of one year — `(agency_key(agency), year)` — with versions 1, 2, …; a version holds the
//! SHA-256 of the bytes received, the canonical report JSON, the result JSON as answered,
//! the time it was received and which last year's report it was checked against. A report
//! whose agency or year could not be read is kept too, as a report of its own.
//!
//! Both backends are sqlx pools behind [`Store`]; the SQL is the same text on both (`$1`
//! parameters, `ON CONFLICT`, `RETURNING`), run through [`with_pool!`] — only the schema
//! differs (`migrations/sqlite`, `migrations/postgres`). Migrations are versioned, embedded
//! in the binary and run at open; a database with a migration this binary does not know
//! (a newer nianbao's), or with tables but none of nianbao's migrations (a foreign
//! database), is refused. SQLite: WAL, `synchronous = FULL`, writes in `BEGIN IMMEDIATE`
//! transactions; PostgreSQL: its default durable commit. A write returns once committed.
//!
//! Two writers of the same report (two connections, or two servers on one PostgreSQL)
//! cannot make the same version twice: `(report_id, version)` is the primary key, and a
//! transaction that loses the race is run again.

mod migrations;

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

/// Which string identifies an agency's report: the key of [`nianbao::agency::agency_key`]
/// (某县人民政府 = 某县政府, spaces, punctuation and full-width forms aside), as `check DIR`
/// pairs. A county renamed a district (撤县设区) is a new agency here: the store pairs by
/// key alone, never by guessing a rename. The one place that decides it.
pub fn agency_key(agency: &str) -> String {
    nianbao::agency::agency_key(agency)
}

/// The SHA-256 of the bytes received, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Now, as RFC 3339 UTC with milliseconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// The store: one pool of one backend.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

#[derive(Clone, Debug)]
enum Pool {
    /// Readers, and the one connection that writes: SQLite has one writer at a time, and
    /// writers queued in the pool wait their turn in order, where several connections
    /// would wait in SQLite's busy handler (sleeps of up to 100 ms: a long tail).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// Runs the same code on whichever pool the store has (`$pool` is bound to it).
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            Pool::Sqlite { read: $pool, .. } => $body,
            Pool::Postgres($pool) => $body,
        }
    };
}

/// Why the store failed: the message says what was being done.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

fn failed(doing: &str) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    move |e| StoreError(format!("the store {doing}: {e}"))
}

/// One checked report to keep.
#[derive(Debug, Clone)]
pub struct Submission {
    pub sha256: String,
    /// As the report gives it; the report's key is [`agency_key`] of it.
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
    pub previous: Previous,
    pub report_json: String,
    pub result_json: String,
}

impl Submission {
    /// What is kept of a check: `result_json` is the result as answered (or printed).
    pub fn of(
        sha256: String,
        result: &nianbao::CheckResult,
        result_json: String,
        previous: Previous,
    ) -> Result<Submission, serde_json::Error> {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Ok(Submission {
            sha256,
            agency: result.agency.clone(),
            year: result.year,
            errors: count(result.summary.errors),
            warnings: count(result.summary.warnings),
            infos: count(result.summary.infos),
            previous,
            report_json: serde_json::to_string(&result.report)?,
            result_json,
        })
    }
}

/// Which last year's report a check ran against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    None,
    /// Given by the client (`previous` part, `--previous`).
    Sent,
    /// The stored report of the year before: this version of it.
    Stored(VersionRef),
}

/// A version of a stored report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VersionRef {
    /// The report's id (`/v1/reports/{id}`).
    pub id: i64,
    /// Its version, from 1.
    pub version: i32,
}

/// The latest version of a stored report, as the pairing reads it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub at: VersionRef,
    pub report_json: String,
}

/// A report in a list: its latest version summed up.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: i64,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub versions: i32,
    pub received_at: String,
    pub sha256: String,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
}

/// A report with every version.
#[derive(Debug, Clone)]
pub struct Kept {
    pub id: i64,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub created_at: String,
    pub versions: Vec<KeptVersion>,
}

/// A version as kept: what was submitted, its number and when.
#[derive(Debug, Clone)]
pub struct KeptVersion {
    pub version: i32,
    pub received_at: String,
    /// Its `agency` is the agency as the report writes it.
    pub kept: Submission,
}

/// Which reports a list asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Matched by [`agency_key`].
    pub agency: Option<String>,
    pub year: Option<i32>,
    /// Reports with an id above this one.
    pub after: i64,
    pub limit: u32,
}

const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a write that lost a race for a version number is tried again.
const RETRIES: usize = 8;

impl Store {
    /// Opens the store of `--store` (`sqlite:PATH`, `postgres://…`), creating a SQLite
    /// file that does not exist, and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let pool = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError("--store sqlite:PATH needs a path".into()));
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            let cannot = |e| StoreError(format!("cannot open the SQLite store {path}: {e}"));
            // The writer first: it creates the file and sets WAL.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(20))
                .connect_with(options.clone())
                .await
                .map_err(cannot)?;
            let read = SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.read_only(true))
                .await
                .map_err(cannot)?;
            Pool::Sqlite { read, write }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError(format!("--store: not a PostgreSQL URL: {e}")))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| StoreError(format!("cannot connect to the PostgreSQL store: {e}")))?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError(format!(
                "--store `{url}`: give sqlite:PATH or postgres://USER@HOST/DATABASE"
            )));
        };
        let store = Store { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// The backend, for logs: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite { .. } => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let tables: Vec<String> = with_pool!(self, pool => {
            let sql = match self.pool {
                Pool::Sqlite { .. } => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                Pool::Postgres(_) => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
            };
            sqlx::query_scalar(sql).fetch_all(pool).await
        })
        .map_err(failed("cannot be read"))?;
        let known = migrations::latest();
        if tables.iter().any(|t| t == migrations::TABLE) {
            let applied: Vec<i64> = with_pool!(self, pool => {
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
                    .fetch_all(pool)
                    .await
            })
            .map_err(failed("cannot be read"))?;
            if let Some(newer) = applied.iter().find(|v| **v > known) {
                return Err(StoreError(format!(
                    "the store's schema is version {newer}, made by a newer nianbao; this one \
                     knows versions up to {known} — run the newer nianbao on it"
                )));
            }
        } else if !tables.is_empty() {
            return Err(StoreError(format!(
                "the database is not a nianbao store: it has tables ({}) but none of \
                 nianbao's migrations — give an empty database or a new file",
                tables.join(", ")
            )));
        }
        let migrator = match self.pool {
            Pool::Sqlite { .. } => migrations::migrator(migrations::Backend::Sqlite).await,
            Pool::Postgres(_) => migrations::migrator(migrations::Backend::Postgres).await,
        }?;
        let migrated = match &self.pool {
            Pool::Sqlite { write, .. } => migrator.run(write).await,
            Pool::Postgres(pool) => migrator.run(pool).await,
        };
        migrated.map_err(|e| {
            StoreError(format!(
                "the store's schema is not one this nianbao knows, or cannot be migrated: {e}"
            ))
        })
    }

    /// The latest version of the stored report of `agency_key` and `year`.
    pub async fn latest(&self, agency_key: &str, year: i32) -> Result<Option<Stored>, StoreError> {
        let row = with_pool!(self, pool => {
            sqlx::query(
                "SELECT v.report_id, v.version, v.report FROM versions v \
                 JOIN reports r ON r.id = v.report_id \
                 WHERE r.agency = $1 AND r.year = $2 ORDER BY v.version DESC LIMIT 1",
            )
            .bind(agency_key)
            .bind(year)
            .fetch_optional(pool)
            .await
            .and_then(|row| row.map(|row| -> Result<Stored, sqlx::Error> {
                Ok(Stored {
                    at: VersionRef { id: row.try_get(0)?, version: row.try_get(1)? },
                    report_json: row.try_get(2)?,
                })
            }).transpose())
        });
        row.map_err(failed("cannot be read"))
    }

    /// The stored report of the year before `report`'s, of its agency (latest version),
    /// read back as `--previous` reads a file: what a report sent without last year's is
    /// checked against. None when the report has no agency or year, or nothing is stored.
    /// One that does not read back (there must be none) is logged and not used.
    pub async fn previous_of(
        &self,
        report: &nianbao::Report,
    ) -> Result<Option<(nianbao::Report, VersionRef)>, StoreError> {
        let key = report
            .agency
            .as_deref()
            .map(agency_key)
            .filter(|k| !k.is_empty());
        let (Some(key), Some(last_year)) = (key, report.year.and_then(|y| y.checked_sub(1))) else {
            return Ok(None);
        };
        let Some(stored) = self.latest(&key, last_year).await? else {
            return Ok(None);
        };
        match nianbao::normalize(stored.report_json.as_bytes()) {
            Ok(report) => Ok(Some((report, stored.at))),
            Err(e) => {
                tracing::error!(report_id = stored.at.id, version = stored.at.version, error = %e,
                    "BUG: a stored report does not read back; checked without it");
                Ok(None)
            }
        }
    }

    /// Keeps a checked report as a new version of its report; returns once committed.
    pub async fn keep(&self, s: &Submission) -> Result<VersionRef, StoreError> {
        let key = s
            .agency
            .as_deref()
            .map(agency_key)
            .filter(|k| !k.is_empty());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let kept = match &self.pool {
                Pool::Sqlite { write, .. } => match write.begin_with("BEGIN IMMEDIATE").await {
                    Ok(mut tx) => keep_in!(tx, s, key.as_deref(), "").await,
                    Err(e) => Err(e),
                },
                Pool::Postgres(pool) => match pool.begin().await {
                    // The report's row locked: its versions are made one at a time.
                    Ok(mut tx) => keep_in!(tx, s, key.as_deref(), " FOR UPDATE").await,
                    Err(e) => Err(e),
                },
            };
            match kept {
                Ok(at) => return Ok(at),
                Err(e) if attempt < RETRIES && lost_a_race(&e) => {
                    tracing::debug!(attempt, error = %e, "store write lost a race; again");
                }
                Err(e) => return Err(failed("could not keep the report")(e)),
            }
        }
    }

    /// The reports of `filter`, by id, at most `limit` of them, and whether there are more.
    pub async fn list(&self, filter: &Filter) -> Result<(Vec<Listed>, bool), StoreError> {
        let key = filter.agency.as_deref().map(agency_key);
        let limit = i64::from(filter.limit.clamp(1, 1000));
        let rows = with_pool!(self, pool => {
            sqlx::query(
                "SELECT r.id, r.agency, r.year, v.version, v.received_at, v.sha256, \
                 v.errors, v.warnings, v.infos FROM reports r \
                 JOIN versions v ON v.report_id = r.id \
                 AND v.version = (SELECT MAX(w.version) FROM versions w WHERE w.report_id = r.id) \
                 WHERE ($1 IS NULL OR r.agency = $1) AND ($2 IS NULL OR r.year = $2) AND r.id > $3 \
                 ORDER BY r.id LIMIT $4",
            )
            .bind(key.as_deref())
            .bind(filter.year)
            .bind(filter.after)
            .bind(limit + 1)
            .fetch_all(pool)
            .await
            .and_then(|rows| rows.iter().map(|row| -> Result<Listed, sqlx::Error> {
                Ok(Listed {
                    id: row.try_get(0)?,
                    agency: row.try_get(1)?,
                    year: row.try_get(2)?,
                    versions: row.try_get(3)?,
                    received_at: row.try_get(4)?,
                    sha256: row.try_get(5)?,
                    errors: row.try_get(6)?,
                    warnings: row.try_get(7)?,
                    infos: row.try_get(8)?,
                })
            }).collect::<Result<Vec<_>, _>>())
        });
        let mut rows = rows.map_err(failed("cannot be read"))?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        Ok((rows, more))
    }

    /// A report with all its versions, oldest first.
    pub async fn get(&self, id: i64) -> Result<Option<Kept>, StoreError> {
        let kept = with_pool!(self, pool => get_in!(pool, id).await);
        kept.map_err(failed("cannot be read"))
    }
}

/// A unique violation (two writers took the same version) or, on SQLite, a busy database:
/// the transaction is run again.
fn lost_a_race(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.is_unique_violation()
                || matches!(d.code().as_deref(), Some("5" | "517" | "40001" | "40P01"))
        }
        _ => false,
    }
}

/// The body of [`Store::keep`] in its transaction `$tx`, the same text for both backends
/// (a macro rather than a function generic over the backend: sqlx's bounds for that would
/// outgrow the body).
macro_rules! keep_in {
    ($tx:ident, $s:expr, $key:expr, $lock:literal) => {
        async {
            let s: &Submission = $s;
            let key: Option<&str> = $key;
            let now = now_rfc3339();
            let id: i64 = match (key, s.year) {
                (Some(key), Some(year)) => {
                    sqlx::query(
                        "INSERT INTO reports (agency, year, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (agency, year) DO NOTHING",
                    )
                    .bind(key)
                    .bind(year)
                    .bind(now.as_str())
                    .execute(&mut *$tx)
                    .await?;
                    sqlx::query(concat!(
                        "SELECT id FROM reports WHERE agency = $1 AND year = $2",
                        $lock
                    ))
                        .bind(key)
                        .bind(year)
                        .fetch_one(&mut *$tx)
                        .await?
                        .try_get(0)?
                }
                // Not known whose or of which year: a report of its own.
                _ => sqlx::query(
                    "INSERT INTO reports (agency, year, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(key)
                .bind(s.year)
                .bind(now.as_str())
                .fetch_one(&mut *$tx)
                .await?
                .try_get(0)?,
            };
            let version: i32 = sqlx::query(
                "SELECT CAST(COALESCE(MAX(version), 0) + 1 AS INTEGER) FROM versions \
                 WHERE report_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *$tx)
            .await?
            .try_get(0)?;
            let (source, prev_id, prev_version) = match s.previous {
                Previous::None => (None, None, None),
                Previous::Sent => (Some("sent"), None, None),
                Previous::Stored(at) => (Some("stored"), Some(at.id), Some(at.version)),
            };
            sqlx::query(
                "INSERT INTO versions (report_id, version, received_at, sha256, \
                 agency_as_written, errors, warnings, infos, previous_source, \
                 previous_report_id, previous_version, report, result) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(id)
            .bind(version)
            .bind(now.as_str())
            .bind(s.sha256.as_str())
            .bind(s.agency.as_deref())
            .bind(s.errors)
            .bind(s.warnings)
            .bind(s.infos)
            .bind(source)
            .bind(prev_id)
            .bind(prev_version)
            .bind(s.report_json.as_str())
            .bind(s.result_json.as_str())
            .execute(&mut *$tx)
            .await?;
            $tx.commit().await?;
            Ok::<_, sqlx::Error>(VersionRef { id, version })
        }
    };
}
use keep_in;

/// The body of [`Store::get`] on `$pool`, the same text for both backends.
macro_rules! get_in {
    ($pool:ident, $id:expr) => {
        async {
            let id: i64 = $id;
            let Some(row) =
                sqlx::query("SELECT id, agency, year, created_at FROM reports WHERE id = $1")
                    .bind(id)
                    .fetch_optional($pool)
                    .await?
            else {
                return Ok::<_, sqlx::Error>(None);
            };
            let mut kept = Kept {
                id: row.try_get(0)?,
                agency: row.try_get(1)?,
                year: row.try_get(2)?,
                created_at: row.try_get(3)?,
                versions: Vec::new(),
            };
            let rows = sqlx::query(
                "SELECT version, received_at, sha256, agency_as_written, errors, warnings, \
                 infos, previous_source, previous_report_id, previous_version, report, result \
                 FROM versions WHERE report_id = $1 ORDER BY version",
            )
            .bind(id)
            .fetch_all($pool)
            .await?;
            for row in rows {
                let source: Option<String> = row.try_get(7)?;
                let prev_id: Option<i64> = row.try_get(8)?;
                let prev_version: Option<i32> = row.try_get(9)?;
                let previous = match (source.as_deref(), prev_id, prev_version) {
                    (Some("stored"), Some(id), Some(version)) => {
                        Previous::Stored(VersionRef { id, version })
                    }
                    (Some(_), _, _) => Previous::Sent,
                    (None, _, _) => Previous::None,
                };
                let kept_version = Submission {
                    sha256: row.try_get(2)?,
                    agency: row.try_get(3)?,
                    year: kept.year,
                    errors: row.try_get(4)?,
                    warnings: row.try_get(5)?,
                    infos: row.try_get(6)?,
                    previous,
                    report_json: row.try_get(10)?,
                    result_json: row.try_get(11)?,
                };
                kept.versions.push(KeptVersion {
                    version: row.try_get(0)?,
                    received_at: row.try_get(1)?,
                    kept: kept_version,
                });
            }
            Ok(Some(kept))
        }
    };
}
use get_in;
