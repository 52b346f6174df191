//! Queries on `calendar_events` (window reads, visibility, idempotent imports by external
//! id), `calendar_feed_tokens` and `calendar_sync_state`.

use crate::crud;
use crate::schema::{calendar_events, calendar_feed_tokens, calendar_sync_state};
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::json_column::Json;
use domain::work::calendar::{Attendee, CalendarEvent, CalendarProviderName, EventType, Reminder};
use uuid::Uuid;

/// An event with the columns only the server reads.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = calendar_events, check_for_backend(Pg))]
pub struct CalendarEventRow {
    #[diesel(embed)]
    pub event: CalendarEvent,
    /// When the series' last occurrence ends (`None`: a single event or an endless series).
    pub recurrence_ends_at: Option<DateTime<Utc>>,
    /// `local`, or the provider it was imported from.
    pub origin: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = calendar_events)]
pub struct NewCalendarEvent {
    pub title: String,
    pub description: Option<String>,
    pub start: DateTime<Utc>,
    pub end_: DateTime<Utc>,
    pub all_day: bool,
    pub location: Option<String>,
    pub event_type: EventType,
    pub attendees: Json<Vec<Attendee>>,
    pub reminders: Json<Vec<Reminder>>,
    pub meet_link: Option<String>,
    pub is_recurring: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_timezone: String,
    pub recurrence_ends_at: Option<DateTime<Utc>>,
    /// `local`, or the provider it was imported from.
    pub origin: String,
    pub google_event_id: Option<String>,
    pub microsoft_event_id: Option<String>,
    pub created_by: i32,
}

/// A partial update; `None` leaves a column unchanged, `Some(None)` sets it to NULL (the
/// default changes nothing).
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = calendar_events)]
pub struct CalendarEventChanges {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub start: Option<DateTime<Utc>>,
    pub end_: Option<DateTime<Utc>>,
    pub all_day: Option<bool>,
    pub location: Option<Option<String>>,
    pub event_type: Option<EventType>,
    pub attendees: Option<Json<Vec<Attendee>>>,
    pub reminders: Option<Json<Vec<Reminder>>>,
    pub meet_link: Option<Option<String>>,
    pub is_recurring: Option<bool>,
    pub recurrence_rule: Option<Option<String>>,
    pub recurrence_timezone: Option<String>,
    pub recurrence_ends_at: Option<Option<DateTime<Utc>>>,
}

/// Events `user_id` may see (created or attends); every event when `None` (admins).
fn visible_to(user_id: Option<i32>) -> calendar_events::BoxedQuery<'static, Pg> {
    let query = calendar_events::table.into_boxed();
    match user_id {
        None => query,
        Some(user) => query.filter(
            calendar_events::created_by
                .eq(user)
                .or(calendar_events::attendees.contains(serde_json::json!([{ "userId": user }]))),
        ),
    }
}

/// The events `user_id` may see that start before `to` and are not over by `from`,
/// sorted by start: single events (`recurring` false) by their end, recurring series
/// by their last occurrence's (the caller expands those).
pub async fn in_window(
    conn: &mut AsyncPgConnection,
    user_id: Option<i32>,
    recurring: bool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarEvent>, StorageError> {
    let query =
        visible_to(user_id).filter(calendar_events::is_recurring.eq(recurring)).filter(calendar_events::start.lt(to));
    let ends_at = calendar_events::recurrence_ends_at;
    let query = match recurring {
        true => query.filter(ends_at.is_null().or(ends_at.ge(from))),
        false => query.filter(calendar_events::end_.ge(from)),
    };
    Ok(query
        .order((calendar_events::start.asc(), calendar_events::id.asc()))
        .select(CalendarEvent::as_select())
        .load(conn)
        .await?)
}

/// Every event `user_id` may see (the ICS feed), oldest first, at most `limit`.
pub async fn all_visible(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    limit: i64,
) -> Result<Vec<CalendarEvent>, StorageError> {
    Ok(visible_to(Some(user_id))
        .order((calendar_events::start.asc(), calendar_events::id.asc()))
        .limit(limit)
        .select(CalendarEvent::as_select())
        .load(conn)
        .await?)
}

crud::find_by_id!(calendar_events -> CalendarEventRow);

crud::insert!(calendar_events -> CalendarEvent, event: &NewCalendarEvent);

crud::update_by_id!(calendar_events -> CalendarEvent, changes: &CalendarEventChanges);

crud::delete_by_id!(calendar_events);

/// The ICS feed token's owner, by the token's hash.
pub async fn feed_token_owner(conn: &mut AsyncPgConnection, token_hash: &str) -> Result<Option<i32>, StorageError> {
    Ok(calendar_feed_tokens::table
        .filter(calendar_feed_tokens::token_hash.eq(token_hash))
        .select(calendar_feed_tokens::user_id)
        .first(conn)
        .await
        .optional()?)
}

/// Sets (or replaces) the user's feed token; returns when it was created.
pub async fn set_feed_token(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    token_hash: &str,
) -> Result<DateTime<Utc>, StorageError> {
    let now = Utc::now();
    Ok(diesel::insert_into(calendar_feed_tokens::table)
        .values((
            calendar_feed_tokens::user_id.eq(user_id),
            calendar_feed_tokens::token_hash.eq(token_hash),
            calendar_feed_tokens::created_at.eq(now),
        ))
        .on_conflict(calendar_feed_tokens::user_id)
        .do_update()
        .set((calendar_feed_tokens::token_hash.eq(token_hash), calendar_feed_tokens::created_at.eq(now)))
        .returning(calendar_feed_tokens::created_at)
        .get_result(conn)
        .await?)
}

/// Revokes the user's feed token; `false` when there was none.
pub async fn delete_feed_token(conn: &mut AsyncPgConnection, user_id: i32) -> Result<bool, StorageError> {
    Ok(diesel::delete(calendar_feed_tokens::table.find(user_id)).execute(conn).await? > 0)
}

/// Which provider an external id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum External {
    Google,
    Microsoft,
}

/// The event imported from (or pushed to) a provider under `external_id`.
pub async fn find_external(
    conn: &mut AsyncPgConnection,
    provider: External,
    external_id: &str,
) -> Result<Option<CalendarEventRow>, StorageError> {
    let query = calendar_events::table.select(CalendarEventRow::as_select());
    let found = match provider {
        External::Google => query.filter(calendar_events::google_event_id.eq(external_id)).first(conn).await,
        External::Microsoft => query.filter(calendar_events::microsoft_event_id.eq(external_id)).first(conn).await,
    };
    Ok(found.optional()?)
}

/// Records a provider's id for a local event (after pushing it there).
pub async fn set_external_id(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    provider: External,
    external_id: &str,
) -> Result<(), StorageError> {
    let target = diesel::update(calendar_events::table.find(id));
    match provider {
        External::Google => target.set(calendar_events::google_event_id.eq(external_id)).execute(conn).await?,
        External::Microsoft => target.set(calendar_events::microsoft_event_id.eq(external_id)).execute(conn).await?,
    };
    Ok(())
}

/// Replaces an imported event's fields with the provider's.
pub async fn replace(conn: &mut AsyncPgConnection, id: Uuid, event: &NewCalendarEvent) -> Result<(), StorageError> {
    diesel::update(calendar_events::table.find(id))
        .set((event, calendar_events::updated_at.eq(Utc::now())))
        .execute(conn)
        .await?;
    Ok(())
}
/// The provider's sync token from the last import, if any.
pub async fn sync_token(
    conn: &mut AsyncPgConnection,
    provider: CalendarProviderName,
) -> Result<Option<String>, StorageError> {
    Ok(calendar_sync_state::table
        .find(provider)
        .select(calendar_sync_state::sync_token)
        .first::<Option<String>>(conn)
        .await
        .optional()?
        .flatten())
}

pub async fn set_sync_token(
    conn: &mut AsyncPgConnection,
    provider: CalendarProviderName,
    token: Option<&str>,
) -> Result<(), StorageError> {
    let now = Utc::now();
    diesel::insert_into(calendar_sync_state::table)
        .values((
            calendar_sync_state::provider.eq(provider),
            calendar_sync_state::sync_token.eq(token),
            calendar_sync_state::last_synced_at.eq(now),
        ))
        .on_conflict(calendar_sync_state::provider)
        .do_update()
        .set((calendar_sync_state::sync_token.eq(token), calendar_sync_state::last_synced_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Which of `ids` name no user (attendees must be real users).
pub async fn missing_users(conn: &mut AsyncPgConnection, ids: &[i32]) -> Result<Vec<i32>, StorageError> {
    use crate::schema::users;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<i32> = users::table.filter(users::id.eq_any(ids)).select(users::id).load(conn).await?;
    Ok(ids.iter().copied().filter(|id| !found.contains(id)).collect())
}

/// The email addresses of users (attendees named by user id), where they have one.
pub async fn user_emails(conn: &mut AsyncPgConnection, ids: &[i32]) -> Result<Vec<(i32, String)>, StorageError> {
    use crate::schema::users;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i32, Option<String>)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::email)).load(conn).await?;
    Ok(rows.into_iter().filter_map(|(id, email)| email.map(|email| (id, email))).collect())
}

/// The user's own (`local`) events that have no id at `provider` yet.
pub async fn unpushed(
    conn: &mut AsyncPgConnection,
    user_id: i32,
    provider: External,
    limit: i64,
) -> Result<Vec<CalendarEvent>, StorageError> {
    let query = calendar_events::table
        .filter(calendar_events::created_by.eq(user_id))
        .filter(calendar_events::origin.eq("local"))
        .order((calendar_events::start.asc(), calendar_events::id.asc()))
        .limit(limit)
        .select(CalendarEvent::as_select());
    Ok(match provider {
        External::Google => query.filter(calendar_events::google_event_id.is_null()).load(conn).await?,
        External::Microsoft => query.filter(calendar_events::microsoft_event_id.is_null()).load(conn).await?,
    })
}
