//! Migrations from the repository's `migrations/` folder, embedded in the binary.

use crate::StorageError;
use diesel::prelude::*;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Applies pending migrations on a dedicated connection; returns the versions applied.
pub async fn run(database_url: &str) -> Result<Vec<String>, StorageError> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .map_err(|e| StorageError::Migration(format!("cannot connect: {e}")))?;
        let applied = conn.run_pending_migrations(MIGRATIONS).map_err(|e| StorageError::Migration(e.to_string()))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    })
    .await
    .map_err(|e| StorageError::Migration(e.to_string()))?
}

/// Versions embedded in this binary, oldest first.
pub fn embedded_versions() -> Vec<String> {
    let mut versions: Vec<String> = diesel::migration::MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map(|list| list.iter().map(|m| m.name().version().to_string()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
}

diesel::table! {
    __diesel_schema_migrations (version) {
        version -> VarChar,
        run_on -> Timestamp,
    }
}

/// Embedded migrations the database has not applied yet (empty when up to date).
pub async fn missing(conn: &mut AsyncPgConnection) -> Result<Vec<String>, StorageError> {
    let applied: Vec<String> =
        __diesel_schema_migrations::table.select(__diesel_schema_migrations::version).load(conn).await?;
    Ok(embedded_versions().into_iter().filter(|v| !applied.contains(v)).collect())
}
