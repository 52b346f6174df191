//! Queries on `domain_events`: written by the audit writer with each activity row, read
//! by the event hub (by id, and after an id to catch up) and by the stream's replay.

use crate::schema::domain_events;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::events::{AudienceKind, DomainEvent};
use uuid::Uuid;

/// The channel `pg_notify` announces new event ids on.
pub const CHANNEL: &str = "domain_events";

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = domain_events)]
pub struct NewEvent {
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: String,
    pub actor_id: Option<i32>,
    pub payload: Option<serde_json::Value>,
    pub audience: AudienceKind,
    pub client_id: Option<Uuid>,
    pub user_ids: Vec<i32>,
    pub request_id: Option<String>,
}

/// Stores the event and announces its id; PostgreSQL delivers the notification when the
/// transaction commits, and never for one that rolls back.
pub async fn publish(conn: &mut AsyncPgConnection, event: &NewEvent) -> Result<i64, StorageError> {
    let id: i64 =
        diesel::insert_into(domain_events::table).values(event).returning(domain_events::id).get_result(conn).await?;
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(id.to_string())
        .execute(conn)
        .await?;
    Ok(id)
}

/// The events with these ids, in id order.
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<Vec<DomainEvent>, StorageError> {
    Ok(domain_events::table
        .filter(domain_events::id.eq_any(ids))
        .order(domain_events::id.asc())
        .select(DomainEvent::as_select())
        .load(conn)
        .await?)
}

/// Up to `limit` events after id `after` and not older than `since`, in id order.
pub async fn after(
    conn: &mut AsyncPgConnection,
    after: i64,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DomainEvent>, StorageError> {
    Ok(domain_events::table
        .filter(domain_events::id.gt(after))
        .filter(domain_events::created_at.ge(since))
        .order(domain_events::id.asc())
        .limit(limit)
        .select(DomainEvent::as_select())
        .load(conn)
        .await?)
}

/// The newest event's id, 0 when there is none.
pub async fn latest_id(conn: &mut AsyncPgConnection) -> Result<i64, StorageError> {
    let id: Option<i64> = domain_events::table.select(diesel::dsl::max(domain_events::id)).first(conn).await?;
    Ok(id.unwrap_or(0))
}

/// Retention: deletes the events created before `cutoff`; returns how many.
pub async fn delete_older_than(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>) -> Result<usize, StorageError> {
    Ok(diesel::delete(domain_events::table.filter(domain_events::created_at.lt(cutoff))).execute(conn).await?)
}
