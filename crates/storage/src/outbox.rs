//! Queries on `email_outbox`: emails waiting for a sender.

use crate::schema::email_outbox;
use crate::StorageError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = email_outbox)]
pub struct NewEmail {
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub template: String,
}

/// Queues an email; returns its id.
pub async fn enqueue(conn: &mut AsyncPgConnection, email: &NewEmail) -> Result<uuid::Uuid, StorageError> {
    Ok(diesel::insert_into(email_outbox::table).values(email).returning(email_outbox::id).get_result(conn).await?)
}
