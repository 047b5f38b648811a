//! The store's migrations: SQL files under `migrations/<backend>/NNNN_name.sql`, embedded
//! in the binary (sqlx's `migrate!` macro needs sqlx's macros, which this crate does not
//! build, so the list is here, through sqlx's public [`MigrationSource`]). A migration is
//! never edited once released: a change of schema is a new file, added to [`SQLITE`] and
//! [`POSTGRES`] with the next version.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use super::StoreError;

/// The table where sqlx records the migrations applied.
pub const TABLE: &str = "_sqlx_migrations";

/// (version, description, SQL) of each migration.
type Listed = (i64, &'static str, &'static str);

const SQLITE: &[Listed] = &[(
    1,
    "intake",
    include_str!("migrations/sqlite/0001_intake.sql"),
)];
const POSTGRES: &[Listed] = &[(
    1,
    "intake",
    include_str!("migrations/postgres/0001_intake.sql"),
)];

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The latest version this binary knows (the same on both backends).
pub fn latest() -> i64 {
    SQLITE
        .iter()
        .chain(POSTGRES)
        .map(|m| m.0)
        .max()
        .unwrap_or(0)
}

#[derive(Debug)]
struct Embedded(&'static [Listed]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

pub async fn migrator(backend: Backend) -> Result<Migrator, StoreError> {
    let listed = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator::new(Embedded(listed))
        .await
        .map_err(|e| StoreError(format!("the store's migrations: {e}")))
}
