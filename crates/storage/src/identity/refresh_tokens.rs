//! Queries on `refresh_tokens`: issued, rotated and revoked sign-in sessions.

use crate::schema::refresh_tokens;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(Pg))]
pub struct RefreshTokenRow {
    pub id: Uuid,
    pub user_id: i32,
    pub family_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    family_id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The token with this hash, row-locked so two concurrent refreshes cannot both rotate it.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, StorageError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?)
}

pub async fn mark_rotated(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(refresh_tokens::table.find(id)).set(refresh_tokens::rotated_at.eq(Utc::now())).execute(conn).await?;
    Ok(())
}

pub async fn revoke_family(conn: &mut AsyncPgConnection, family_id: Uuid) -> Result<usize, StorageError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)
    .await?)
}

pub async fn revoke_all_for_user(conn: &mut AsyncPgConnection, user_id: i32) -> Result<usize, StorageError> {
    Ok(diesel::update(
        refresh_tokens::table.filter(refresh_tokens::user_id.eq(user_id)).filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now()))
    .execute(conn)
    .await?)
}
