//! Calendar events for staff-side users (`StaffOnly`: client-portal roles get 403). An
//! event is visible to its creator and its attendee users, and to admins; only the
//! creator or an admin may change it. Recurring events are stored once and expanded per
//! occurrence, in their time zone, when a window is read.

use crate::auth::{Principal, StaffOnly};
use crate::error::{AppError, AppResult};
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::Paging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, StaffErrors, Updated,
};
use crate::platform::cpu::CpuPool;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use domain::json_column::Json;
use domain::pagination::PageParams;
use domain::work::calendar::{
    check_span, Attendee, CalendarEvent, CalendarWindow, CreateCalendarEventRequest, EventOccurrence,
    UpdateCalendarEventRequest,
};
use domain::work::recurrence::{self, Definition, Schedule};
use domain::work::tasks::{Task, TaskSort};
use domain::{Problem, Role};
use storage::work::calendar::{CalendarEventChanges, CalendarEventRow, NewCalendarEvent};
use storage::work::tasks::TaskQuery;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events)
        .service(create_event)
        .service(get_event)
        .service(update_event)
        .service(delete_event)
        .service(list_due_tasks);
}

/// The most occurrences one window answers with; a wider result asks for a narrower window.
pub const MAX_OCCURRENCES: usize = 5000;

fn is_admin(caller: &Principal) -> bool {
    caller.access.role == Role::Admin
}

/// The user whose events a caller sees; `None` for admins, who see every event.
fn viewer(caller: &Principal) -> Option<i32> {
    (!is_admin(caller)).then(|| caller.id())
}

fn may_see(caller: &Principal, event: &CalendarEvent) -> bool {
    is_admin(caller) || event.created_by == caller.id() || event.attended_by(caller.id())
}

fn window(query: &CalendarWindow) -> AppResult<()> {
    query.check().map_err(|(field, message)| AppError::field(field, "window", message))
}

/// An event's recurrence as it will be stored, checked as a whole; returns when the
/// series' last occurrence ends (`None` for a single event or an endless series).
struct RecurrenceDef {
    is_recurring: bool,
    rule: Option<String>,
    timezone: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl RecurrenceDef {
    /// On the CPU pool: judging a rule's density and finding its last occurrence walk it.
    async fn check(self, cpu: &CpuPool) -> AppResult<Option<DateTime<Utc>>> {
        cpu.run(move || {
            check_span(self.start, self.end).map_err(|m| AppError::field("end", "range", m))?;
            let definition = Definition {
                noun: "event",
                is_recurring: self.is_recurring,
                rule: self.rule.as_deref(),
                timezone: &self.timezone,
                schedule: Schedule::DueDate,
                first: (Some(self.start), "start"),
            };
            let Some((rule, start)) = definition.check()? else { return Ok(None) };
            let last = recurrence::last_occurrence(rule, &self.timezone, start)
                .map_err(|m| AppError::field("recurrenceRule", "rrule", m))?;
            Ok(last.map(|start| start + (self.end - self.start)))
        })
        .await?
    }
}

/// Attendee user ids must name users.
async fn check_attendees(conn: &mut AsyncPgConnection, attendees: &[Attendee]) -> AppResult<()> {
    let ids: Vec<i32> = attendees.iter().filter_map(|a| a.user_id).collect();
    let missing = storage::work::calendar::missing_users(conn, &ids).await?;
    match missing.first() {
        None => Ok(()),
        Some(id) => Err(AppError::field("attendees", "not_found", format!("no user has id {id}"))),
    }
}

/// The occurrences in `[from, to)` of the events `caller` may see, sorted by start. The
/// expansion runs on the CPU pool, so a costly window never holds up other requests.
async fn occurrences(
    conn: &mut AsyncPgConnection,
    cpu: &CpuPool,
    caller: &Principal,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<EventOccurrence>> {
    let user = viewer(caller);
    let singles = storage::work::calendar::in_window(conn, user, false, from, to).await?;
    let series = storage::work::calendar::in_window(conn, user, true, from, to).await?;
    cpu.run(move || expand(&singles, &series, from, to)).await?
}

fn expand(
    singles: &[CalendarEvent],
    series: &[CalendarEvent],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<EventOccurrence>> {
    let mut out: Vec<EventOccurrence> = singles.iter().map(|event| event.occurrence(event.start)).collect();
    for series in series {
        let Some(rule) = series.recurrence_rule.as_deref() else { continue };
        let duration = series.end - series.start;
        // One more than the cap, so an overflowing window is told apart from a full one.
        let room = (MAX_OCCURRENCES + 1).saturating_sub(out.len());
        let starts =
            recurrence::occurrences_between(rule, &series.recurrence_timezone, series.start, from - duration, to, room)
                .map_err(|m| {
                    AppError::internal(anyhow::anyhow!("stored recurrence rule of event {} failed: {m}", series.id))
                })?;
        out.extend(starts.into_iter().map(|start| series.occurrence(start)));
    }
    if out.len() > MAX_OCCURRENCES {
        return Err(AppError::field(
            "to",
            "window",
            format!("the window holds more than {MAX_OCCURRENCES} occurrences; ask for a narrower one"),
        ));
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.event_id.cmp(&b.event_id)));
    Ok(out)
}

/// The caller's event occurrences overlapping `[from, to)` (at most 366 days), sorted by
/// start. Recurring events appear once per occurrence, expanded in their time zone.
#[utoipa::path(
    tag = "calendar",
    params(CalendarWindow),
    responses(
        (status = 200, description = "The occurrences in the window", body = Vec<EventOccurrence>),
        StaffErrors, QueryErrors,
        (status = 400, description = "A missing, inverted or too wide window", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/events")]
async fn list_events(
    ctx: Ctx,
    auth: StaffOnly,
    ValidQuery(query): ValidQuery<CalendarWindow>,
) -> AppResult<HttpResponse> {
    window(&query)?;
    let mut conn = ctx.conn().await?;
    let list = occurrences(&mut conn, &ctx.cpu, &auth.principal, query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Creates an event organised by the caller. With `isRecurring` (or a `recurrenceRule`)
/// it repeats from `start`.
#[utoipa::path(
    tag = "calendar",
    request_body = CreateCalendarEventRequest,
    responses(
        Created<CalendarEvent>,
        StaffErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an end before the start, an unknown attendee, or an invalid recurrence rule or zone", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/calendar/events")]
async fn create_event(
    ctx: Ctx,
    auth: StaffOnly,
    ValidJson(body): ValidJson<CreateCalendarEventRequest>,
) -> AppResult<HttpResponse> {
    let timezone = body.recurrence_timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    let is_recurring = body.is_recurring.unwrap_or(body.recurrence_rule.is_some());
    let ends_at = RecurrenceDef {
        is_recurring,
        rule: body.recurrence_rule.clone(),
        timezone: timezone.clone(),
        start: body.start,
        end: body.end,
    }
    .check(&ctx.cpu)
    .await?;
    let actor = auth.principal.id();
    let new_event = NewCalendarEvent {
        title: body.title,
        description: body.description,
        start: body.start,
        end_: body.end,
        all_day: body.all_day.unwrap_or(false),
        location: body.location,
        event_type: body.event_type.unwrap_or_default(),
        attendees: Json(body.attendees.unwrap_or_default()),
        reminders: Json(body.reminders.unwrap_or_default()),
        meet_link: body.meet_link,
        is_recurring,
        recurrence_rule: body.recurrence_rule,
        recurrence_timezone: timezone,
        recurrence_ends_at: ends_at,
        origin: "local".to_owned(),
        google_event_id: None,
        microsoft_event_id: None,
        created_by: actor,
    };
    let event = ctx
        .transaction(async |conn| {
            check_attendees(conn, &new_event.attendees.0).await?;
            let event = storage::work::calendar::insert(conn, &new_event).await?;
            ctx.audit.by(actor).created(conn, event).await
        })
        .await?;
    Ok(created(format!("/api/calendar/events/{}", event.id), &event))
}

/// An event the caller may see: 404 otherwise, so ids of others' events do not leak.
async fn find_visible(conn: &mut AsyncPgConnection, caller: &Principal, id: Uuid) -> AppResult<CalendarEventRow> {
    storage::work::calendar::find(conn, id)
        .await?
        .filter(|row| may_see(caller, &row.event))
        .ok_or_else(|| AppError::not_found(format!("Calendar event {id}")))
}

/// An event the caller may change: its creator or an admin (attendees get 403).
async fn find_own(conn: &mut AsyncPgConnection, caller: &Principal, id: Uuid) -> AppResult<CalendarEventRow> {
    let event = find_visible(conn, caller, id).await?;
    if is_admin(caller) || event.event.created_by == caller.id() {
        Ok(event)
    } else {
        Err(AppError::forbidden("Only the event's creator or an admin may change it"))
    }
}

/// One event, with its recurrence rule (not expanded).
#[utoipa::path(
    tag = "calendar",
    params(("eventId" = Uuid, Path, description = "Event id")),
    responses(Found<CalendarEvent>, StaffErrors, PathIdErrors)
)]
#[get("/calendar/events/{eventId}")]
async fn get_event(ctx: Ctx, auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let event = find_visible(&mut conn, &auth.principal, *id).await?;
    Ok(HttpResponse::Ok().json(event.event))
}

/// The changes a patch makes to `current`, with the span and recurrence re-checked.
async fn changes_for(
    cpu: &CpuPool,
    current: &CalendarEventRow,
    patch: UpdateCalendarEventRequest,
) -> AppResult<CalendarEventChanges> {
    let ends_at_now = current.recurrence_ends_at;
    let current = &current.event;
    let start = patch.start.unwrap_or(current.start);
    let end = patch.end.unwrap_or(current.end);
    let rule = match &patch.recurrence_rule {
        Some(rule) => rule.clone(),
        None => current.recurrence_rule.clone(),
    };
    let timezone = patch.recurrence_timezone.clone().unwrap_or_else(|| current.recurrence_timezone.clone());
    let is_recurring = patch.is_recurring.unwrap_or(match &patch.recurrence_rule {
        // Setting a rule makes an event recurring, clearing it makes it single.
        Some(rule) => rule.is_some(),
        None => current.is_recurring,
    });
    let ends_at = RecurrenceDef { is_recurring, rule, timezone, start, end }.check(cpu).await?;
    Ok(CalendarEventChanges {
        title: patch.title,
        description: patch.description,
        start: patch.start,
        end_: patch.end,
        all_day: patch.all_day,
        location: patch.location,
        event_type: patch.event_type,
        attendees: patch.attendees.map(Json),
        reminders: patch.reminders.map(Json),
        meet_link: patch.meet_link,
        is_recurring: (is_recurring != current.is_recurring).then_some(is_recurring),
        recurrence_rule: patch.recurrence_rule,
        recurrence_timezone: patch.recurrence_timezone,
        recurrence_ends_at: (ends_at != ends_at_now).then_some(ends_at),
    })
}

/// Updates an event; absent fields stay, `null` clears optional ones. Setting a
/// `recurrenceRule` makes the event recurring, `null` makes it a single event again.
#[utoipa::path(
    tag = "calendar",
    params(("eventId" = Uuid, Path, description = "Event id")),
    request_body = UpdateCalendarEventRequest,
    responses(
        Updated<CalendarEvent>,
        StaffErrors, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an end before the start, an unknown attendee, or an invalid recurrence rule or zone", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client-portal account, or an attendee who did not create the event", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/calendar/events/{eventId}")]
async fn update_event(
    ctx: Ctx,
    auth: StaffOnly,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateCalendarEventRequest>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let caller = auth.principal;
    let event = ctx
        .transaction(async |conn| {
            let current = find_own(conn, &caller, id).await?;
            if let Some(attendees) = &body.attendees {
                check_attendees(conn, attendees).await?;
            }
            let changes = changes_for(&ctx.cpu, &current, body).await?;
            if changes == CalendarEventChanges::default() {
                return Ok(current.event);
            }
            let event = storage::work::calendar::update(conn, id, &changes).await?;
            ctx.audit.by(caller.id()).updated(conn, &current.event, event).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(event))
}

/// Deletes an event (every occurrence of a recurring one).
#[utoipa::path(
    tag = "calendar",
    params(("eventId" = Uuid, Path, description = "Event id")),
    responses(
        Deleted,
        StaffErrors, PathIdErrors,
        (status = 403, description = "A client-portal account, or an attendee who did not create the event", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/calendar/events/{eventId}")]
async fn delete_event(ctx: Ctx, auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    let caller = auth.principal;
    ctx.transaction(async |conn| {
        let current = find_own(conn, &caller, id).await?.event;
        storage::work::calendar::delete(conn, id).await?;
        ctx.audit.by(caller.id()).deleted(conn, &current).await
    })
    .await?;
    Ok(no_content())
}

/// Tasks due in `[from, to)` (at most 366 days), earliest first, for the calendar view.
#[utoipa::path(
    tag = "calendar",
    params(CalendarWindow, PageParams),
    responses(
        ListPage<Task>,
        StaffErrors, QueryErrors,
        (status = 400, description = "A missing, inverted or too wide window, or invalid paging", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/tasks")]
async fn list_due_tasks(
    ctx: Ctx,
    _auth: StaffOnly,
    ValidQuery(query): ValidQuery<CalendarWindow>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    window(&query)?;
    let filter =
        TaskQuery { due_from: Some(query.from), due_to: Some(query.to), sort: TaskSort::DueDate, ..Default::default() };
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::work::tasks::list(&mut conn, &filter, paging.page()).await?))
}
