//! Queries on `webhook_deliveries` and their attempts: the fan-out of an event, each
//! endpoint's line of pending deliveries (by `position`), the record of every attempt and
//! the delivery log.

use crate::schema::{webhook_deliveries, webhook_delivery_attempts, webhook_endpoints};
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Jsonb, Text, Uuid as SqlUuid, Varchar};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::ops::webhooks::{DeliveryAttempt, DeliveryLogEntry, DeliveryStatus, WebhookDelivery};
use domain::pagination::Page;
use std::collections::HashMap;
use uuid::Uuid;

/// An endpoint's next delivery: its place in the line and how often it was tried.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Head {
    pub endpoint_id: Uuid,
    pub position: i64,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct FannedOut {
    #[diesel(sql_type = SqlUuid)]
    endpoint_id: Uuid,
}

/// Adds a pending delivery of the event to every active endpoint that takes one of
/// `patterns`; returns those endpoints. One statement on the endpoints' GIN index.
pub async fn fan_out(
    conn: &mut AsyncPgConnection,
    event_id: i64,
    event_type: &str,
    body: &serde_json::Value,
    patterns: &[String],
) -> Result<Vec<Uuid>, StorageError> {
    let rows: Vec<FannedOut> = diesel::sql_query(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload) \
         SELECT id, $1, $2, $3 FROM webhook_endpoints WHERE active AND event_types && $4 \
         ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING endpoint_id",
    )
    .bind::<BigInt, _>(event_id)
    .bind::<Varchar, _>(event_type)
    .bind::<Jsonb, _>(body)
    .bind::<Array<Text>, _>(patterns)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|row| row.endpoint_id).collect())
}

/// Adds a pending delivery of the event to this endpoint alone (a test ping).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    event_id: i64,
    event_type: &str,
    body: &serde_json::Value,
) -> Result<WebhookDelivery, StorageError> {
    Ok(diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::endpoint_id.eq(endpoint_id),
            webhook_deliveries::event_id.eq(event_id),
            webhook_deliveries::event_type.eq(event_type),
            webhook_deliveries::payload.eq(body),
        ))
        .returning(WebhookDelivery::as_returning())
        .get_result(conn)
        .await?)
}

/// The oldest pending delivery of each of these endpoints.
pub async fn heads(conn: &mut AsyncPgConnection, endpoint_ids: &[Uuid]) -> Result<Vec<Head>, StorageError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq_any(endpoint_ids))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .distinct_on(webhook_deliveries::endpoint_id)
        .order((webhook_deliveries::endpoint_id, webhook_deliveries::position))
        .select((
            webhook_deliveries::endpoint_id,
            webhook_deliveries::position,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
        ))
        .load(conn)
        .await?)
}

/// The endpoint's oldest pending delivery with its place in the line: the only one that
/// may be sent now, so that deliveries arrive in the order of their events.
pub async fn next(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
) -> Result<Option<(WebhookDelivery, i64)>, StorageError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .order(webhook_deliveries::position)
        .select((WebhookDelivery::as_select(), webhook_deliveries::position))
        .first(conn)
        .await
        .optional()?)
}

/// Whether the (active) endpoint has a delivery due now.
pub async fn any_due(conn: &mut AsyncPgConnection, endpoint_id: Uuid) -> Result<bool, StorageError> {
    let due = webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_endpoints::active)
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .filter(webhook_deliveries::next_attempt_at.le(Utc::now()));
    Ok(diesel::select(diesel::dsl::exists(due)).get_result(conn).await?)
}

/// Takes the endpoint's delivery lock until the transaction ends; `false` when another
/// transaction holds it. Only delivery jobs take it, so admins' writes never wait for it.
pub async fn try_lock(conn: &mut AsyncPgConnection, endpoint_id: Uuid) -> Result<bool, StorageError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    let row: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 7)) AS locked")
        .bind::<SqlUuid, _>(endpoint_id)
        .get_result(conn)
        .await?;
    Ok(row.locked)
}

/// One attempt's result, as the delivery records it.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    /// Delivered, pending until this time, or failed for good.
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Delivered,
    RetryAt(DateTime<Utc>),
    Failed,
}

/// Logs the attempt and applies its result to the delivery.
pub async fn record(conn: &mut AsyncPgConnection, delivery_id: i64, attempt: &Attempt) -> Result<(), StorageError> {
    diesel::insert_into(webhook_delivery_attempts::table)
        .values((
            webhook_delivery_attempts::delivery_id.eq(delivery_id),
            webhook_delivery_attempts::attempt.eq(attempt.attempt),
            webhook_delivery_attempts::status_code.eq(attempt.status_code),
            webhook_delivery_attempts::error.eq(&attempt.error),
            webhook_delivery_attempts::duration_ms.eq(attempt.duration_ms),
        ))
        .execute(conn)
        .await?;
    let now = Utc::now();
    let (status, next_attempt_at, delivered_at) = match attempt.outcome {
        Outcome::Delivered => (DeliveryStatus::Delivered, now, Some(now)),
        Outcome::RetryAt(at) => (DeliveryStatus::Pending, at, None),
        Outcome::Failed => (DeliveryStatus::Failed, now, None),
    };
    diesel::update(webhook_deliveries::table.find(delivery_id))
        .set((
            webhook_deliveries::status.eq(status),
            webhook_deliveries::attempts.eq(attempt.attempt),
            webhook_deliveries::last_status_code.eq(attempt.status_code),
            webhook_deliveries::last_error.eq(&attempt.error),
            webhook_deliveries::last_duration_ms.eq(attempt.duration_ms),
            webhook_deliveries::next_attempt_at.eq(next_attempt_at),
            webhook_deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Fails every pending delivery of the endpoint (it was turned off); returns how many.
pub async fn fail_pending(conn: &mut AsyncPgConnection, endpoint_id: Uuid, error: &str) -> Result<usize, StorageError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending)),
    )
    .set((webhook_deliveries::status.eq(DeliveryStatus::Failed), webhook_deliveries::last_error.eq(error)))
    .execute(conn)
    .await?)
}

/// The endpoint's delivery `id`.
pub async fn find(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    id: i64,
) -> Result<Option<WebhookDelivery>, StorageError> {
    Ok(webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select(WebhookDelivery::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Sends a delivered or failed delivery again, with the same event id and body, behind the
/// endpoint's pending ones and with a fresh set of attempts; `None` while it is pending.
pub async fn redeliver(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    id: i64,
) -> Result<Option<WebhookDelivery>, StorageError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(Utc::now()),
        webhook_deliveries::delivered_at.eq(None::<DateTime<Utc>>),
        webhook_deliveries::position.eq(diesel::dsl::sql::<BigInt>("nextval('webhook_deliveries_position_seq')")),
    ))
    .returning(WebhookDelivery::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// One page of the endpoint's deliveries, newest first, each with its attempts; and the total.
pub async fn log(
    conn: &mut AsyncPgConnection,
    endpoint_id: Uuid,
    page: Page,
) -> Result<(Vec<DeliveryLogEntry>, i64), StorageError> {
    let of_endpoint = || webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(endpoint_id));
    let total: i64 = of_endpoint().count().get_result(conn).await?;
    let deliveries: Vec<WebhookDelivery> = of_endpoint()
        .order(webhook_deliveries::id.desc())
        .limit(page.limit)
        .offset(page.offset)
        .select(WebhookDelivery::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = deliveries.iter().map(|delivery| delivery.id).collect();
    let attempts: Vec<DeliveryAttempt> = webhook_delivery_attempts::table
        .filter(webhook_delivery_attempts::delivery_id.eq_any(&ids))
        .order(webhook_delivery_attempts::id)
        .select(DeliveryAttempt::as_select())
        .load(conn)
        .await?;
    let mut by_delivery: HashMap<i64, Vec<DeliveryAttempt>> = HashMap::new();
    for attempt in attempts {
        by_delivery.entry(attempt.delivery_id).or_default().push(attempt);
    }
    let entries = deliveries
        .into_iter()
        .map(|delivery| DeliveryLogEntry {
            attempt_log: by_delivery.remove(&delivery.id).unwrap_or_default(),
            delivery,
        })
        .collect();
    Ok((entries, total))
}

/// Retention: deletes deliveries that ended (delivered or failed) and were created before
/// `cutoff`, with their attempts; returns how many.
pub async fn delete_finished_before(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
) -> Result<usize, StorageError> {
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending))
            .filter(webhook_deliveries::created_at.lt(cutoff)),
    )
    .execute(conn)
    .await?)
}
