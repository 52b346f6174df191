//! Queries on `push_subscriptions`: the browsers a user receives web pushes in.

use crate::schema::push_subscriptions as subs;
use crate::StorageError;
use chrono::Utc;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subs, check_for_backend(diesel::pg::Pg))]
pub struct Subscription {
    pub id: i64,
    pub user_id: i32,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = subs)]
pub struct NewSubscription {
    pub user_id: i32,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub user_agent: Option<String>,
}

/// Stores the browser's subscription; an endpoint seen before (the same browser, maybe
/// signed in as someone else now) moves to this user with its new keys.
pub async fn upsert(conn: &mut AsyncPgConnection, row: &NewSubscription) -> Result<(), StorageError> {
    diesel::insert_into(subs::table)
        .values(row)
        .on_conflict(subs::endpoint)
        .do_update()
        .set((
            subs::user_id.eq(excluded(subs::user_id)),
            subs::p256dh.eq(excluded(subs::p256dh)),
            subs::auth.eq(excluded(subs::auth)),
            subs::user_agent.eq(excluded(subs::user_agent)),
            subs::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes the user's subscription for `endpoint`; `false` when they have none.
pub async fn remove(conn: &mut AsyncPgConnection, user_id: i32, endpoint: &str) -> Result<bool, StorageError> {
    let removed = diesel::delete(subs::table.filter(subs::user_id.eq(user_id)).filter(subs::endpoint.eq(endpoint)))
        .execute(conn)
        .await?;
    Ok(removed == 1)
}

/// Forgets a subscription the push service says is gone (404/410).
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> Result<(), StorageError> {
    diesel::delete(subs::table.find(id)).execute(conn).await?;
    Ok(())
}

pub async fn of_user(conn: &mut AsyncPgConnection, user_id: i32) -> Result<Vec<Subscription>, StorageError> {
    Ok(subs::table
        .filter(subs::user_id.eq(user_id))
        .select(Subscription::as_select())
        .order(subs::id)
        .load(conn)
        .await?)
}

/// Which of these users have at least one subscription.
pub async fn users_with_subscriptions(
    conn: &mut AsyncPgConnection,
    user_ids: &[i32],
) -> Result<Vec<i32>, StorageError> {
    Ok(subs::table.filter(subs::user_id.eq_any(user_ids)).select(subs::user_id).distinct().load(conn).await?)
}
