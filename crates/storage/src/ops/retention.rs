//! What the hourly cleanup deletes: rows that no longer do anything.

use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::sql_types::Timestamptz;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Rows deleted by one sweep, by table.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Swept {
    pub expired_tokens: usize,
    pub finished_jobs: usize,
    pub old_events: usize,
    pub old_webhook_deliveries: usize,
}

/// Deletes single-use tokens and sessions that expired before `expired_before`,
/// succeeded or cancelled jobs finished before `jobs_before` (dead ones stay for admins),
/// domain events older than `events_before`, and ended webhook deliveries created before
/// `deliveries_before`.
pub async fn sweep(
    conn: &mut AsyncPgConnection,
    expired_before: DateTime<Utc>,
    jobs_before: DateTime<Utc>,
    events_before: DateTime<Utc>,
    deliveries_before: DateTime<Utc>,
) -> Result<Swept, StorageError> {
    let mut swept = Swept::default();
    for table in ["refresh_tokens", "password_reset_tokens", "email_change_requests", "pending_registrations"] {
        swept.expired_tokens += diesel::sql_query(format!("DELETE FROM {table} WHERE expires_at < $1"))
            .bind::<Timestamptz, _>(expired_before)
            .execute(conn)
            .await?;
    }
    swept.finished_jobs = super::jobs::delete_finished_before(conn, jobs_before).await?;
    swept.old_events = crate::events::delete_older_than(conn, events_before).await?;
    swept.old_webhook_deliveries = super::webhook_deliveries::delete_finished_before(conn, deliveries_before).await?;
    Ok(swept)
}
