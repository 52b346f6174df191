//! Queries on `notifications` (a user's in-app list and what the delivery job needs),
//! `notification_preferences` and `push_subscriptions`.

pub mod preferences;
pub mod push;

use crate::crud;
use crate::schema::{notifications, users};
use crate::sql::Narrow;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::identity::permissions::{Access, PermissionOverrides};
use domain::notifications::{Notification, NotificationFilter, NotificationKind, Severity};
use domain::pagination::Page;
use domain::Role;
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub id: Uuid,
    pub user_id: i32,
    pub kind: NotificationKind,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub action_url: Option<String>,
    pub dedupe_key: Option<String>,
    pub in_app: bool,
    pub by_email: bool,
    pub by_push: bool,
}

/// Stores it; `false` when the user already has one with its dedupe key.
pub async fn insert(conn: &mut AsyncPgConnection, row: &NewNotification) -> Result<bool, StorageError> {
    let inserted = diesel::insert_into(notifications::table).values(row).on_conflict_do_nothing().execute(conn).await?;
    Ok(inserted == 1)
}

fn of_user(user_id: i32) -> notifications::BoxedQuery<'static, diesel::pg::Pg> {
    notifications::table.into_boxed().filter(notifications::user_id.eq(user_id)).filter(notifications::in_app)
}

/// One page of the user's in-app notifications, newest first, and the total.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    filter: &NotificationFilter,
    page: Page,
) -> Result<(Vec<Notification>, i64), StorageError> {
    let filtered = || of_user(user_id).narrow(filter.unread.map(|unread| notifications::read_at.is_null().eq(unread)));
    crud::offset_page!(
        conn,
        page,
        filtered(),
        Notification,
        (notifications::created_at.desc(), notifications::id.desc())
    )
}

pub async fn unread_count(conn: &mut AsyncPgConnection, user_id: i32) -> Result<i64, StorageError> {
    Ok(of_user(user_id).filter(notifications::read_at.is_null()).count().get_result(conn).await?)
}

/// Marks the user's notification read (keeping the first reading time).
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    id: Uuid,
) -> Result<Option<Notification>, StorageError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::in_app),
    )
    .set(notifications::read_at.eq(diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>>(
        "coalesce(read_at, now())",
    )))
    .returning(Notification::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// Marks every unread notification of the user read; returns how many.
pub async fn mark_all_read(conn: &mut AsyncPgConnection, user_id: i32) -> Result<usize, StorageError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::in_app)
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .execute(conn)
    .await?)
}

/// Deletes the user's notification; returns it, `None` when it is not theirs.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    id: Uuid,
) -> Result<Option<Notification>, StorageError> {
    Ok(diesel::delete(notifications::table.filter(notifications::id.eq(id)).filter(notifications::user_id.eq(user_id)))
        .returning(Notification::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

/// What the delivery job sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
pub struct Outgoing {
    pub id: Uuid,
    pub user_id: i32,
    pub kind: NotificationKind,
    pub title: String,
    pub message: String,
    pub action_url: Option<String>,
    pub by_email: bool,
    pub by_push: bool,
    pub emailed_at: Option<DateTime<Utc>>,
    pub pushed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn outgoing(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<Outgoing>, StorageError> {
    Ok(notifications::table.find(id).select(Outgoing::as_select()).first(conn).await.optional()?)
}

/// Stamps the e-mail as sent, once: `false` when an earlier run already did (its mail is
/// queued), so the caller queues the mail in the same transaction only on `true`.
pub async fn claim_email(conn: &mut AsyncPgConnection, id: Uuid) -> Result<bool, StorageError> {
    let claimed = diesel::update(notifications::table.find(id).filter(notifications::emailed_at.is_null()))
        .set(notifications::emailed_at.eq(Utc::now()))
        .execute(conn)
        .await?;
    Ok(claimed == 1)
}

pub async fn mark_pushed(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(notifications::table.find(id)).set(notifications::pushed_at.eq(Utc::now())).execute(conn).await?;
    Ok(())
}

/// Retention: deletes the notifications created before `cutoff`; returns how many.
pub async fn delete_older_than(conn: &mut AsyncPgConnection, cutoff: DateTime<Utc>) -> Result<usize, StorageError> {
    Ok(diesel::delete(notifications::table.filter(notifications::created_at.lt(cutoff))).execute(conn).await?)
}

/// An active user who may receive notifications: enough to resolve roles, permissions
/// and mentions, and to address a mail.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Recipient {
    pub id: i32,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub role: Role,
    pub custom_permissions: PermissionOverrides,
}

impl Recipient {
    pub fn access(&self) -> Access {
        Access::new(self.role, self.custom_permissions)
    }
}

/// Every active user (the audience of role- and permission-wide notices; a few hundred
/// rows at most in an agency).
pub async fn active_users(conn: &mut AsyncPgConnection) -> Result<Vec<Recipient>, StorageError> {
    Ok(users::table.filter(users::is_active).select(Recipient::as_select()).order(users::id).load(conn).await?)
}

/// The active users among `ids`.
pub async fn active_users_among(conn: &mut AsyncPgConnection, ids: &[i32]) -> Result<Vec<Recipient>, StorageError> {
    Ok(users::table
        .filter(users::is_active)
        .filter(users::id.eq_any(ids))
        .select(Recipient::as_select())
        .order(users::id)
        .load(conn)
        .await?)
}
