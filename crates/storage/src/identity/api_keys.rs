//! Queries on `api_keys`.

use crate::crud;
use crate::schema::api_keys;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::identity::api_keys::{ApiKey, ApiKeyScope};
use domain::pagination::Page;
use std::ops::Deref;
use uuid::Uuid;

/// A key as storage reads it: the `ApiKey` the API shows (which it reads as, through
/// `Deref`) and the hash the key is verified against.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys, check_for_backend(Pg))]
pub struct ApiKeyRow {
    #[diesel(embed)]
    pub key: ApiKey,
    /// The SHA-256 hash of the whole key.
    pub key_hash: String,
}

impl Deref for ApiKeyRow {
    type Target = ApiKey;

    fn deref(&self) -> &ApiKey {
        &self.key
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey {
    pub user_id: i32,
    pub name: String,
    pub key_prefix: String,
    pub key_hash: String,
    pub scopes: Vec<ApiKeyScope>,
    pub expires_at: Option<DateTime<Utc>>,
}

crud::insert!(api_keys -> ApiKeyRow, key: &NewApiKey);

crud::find_by_id!(api_keys -> ApiKeyRow);

pub async fn find_by_prefix(conn: &mut AsyncPgConnection, prefix: &str) -> Result<Option<ApiKeyRow>, StorageError> {
    Ok(api_keys::table
        .filter(api_keys::key_prefix.eq(prefix))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// One page of keys, newest first, and the total.
pub async fn list(conn: &mut AsyncPgConnection, page: Page) -> Result<(Vec<ApiKey>, i64), StorageError> {
    crud::offset_page!(conn, page, api_keys::table, ApiKey, (api_keys::created_at.desc(), api_keys::id.desc()))
}

pub async fn revoke(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<ApiKeyRow>, StorageError> {
    Ok(diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(Utc::now()))
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

pub async fn touch_last_used(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(api_keys::table.find(id)).set(api_keys::last_used_at.eq(Utc::now())).execute(conn).await?;
    Ok(())
}
