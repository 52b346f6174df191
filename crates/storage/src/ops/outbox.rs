//! Queries on `email_outbox`: every mail the product sends, and its delivery state.

use crate::crud;
use crate::schema::email_outbox;
use crate::sql::{lower, Narrow};
use crate::{like_contains, StorageError};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::ops::outbox::{EmailStatus, OutboxEmail, OutboxEmailDetail, OutboxFilter};
use domain::pagination::Page;
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_outbox)]
pub struct NewEmail {
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub template: String,
}

/// Stores a mail as `pending`; returns its id.
pub async fn insert(conn: &mut AsyncPgConnection, email: &NewEmail) -> Result<Uuid, StorageError> {
    Ok(diesel::insert_into(email_outbox::table).values(email).returning(email_outbox::id).get_result(conn).await?)
}

crud::find_by_id!(email_outbox -> OutboxEmailDetail);

/// Gives the mail its `Message-ID` (kept for every later try) and counts a try.
pub async fn start_try(conn: &mut AsyncPgConnection, id: Uuid, message_id: &str) -> Result<(), StorageError> {
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::message_id.eq(message_id),
            email_outbox::attempts.eq(email_outbox::attempts + 1),
            email_outbox::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the mail's status, with the error that caused it (or none).
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: EmailStatus,
    error: Option<&str>,
) -> Result<(), StorageError> {
    let now = Utc::now();
    let sent_at = (status == EmailStatus::Sent).then_some(now);
    diesel::update(email_outbox::table.find(id))
        .set((
            email_outbox::status.eq(status),
            email_outbox::last_error.eq(error),
            email_outbox::sent_at.eq(sent_at),
            email_outbox::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Mails sent to `address` (any case) since `since`.
pub async fn sent_to_since(
    conn: &mut AsyncPgConnection,
    address: &str,
    since: DateTime<Utc>,
) -> Result<i64, StorageError> {
    Ok(email_outbox::table
        .filter(lower(email_outbox::to_address).eq(address.to_lowercase()))
        .filter(email_outbox::status.eq(EmailStatus::Sent))
        .filter(email_outbox::sent_at.ge(since))
        .count()
        .get_result(conn)
        .await?)
}

/// One page of mails, newest first, and the total matching the filter.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &OutboxFilter,
    page: Page,
) -> Result<(Vec<OutboxEmail>, i64), StorageError> {
    let pattern = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(like_contains);
    let filtered = || {
        email_outbox::table
            .into_boxed()
            .narrow(filter.status.map(|status| email_outbox::status.eq(status)))
            .narrow(pattern.clone().map(|pattern| email_outbox::to_address.ilike(pattern)))
    };
    crud::offset_page!(conn, page, filtered(), OutboxEmail, (email_outbox::created_at.desc(), email_outbox::id.desc()))
}
