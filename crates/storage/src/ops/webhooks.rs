//! Queries on `webhook_endpoints`: the endpoints admins register, with the signing secret
//! only in [`EndpointRow`], which the delivery job reads.

use crate::crud;
use crate::schema::webhook_endpoints;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::ops::webhooks::WebhookEndpoint;
use domain::pagination::Page;
use std::ops::Deref;
use uuid::Uuid;

/// An endpoint with its secret, for signing deliveries.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(Pg))]
pub struct EndpointRow {
    #[diesel(embed)]
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

impl Deref for EndpointRow {
    type Target = WebhookEndpoint;

    fn deref(&self) -> &WebhookEndpoint {
        &self.endpoint
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpoint {
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub created_by: i32,
}

/// What an update changes; absent fields stay.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub active: Option<bool>,
    pub disabled_reason: Option<Option<String>>,
    pub failing_since: Option<Option<DateTime<Utc>>>,
}

crud::insert!(webhook_endpoints -> WebhookEndpoint, endpoint: &NewEndpoint);
crud::find_by_id!(webhook_endpoints -> WebhookEndpoint);
crud::update_by_id!(webhook_endpoints -> WebhookEndpoint, changes: &EndpointChanges);
crud::delete_by_id!(webhook_endpoints);

/// The endpoint with its secret.
pub async fn find_with_secret(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<EndpointRow>, StorageError> {
    Ok(webhook_endpoints::table.find(id).select(EndpointRow::as_select()).first(conn).await.optional()?)
}

/// One page of endpoints, newest first, and the total.
pub async fn list(conn: &mut AsyncPgConnection, page: Page) -> Result<(Vec<WebhookEndpoint>, i64), StorageError> {
    crud::offset_page!(
        conn,
        page,
        webhook_endpoints::table,
        WebhookEndpoint,
        (webhook_endpoints::created_at.desc(), webhook_endpoints::id.desc())
    )
}

/// Replaces the signing secret.
pub async fn set_secret(conn: &mut AsyncPgConnection, id: Uuid, secret: &str) -> Result<WebhookEndpoint, StorageError> {
    Ok(diesel::update(webhook_endpoints::table.find(id))
        .set((webhook_endpoints::secret.eq(secret), webhook_endpoints::updated_at.eq(Utc::now())))
        .returning(WebhookEndpoint::as_returning())
        .get_result(conn)
        .await?)
}

/// A failed attempt: the endpoint has been failing since its first failure after the last
/// success; returns since when.
pub async fn record_failure(conn: &mut AsyncPgConnection, id: Uuid) -> Result<DateTime<Utc>, StorageError> {
    let since: Option<DateTime<Utc>> = diesel::update(webhook_endpoints::table.find(id))
        .set(webhook_endpoints::failing_since.eq(diesel::dsl::sql("coalesce(failing_since, now())")))
        .returning(webhook_endpoints::failing_since)
        .get_result(conn)
        .await?;
    Ok(since.unwrap_or_else(Utc::now))
}

/// A successful attempt ends the endpoint's failing streak.
pub async fn record_success(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(webhook_endpoints::table.find(id).filter(webhook_endpoints::failing_since.is_not_null()))
        .set(webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .await?;
    Ok(())
}
