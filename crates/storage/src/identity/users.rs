//! Queries on `users`.

use crate::crud;
use crate::schema::users;
use crate::sql::{lower, lower_nullable, text_search, Narrow};
use crate::StorageError;
use chrono::Utc;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::identity::users::{DirectoryEntry, DirectoryFilter, User, UserFilter};
use domain::pagination::Page;
use domain::{PermissionOverrides, Role};
use std::ops::Deref;

/// An account as storage reads it: the `User` the API shows (which it reads as, through
/// `Deref`) and the password hash the API never shows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(Pg))]
pub struct UserRow {
    #[diesel(embed)]
    pub user: User,
    /// An argon2id hash.
    pub password: String,
}

impl Deref for UserRow {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub client_id: Option<String>,
    pub creator_id: Option<String>,
    pub custom_permissions: PermissionOverrides,
}

/// A partial update; `None` leaves a column unchanged, `Some(None)` sets it to NULL (the
/// default changes nothing).
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub username: Option<String>,
    pub password: Option<String>,
    pub email: Option<Option<String>>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub role: Option<Role>,
    pub client_id: Option<Option<String>>,
    pub creator_id: Option<Option<String>>,
    pub custom_permissions: Option<PermissionOverrides>,
    pub profile_image_url: Option<Option<String>>,
    pub is_active: Option<bool>,
}

crud::find_by_id!(users -> UserRow, i32);

/// Finds an account by username or email, ignoring case.
pub async fn find_by_login(conn: &mut AsyncPgConnection, login: &str) -> Result<Option<UserRow>, StorageError> {
    let login = login.trim().to_lowercase();
    first(
        conn,
        users::table.filter(lower(users::username).eq(&login).or(lower_nullable(users::email).eq(&login))).into_boxed(),
    )
    .await
}

/// Finds an account by username, ignoring case.
pub async fn find_by_username(conn: &mut AsyncPgConnection, username: &str) -> Result<Option<UserRow>, StorageError> {
    first(conn, users::table.filter(lower(users::username).eq(username.trim().to_lowercase())).into_boxed()).await
}

/// Finds an account by email, ignoring case.
pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> Result<Option<UserRow>, StorageError> {
    first(conn, users::table.filter(lower_nullable(users::email).eq(email.trim().to_lowercase())).into_boxed()).await
}

async fn first(
    conn: &mut AsyncPgConnection,
    query: users::BoxedQuery<'_, Pg>,
) -> Result<Option<UserRow>, StorageError> {
    Ok(query.select(UserRow::as_select()).first(conn).await.optional()?)
}

fn filtered<'a>(filter: &'a UserFilter) -> users::BoxedQuery<'a, Pg> {
    // Same expression as the trigram index in the foundation migration.
    let search = "(username || ' ' || coalesce(email, '') || ' ' || coalesce(first_name, '') || ' ' || \
                  coalesce(last_name, '')) ILIKE ";
    users::table
        .into_boxed()
        .narrow(text_search(search, filter.q.as_deref()))
        .narrow(filter.role.map(|role| users::role.eq(role)))
        .narrow(filter.is_active.map(|active| users::is_active.eq(active)))
}

/// One page of users, newest first, and the total matching the filter.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &UserFilter,
    page: Page,
) -> Result<(Vec<User>, i64), StorageError> {
    crud::offset_page!(conn, page, filtered(filter), User, (users::created_at.desc(), users::id.desc()))
}

/// One page of the staff directory, by name, and the total matching the filter.
pub async fn directory(
    conn: &mut AsyncPgConnection,
    filter: &DirectoryFilter,
    page: Page,
) -> Result<(Vec<DirectoryEntry>, i64), StorageError> {
    // Names only: searching the directory must not probe e-mail addresses.
    let search = "(username || ' ' || coalesce(first_name, '') || ' ' || coalesce(last_name, '')) ILIKE ";
    let filtered = || {
        users::table
            .into_boxed()
            .narrow(text_search(search, filter.q.as_deref()))
            .narrow(filter.role.map(|role| users::role.eq(role)))
            .narrow(filter.is_active.map(|active| users::is_active.eq(active)))
    };
    let by_name =
        (diesel::dsl::sql::<diesel::sql_types::Text>("lower(coalesce(first_name, username))").asc(), users::id.asc());
    crud::offset_page!(conn, page, filtered(), DirectoryEntry, by_name)
}

/// Which of these user ids exist.
pub async fn existing_ids(conn: &mut AsyncPgConnection, ids: &[i32]) -> Result<Vec<i32>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::table.filter(users::id.eq_any(ids)).select(users::id).load(conn).await?)
}

crud::insert!(users -> UserRow, user: &NewUser);

crud::update_by_id!(users -> UserRow, changes: &UserChanges, i32);

pub async fn record_login(conn: &mut AsyncPgConnection, id: i32) -> Result<UserRow, StorageError> {
    Ok(diesel::update(users::table.find(id))
        .set(users::last_login_at.eq(Utc::now()))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Ids of active admins, row-locked so concurrent demotions cannot remove the last one.
pub async fn lock_active_admins(conn: &mut AsyncPgConnection) -> Result<Vec<i32>, StorageError> {
    Ok(users::table
        .filter(users::role.eq(Role::Admin).and(users::is_active.eq(true)))
        .select(users::id)
        .for_update()
        .load(conn)
        .await?)
}

pub async fn any_admin_exists(conn: &mut AsyncPgConnection) -> Result<bool, StorageError> {
    let count: i64 = users::table.filter(users::role.eq(Role::Admin)).count().get_result(conn).await?;
    Ok(count > 0)
}
