//! Queries on `email_change_requests`: a self-service email change waiting for the new
//! address to confirm it. Single-use, expiring, stored hashed.

use crate::schema::email_change_requests as requests;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Stores a new request and retires the user's earlier unused ones (only the latest
/// link works).
pub async fn replace(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    new_email: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    retire_for_user(conn, user_id).await?;
    diesel::insert_into(requests::table)
        .values((
            requests::user_id.eq(user_id),
            requests::new_email.eq(new_email),
            requests::token_hash.eq(token_hash),
            requests::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the user's unused requests as used.
pub async fn retire_for_user(conn: &mut AsyncPgConnection, user_id: i32) -> Result<usize, StorageError> {
    Ok(diesel::update(requests::table.filter(requests::user_id.eq(user_id)).filter(requests::used_at.is_null()))
        .set(requests::used_at.eq(Utc::now()))
        .execute(conn)
        .await?)
}

/// Marks an unused, unexpired request as used and returns (user id, new email); `None`
/// when the token is unknown, used or expired.
pub async fn consume(conn: &mut AsyncPgConnection, token_hash: &str) -> Result<Option<(i32, String)>, StorageError> {
    let now = Utc::now();
    Ok(diesel::update(
        requests::table
            .filter(requests::token_hash.eq(token_hash))
            .filter(requests::used_at.is_null())
            .filter(requests::expires_at.gt(now)),
    )
    .set(requests::used_at.eq(now))
    .returning((requests::user_id, requests::new_email))
    .get_result(conn)
    .await
    .optional()?)
}
