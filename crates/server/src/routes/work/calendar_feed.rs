//! The per-user ICS feed: calendar apps subscribe to `GET /api/calendar/feed/{token}`
//! (no sign-in; the token is the credential) and get the user's events as VEVENTs (RRULE,
//! VALARM per reminder, ATTENDEEs) and their dated tasks as VTODOs. The token is stored
//! only as a SHA-256 hash, like the other opaque tokens; rotating replaces it, deleting
//! revokes it, and an unknown or revoked token is a 404.

use crate::auth::tokens;
use crate::auth::StaffOnly;
use crate::error::{AppError, AppResult};
use crate::http::audit::{Entry, Stale, Subject};
use crate::http::ctx::Ctx;
use crate::http::respond::no_content;
use crate::http::responses::StaffErrors;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{Duration, Utc};
use domain::pagination::Page;
use domain::work::calendar::{CalendarEvent, CalendarFeed, ReminderMethod, ResponseStatus};
use domain::work::tasks::{Task, TaskPriority, TaskSort, TaskStatus};
use domain::Problem;
use icalendar::{
    Alarm, Attendee, Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, PartStat, Todo,
    TodoStatus, Trigger,
};
use std::collections::HashMap;
use std::sync::Arc;
use storage::work::tasks::TaskQuery;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(rotate_feed_token).service(revoke_feed_token).service(feed);
}

/// The most events and tasks one feed carries.
const MAX_FEED_ITEMS: i64 = 2000;

/// Creates the caller's feed token, or replaces it (the old URL stops working), and
/// returns the feed URL. The URL is shown only here: store it in the calendar app.
#[utoipa::path(
    tag = "calendar",
    responses((status = 201, description = "The new feed URL", body = CalendarFeed), StaffErrors)
)]
#[post("/calendar/feed-token")]
async fn rotate_feed_token(ctx: Ctx, auth: StaffOnly) -> AppResult<HttpResponse> {
    let user = auth.principal.id();
    let token = tokens::random_token();
    let hash = tokens::sha256_hex(&token);
    let created_at = ctx
        .transaction(async |conn| {
            let created_at = storage::work::calendar::set_feed_token(conn, user, &hash).await?;
            ctx.audit
                .by(user)
                .record(
                    conn,
                    Entry::new(
                        "calendar_feed.rotate",
                        Subject::bare("user", user).invalidating(Stale::calendar_feeds()),
                        "Created a new calendar feed URL",
                    ),
                )
                .await?;
            Ok(created_at)
        })
        .await?;
    let url = ctx
        .config
        .public_url
        .join(&format!("api/calendar/feed/{token}"))
        .map_err(|e| AppError::internal(anyhow::anyhow!("building the feed URL: {e}")))?;
    Ok(HttpResponse::Created().json(CalendarFeed { url: url.to_string(), created_at }))
}

/// Revokes the caller's feed token: the feed URL answers 404 from now on.
#[utoipa::path(
    tag = "calendar",
    responses(
        (status = 204, description = "Revoked"),
        StaffErrors,
        (status = 404, description = "The caller has no feed token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/calendar/feed-token")]
async fn revoke_feed_token(ctx: Ctx, auth: StaffOnly) -> AppResult<HttpResponse> {
    let user = auth.principal.id();
    ctx.transaction(async |conn| {
        if !storage::work::calendar::delete_feed_token(conn, user).await? {
            return Err(AppError::not_found("A calendar feed token"));
        }
        ctx.audit
            .by(user)
            .record(
                conn,
                Entry::new(
                    "calendar_feed.revoke",
                    Subject::bare("user", user).invalidating(Stale::calendar_feeds()),
                    "Revoked the calendar feed URL",
                ),
            )
            .await
    })
    .await?;
    Ok(no_content())
}

/// The feed: the token owner's events (created or attending) and the tasks assigned to
/// them that have a due date, as an iCalendar (RFC 5545) document.
#[utoipa::path(
    tag = "calendar",
    params(("token" = String, Path, description = "The feed token from POST /api/calendar/feed-token")),
    responses(
        (status = 200, description = "The iCalendar feed", body = String, content_type = "text/calendar"),
        (status = 404, description = "Unknown or revoked token", body = Problem, content_type = "application/problem+json"),
    ),
    security()
)]
#[get("/calendar/feed/{token}")]
async fn feed(ctx: Ctx, token: web::Path<String>) -> AppResult<HttpResponse> {
    let hash = tokens::sha256_hex(&token);
    let body = ctx
        .calendar_feeds
        .get_or_set(&format!("feed:{hash}"), load_feed(&ctx, &hash))
        .await?
        .ok_or_else(|| AppError::not_found("This calendar feed"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(body.as_str().to_owned()))
}

/// The rendered feed of the token with this hash; `None` for an unknown token or an
/// owner who may no longer have a calendar.
async fn load_feed(state: &AppState, token_hash: &str) -> AppResult<Option<Arc<String>>> {
    let mut conn = state.conn().await?;
    let Some(owner) = storage::work::calendar::feed_token_owner(&mut conn, token_hash).await? else { return Ok(None) };
    let Some(user) = storage::identity::users::find(&mut conn, owner).await? else { return Ok(None) };
    // A deactivated account, or one moved to a client-portal role, no longer has a calendar.
    if !user.is_active || !domain::work::calendar::may_use_calendar(user.role) {
        return Ok(None);
    }
    let events = storage::work::calendar::all_visible(&mut conn, owner, MAX_FEED_ITEMS).await?;
    let query = TaskQuery { assigned_to_id: Some(owner), dated: true, sort: TaskSort::DueDate, ..Default::default() };
    let (tasks, _) = storage::work::tasks::list(&mut conn, &query, Page { limit: MAX_FEED_ITEMS, offset: 0 }).await?;
    let mut user_ids: Vec<i32> = events.iter().flat_map(|e| &e.attendees).filter_map(|a| a.user_id).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let emails: HashMap<i32, String> =
        storage::work::calendar::user_emails(&mut conn, &user_ids).await?.into_iter().collect();
    Ok(Some(Arc::new(render(&events, &tasks, &emails).to_string())))
}

fn partstat(status: ResponseStatus) -> PartStat {
    match status {
        ResponseStatus::NeedsAction => PartStat::NeedsAction,
        ResponseStatus::Accepted => PartStat::Accepted,
        ResponseStatus::Declined => PartStat::Declined,
        ResponseStatus::Tentative => PartStat::Tentative,
    }
}

/// Recurring events start in their own zone (`DTSTART;TZID=…`), so calendar apps repeat
/// them at the same local time across DST changes, as the API does; all-day events are
/// dates; everything else is UTC.
fn when(event: &CalendarEvent, at: chrono::DateTime<Utc>) -> DatePerhapsTime {
    let zone = domain::work::recurrence::parse_timezone(&event.recurrence_timezone).ok();
    match zone {
        Some(tz) if event.all_day => DatePerhapsTime::Date(at.with_timezone(&tz).date_naive()),
        Some(tz) if event.is_recurring => DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
            date_time: at.with_timezone(&tz).naive_local(),
            tzid: event.recurrence_timezone.clone(),
        }),
        _ => DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)),
    }
}

fn vevent(event: &CalendarEvent, emails: &HashMap<i32, String>) -> Event {
    let mut vevent = Event::new();
    vevent
        .uid(&format!("{}@marketingos", event.id))
        .timestamp(event.updated_at)
        .last_modified(event.updated_at)
        .created(event.created_at)
        .summary(&event.title)
        .starts(when(event, event.start))
        .ends(when(event, event.end))
        .categories([event.event_type.as_str().to_ascii_uppercase()]);
    if let Some(description) = &event.description {
        vevent.description(description);
    }
    if let Some(location) = &event.location {
        vevent.location(location);
    }
    if let Some(link) = &event.meet_link {
        vevent.url(link);
    }
    if let (true, Some(rule)) = (event.is_recurring, event.recurrence_rule.as_deref()) {
        let rule = rule.trim();
        vevent.add_property("RRULE", rule.strip_prefix("RRULE:").unwrap_or(rule));
    }
    for attendee in &event.attendees {
        let email = attendee.email.clone().or_else(|| attendee.user_id.and_then(|id| emails.get(&id).cloned()));
        if let Some(email) = email {
            vevent.attendee(Attendee::new(format!("mailto:{email}")).partstat(partstat(attendee.response_status)));
        }
    }
    for reminder in &event.reminders {
        let how = match reminder.method {
            ReminderMethod::Popup => "Reminder",
            ReminderMethod::Email => "Email reminder",
        };
        let trigger = Trigger::before_start(Duration::minutes(i64::from(reminder.minutes_before)));
        vevent.alarm(Alarm::display(&format!("{how}: {}", event.title), trigger));
    }
    vevent.done()
}

fn vtodo(task: &Task) -> Todo {
    let mut todo = Todo::new();
    todo.uid(&format!("task-{}@marketingos", task.id))
        .timestamp(task.updated_at)
        .last_modified(task.updated_at)
        .created(task.created_at)
        .summary(&task.title)
        .priority(match task.priority {
            TaskPriority::Urgent => 1,
            TaskPriority::High => 3,
            TaskPriority::Normal => 5,
            TaskPriority::Low => 9,
        })
        .status(match task.status {
            TaskStatus::Todo => TodoStatus::NeedsAction,
            TaskStatus::InProgress | TaskStatus::Review => TodoStatus::InProcess,
            TaskStatus::Completed => TodoStatus::Completed,
            TaskStatus::Archived => TodoStatus::Cancelled,
        });
    if let Some(due) = task.due_date {
        todo.due(due);
    }
    if let Some(completed) = task.completed_at {
        todo.completed(completed);
    }
    if let Some(description) = &task.description {
        todo.description(description);
    }
    todo.done()
}

fn render(events: &[CalendarEvent], tasks: &[Task], emails: &HashMap<i32, String>) -> Calendar {
    let mut calendar = Calendar::new();
    calendar.name("MarketingOS");
    for event in events {
        calendar.push(vevent(event, emails));
    }
    for task in tasks {
        calendar.push(vtodo(task));
    }
    calendar.done()
}
