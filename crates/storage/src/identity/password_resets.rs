//! Queries on `password_reset_tokens`: single-use, expiring, stored hashed.

use crate::schema::password_reset_tokens as tokens;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

/// Stores a new token and retires the user's earlier unused ones.
pub async fn replace(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    retire_for_user(conn, user_id).await?;
    diesel::insert_into(tokens::table)
        .values((tokens::user_id.eq(user_id), tokens::token_hash.eq(token_hash), tokens::expires_at.eq(expires_at)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the user's unused tokens as used (e.g. when the address they went to changes).
pub async fn retire_for_user(conn: &mut AsyncPgConnection, user_id: i32) -> Result<usize, StorageError> {
    Ok(diesel::update(tokens::table.filter(tokens::user_id.eq(user_id)).filter(tokens::used_at.is_null()))
        .set(tokens::used_at.eq(Utc::now()))
        .execute(conn)
        .await?)
}

/// Marks an unused, unexpired token as used and returns its user; `None` when the token
/// is unknown, used or expired.
pub async fn consume(conn: &mut AsyncPgConnection, token_hash: &str) -> Result<Option<i32>, StorageError> {
    let now = Utc::now();
    let row: Option<(Uuid, i32)> = diesel::update(
        tokens::table
            .filter(tokens::token_hash.eq(token_hash))
            .filter(tokens::used_at.is_null())
            .filter(tokens::expires_at.gt(now)),
    )
    .set(tokens::used_at.eq(now))
    .returning((tokens::id, tokens::user_id))
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|(_, user_id)| user_id))
}
