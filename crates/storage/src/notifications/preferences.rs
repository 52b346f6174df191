//! Queries on `notification_preferences`: a user's switches per kind and channel; no row
//! means all on.

use crate::schema::notification_preferences as prefs;
use crate::StorageError;
use chrono::Utc;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::notifications::{NotificationKind, NotificationPreference};

/// The user's stored switches (kinds never changed are absent).
pub async fn of_user(conn: &mut AsyncPgConnection, user_id: i32) -> Result<Vec<NotificationPreference>, StorageError> {
    Ok(prefs::table.filter(prefs::user_id.eq(user_id)).select(NotificationPreference::as_select()).load(conn).await?)
}

/// The stored switches for `kind` of these users, by user.
pub async fn for_kind(
    conn: &mut AsyncPgConnection,
    kind: NotificationKind,
    user_ids: &[i32],
) -> Result<Vec<(i32, NotificationPreference)>, StorageError> {
    Ok(prefs::table
        .filter(prefs::kind.eq(kind))
        .filter(prefs::user_id.eq_any(user_ids))
        .select((prefs::user_id, NotificationPreference::as_select()))
        .load(conn)
        .await?)
}

#[derive(Insertable)]
#[diesel(table_name = prefs)]
struct Row {
    user_id: i32,
    kind: NotificationKind,
    in_app: bool,
    email: bool,
    push: bool,
}

/// Stores the given kinds' switches (others stay as they are).
pub async fn save(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    changes: &[NotificationPreference],
) -> Result<(), StorageError> {
    let rows: Vec<Row> =
        changes.iter().map(|p| Row { user_id, kind: p.kind, in_app: p.in_app, email: p.email, push: p.push }).collect();
    diesel::insert_into(prefs::table)
        .values(&rows)
        .on_conflict((prefs::user_id, prefs::kind))
        .do_update()
        .set((
            prefs::in_app.eq(excluded(prefs::in_app)),
            prefs::email.eq(excluded(prefs::email)),
            prefs::push.eq(excluded(prefs::push)),
            prefs::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
