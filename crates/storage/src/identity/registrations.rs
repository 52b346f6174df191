//! Queries on `pending_registrations`: public sign-ups waiting for their address to
//! confirm them. Single-use, expiring, the token stored hashed.

use crate::identity::single_use::single_use_tokens;
use crate::schema::pending_registrations as pending;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = pending)]
pub struct NewRegistration {
    pub username: String,
    pub email: String,
    /// An argon2id hash.
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending, check_for_backend(Pg))]
pub struct RegistrationRow {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

pub async fn insert(conn: &mut AsyncPgConnection, registration: &NewRegistration) -> Result<Uuid, StorageError> {
    Ok(diesel::insert_into(pending::table).values(registration).returning(pending::id).get_result(conn).await?)
}

single_use_tokens! {
    table: pending,
    consume returns RegistrationRow::as_returning(), as RegistrationRow,
}
