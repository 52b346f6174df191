//! Tasks and their comments, for staff-side users (`StaffOnly`: client-portal roles get
//! 403). Completing a recurring task creates its next instance in the same transaction;
//! the `(series_id, instance_date)` unique key makes that idempotent under repeats and
//! races.

use crate::auth::{Principal, StaffOnly};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::TASKS;
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::{CursorPaging, Paging};
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, CursorListPage, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, StaffErrors, Updated,
};
use crate::platform::cpu::CpuPool;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use domain::json_column::Json;
use domain::notifications::rules;
use domain::pagination::{CursorParams, PageParams};
use domain::work::recurrence::{self, Definition, Schedule};
use domain::work::tasks::{
    ChecklistItem, CreateTaskCommentRequest, CreateTaskRequest, DueFilter, RecurrencePreview, RecurrencePreviewQuery,
    ScheduleFrom, Task, TaskComment, TaskFilter, TaskStatus, UpdateTaskRequest,
};
use domain::Problem;
use storage::work::tasks::{NewTask, TaskChanges, TaskKey, TaskQuery, TaskRow};
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    // Fixed paths before `/tasks/{id}`, which would otherwise claim them.
    cfg.service(list_tasks)
        .service(recurrence_preview)
        .service(create_task)
        .service(get_task)
        .service(update_task)
        .service(delete_task)
        .service(list_comments)
        .service(create_comment);
}

pub(crate) fn schedule(from: ScheduleFrom) -> Schedule {
    match from {
        ScheduleFrom::DueDate => Schedule::DueDate,
        ScheduleFrom::CompletionDate => Schedule::CompletionDate,
    }
}

/// A task's recurrence as it will be stored, checked as a whole.
struct RecurrenceDef {
    is_recurring: bool,
    rule: Option<String>,
    timezone: String,
    schedule_from: ScheduleFrom,
    due_date: Option<DateTime<Utc>>,
}

impl RecurrenceDef {
    /// On the CPU pool: judging a rule's density walks it.
    async fn check(self, cpu: &CpuPool) -> AppResult<()> {
        cpu.run(move || {
            Definition {
                noun: "task",
                is_recurring: self.is_recurring,
                rule: self.rule.as_deref(),
                timezone: &self.timezone,
                schedule: schedule(self.schedule_from),
                first: (self.due_date, "dueDate"),
            }
            .check()
            .map(drop)
        })
        .await??;
        Ok(())
    }
}

fn local_date(at: DateTime<Utc>, timezone: &str) -> AppResult<chrono::NaiveDate> {
    recurrence::local_date(at, timezone).map_err(|m| AppError::field("recurrenceTimezone", "timezone", m))
}

/// Lists tasks. `mine`, `spaceId`, `status`, `assignedToId`, `due` (in the `tz` time
/// zone) and `q` combine; `sort` orders the page.
#[utoipa::path(
    tag = "tasks",
    params(TaskFilter, PageParams, CursorParams),
    responses(CursorListPage<Task>, StaffErrors)
)]
#[get("/tasks")]
async fn list_tasks(
    ctx: Ctx,
    auth: StaffOnly,
    ValidQuery(filter): ValidQuery<TaskFilter>,
    paging: CursorPaging,
) -> AppResult<HttpResponse> {
    let query = task_query(&auth.principal, &filter)?;
    let list = paging.options::<TaskKey>(query.sort)?;
    let mut conn = ctx.conn().await?;
    let found = storage::work::tasks::list_after(&mut conn, &query, list.page, list.after()).await?;
    Ok(list.respond(found))
}

fn task_query(caller: &Principal, filter: &TaskFilter) -> AppResult<TaskQuery> {
    let timezone = filter.tz.as_deref().unwrap_or("UTC");
    let now = Utc::now();
    let window = |days| recurrence::day_window(now, timezone, days).map_err(|m| AppError::field("tz", "timezone", m));
    let mut query = TaskQuery {
        space_id: filter.space_id,
        status: filter.status,
        assigned_to_id: filter.assigned_to_id,
        mine_user_id: filter.mine.unwrap_or(false).then(|| caller.id()),
        q: filter.q.clone(),
        sort: filter.sort.unwrap_or_default(),
        ..Default::default()
    };
    recurrence::parse_timezone(timezone).map_err(|m| AppError::field("tz", "timezone", m))?;
    match filter.due {
        None => {}
        Some(DueFilter::Overdue) => query.overdue_at = Some(now),
        Some(DueFilter::Today) => (query.due_from, query.due_to) = window(1).map(|(a, b)| (Some(a), Some(b)))?,
        Some(DueFilter::Week) => (query.due_from, query.due_to) = window(7).map(|(a, b)| (Some(a), Some(b)))?,
    }
    Ok(query)
}

/// The first `count` occurrences (default 5) of a rule from `start`, evaluated in
/// `recurrenceTimezone`: what the recurring-task editor previews. Fewer when COUNT or
/// UNTIL ends the series sooner.
#[utoipa::path(
    tag = "tasks",
    params(RecurrencePreviewQuery),
    responses(
        (status = 200, description = "The occurrences, earliest first", body = RecurrencePreview),
        StaffErrors, QueryErrors,
        (status = 400, description = "An invalid rule, time zone, start or count; the field is named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tasks/recurrence-preview")]
async fn recurrence_preview(
    ctx: Ctx,
    _auth: StaffOnly,
    ValidQuery(query): ValidQuery<RecurrencePreviewQuery>,
) -> AppResult<HttpResponse> {
    let timezone = query.recurrence_timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    recurrence::parse_timezone(&timezone).map_err(|m| AppError::field("recurrenceTimezone", "timezone", m))?;
    let count = query.count.unwrap_or(5) as usize;
    let occurrences = ctx
        .cpu
        .run(move || {
            recurrence::validate(&query.recurrence_rule, &timezone, query.start, Schedule::DueDate)?;
            recurrence::first_occurrences(&query.recurrence_rule, &timezone, query.start, count)
        })
        .await?
        .map_err(|m| AppError::field("recurrenceRule", "rrule", m))?;
    Ok(HttpResponse::Ok().json(RecurrencePreview { occurrences }))
}

/// Creates a task. With `isRecurring` (or a `recurrenceRule`) it starts a series at its
/// `dueDate`.
#[utoipa::path(
    tag = "tasks",
    request_body = CreateTaskRequest,
    responses(
        Created<Task>,
        StaffErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown assignee or space, or an invalid recurrence rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks")]
async fn create_task(
    ctx: Ctx,
    auth: StaffOnly,
    ValidJson(body): ValidJson<CreateTaskRequest>,
) -> AppResult<HttpResponse> {
    let actor = auth.principal.id();
    let new_task = new_task(&ctx.cpu, actor, body).await?;
    let mut conn = ctx.conn().await?;
    let task = insert_task(&mut conn, &ctx.audit, actor, new_task, "Created task").await?;
    Ok(created(format!("/api/tasks/{}", task.id), &task))
}

/// The row a create request stores, with its recurrence checked.
pub(crate) async fn new_task(cpu: &CpuPool, actor: i32, body: CreateTaskRequest) -> AppResult<NewTask> {
    let timezone = body.recurrence_timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    let schedule_from = body.schedule_from.unwrap_or_default();
    let is_recurring = body.is_recurring.unwrap_or(body.recurrence_rule.is_some());
    RecurrenceDef {
        is_recurring,
        rule: body.recurrence_rule.clone(),
        timezone: timezone.clone(),
        schedule_from,
        due_date: body.due_date,
    }
    .check(cpu)
    .await?;
    let id = Uuid::new_v4();
    let status = body.status.unwrap_or_default();
    let now = Utc::now();
    let series = is_recurring.then_some(id);
    let instance_date = match (is_recurring, body.due_date) {
        (true, Some(due)) => Some(local_date(due, &timezone)?),
        _ => None,
    };
    let new_task = NewTask {
        id,
        campaign_id: body.campaign_id,
        client_id: body.client_id,
        assigned_to_id: body.assigned_to_id,
        space_id: body.space_id,
        title: body.title,
        description: body.description,
        status,
        priority: body.priority.unwrap_or_default(),
        due_date: body.due_date,
        completed_at: (status == TaskStatus::Completed).then_some(now),
        archived_at: (status == TaskStatus::Archived).then_some(now),
        checklist: Json(body.checklist.unwrap_or_default()),
        estimated_hours: body.estimated_hours.unwrap_or(0),
        tags: body.tags.unwrap_or_default(),
        task_progress: body.task_progress.unwrap_or(0),
        start_date: body.start_date,
        blocks_completion: body.blocks_completion.unwrap_or(false),
        is_recurring,
        recurrence_rule: body.recurrence_rule,
        recurrence_timezone: timezone,
        recurrence_start: if is_recurring { body.due_date } else { None },
        schedule_from,
        series_id: series,
        instance_date,
        created_by: Some(actor),
    };
    Ok(new_task)
}

/// Inserts a task with its audit row (`description` starts the row's text).
pub(crate) async fn insert_task(
    conn: &mut AsyncPgConnection,
    audit: &AuditContext,
    actor: i32,
    new_task: NewTask,
    description: &str,
) -> AppResult<Task> {
    conn.transaction::<_, AppError, _>(async |conn| {
        let task = storage::work::tasks::insert(conn, &new_task).await.map_err(|e| TASKS.problem(e))?;
        audit
            .by(actor)
            .record(
                conn,
                Entry::new("task.create", Subject::of(&task), format!("{description} {}", task.title)).after(&task),
            )
            .await?;
        audit.by(actor).notify(conn, rules::task_written(None, &task)).await?;
        Ok(task)
    })
    .await
}

/// One task.
#[utoipa::path(tag = "tasks", responses(Found<Task>, StaffErrors, PathIdErrors))]
#[get("/tasks/{id}")]
async fn get_task(ctx: Ctx, _auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let task = find(&mut conn, *id).await?;
    Ok(HttpResponse::Ok().json(task.task))
}

async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<TaskRow> {
    storage::work::tasks::find(conn, id).await?.ok_or_else(|| AppError::not_found(format!("Task {id}")))
}

/// The changes a patch makes to `current`, with the status bookkeeping and a
/// re-checked recurrence.
async fn changes_for(
    cpu: &CpuPool,
    current: &TaskRow,
    patch: UpdateTaskRequest,
    now: DateTime<Utc>,
) -> AppResult<TaskChanges> {
    let current = &current.task;
    let status = patch.status.unwrap_or(current.status);
    let was = current.status;
    let rule = match &patch.recurrence_rule {
        Some(rule) => rule.clone(),
        None => current.recurrence_rule.clone(),
    };
    let timezone = patch.recurrence_timezone.clone().unwrap_or_else(|| current.recurrence_timezone.clone());
    let schedule_from = patch.schedule_from.unwrap_or(current.schedule_from);
    let due_date = patch.due_date.unwrap_or(current.due_date);
    let is_recurring = patch.is_recurring.unwrap_or(current.is_recurring);
    RecurrenceDef { is_recurring, rule, timezone: timezone.clone(), schedule_from, due_date }.check(cpu).await?;

    let mut changes = TaskChanges {
        campaign_id: patch.campaign_id,
        client_id: patch.client_id,
        assigned_to_id: patch.assigned_to_id,
        space_id: patch.space_id,
        title: patch.title,
        description: patch.description,
        status: patch.status.filter(|s| *s != was),
        priority: patch.priority,
        due_date: patch.due_date,
        checklist: patch.checklist.map(Json),
        estimated_hours: patch.estimated_hours,
        tags: patch.tags,
        task_progress: patch.task_progress,
        start_date: patch.start_date,
        blocks_completion: patch.blocks_completion,
        is_recurring: patch.is_recurring,
        recurrence_rule: patch.recurrence_rule,
        recurrence_timezone: patch.recurrence_timezone,
        schedule_from: patch.schedule_from,
        ..Default::default()
    };
    // Completing stamps `completedAt`; archiving keeps it; reopening clears it.
    if status != was {
        match status {
            TaskStatus::Completed => changes.completed_at = Some(Some(now)),
            TaskStatus::Archived => {}
            _ => changes.completed_at = Some(None),
        }
        changes.archived_at = Some((status == TaskStatus::Archived).then_some(now));
    }
    // A new rule or time zone, or a task becoming recurring, (re)starts the series here.
    let rule_changed = changes.recurrence_rule.is_some() || changes.recurrence_timezone.is_some();
    if is_recurring && (!current.is_recurring || rule_changed || current.series_id.is_none()) {
        let due = due_date.ok_or_else(|| AppError::field("dueDate", "required", "a recurring task needs a dueDate"))?;
        changes.recurrence_start = Some(Some(due));
        if current.series_id.is_none() {
            changes.series_id = Some(Some(current.id));
            changes.instance_date = Some(Some(local_date(due, &timezone)?));
        }
    }
    Ok(changes)
}

/// The instance after `done` (just completed), or `None` when the series has ended.
async fn next_instance(cpu: &CpuPool, done: &TaskRow, completed_at: DateTime<Utc>) -> AppResult<Option<NewTask>> {
    let start = done.recurrence_start;
    let done = &done.task;
    let (Some(rule), Some(due), Some(series)) = (done.recurrence_rule.clone(), done.due_date, done.series_id) else {
        return Ok(None);
    };
    let start = start.unwrap_or(due);
    let timezone = done.recurrence_timezone.clone();
    let schedule_from = schedule(done.schedule_from);
    let next = cpu
        .run({
            let (rule, timezone) = (rule.clone(), timezone.clone());
            move || recurrence::next_occurrence(&rule, &timezone, start, schedule_from, due, completed_at)
        })
        .await?
        .map_err(|m| AppError::internal(anyhow::anyhow!("stored recurrence rule failed: {m}")))?;
    let Some(next) = next else { return Ok(None) };
    let checklist: Vec<ChecklistItem> =
        done.checklist.iter().map(|item| ChecklistItem { completed: false, ..item.clone() }).collect();
    Ok(Some(NewTask {
        id: Uuid::new_v4(),
        campaign_id: done.campaign_id,
        client_id: done.client_id,
        assigned_to_id: done.assigned_to_id,
        space_id: done.space_id,
        title: done.title.clone(),
        description: done.description.clone(),
        status: TaskStatus::Todo,
        priority: done.priority,
        due_date: Some(next),
        completed_at: None,
        archived_at: None,
        checklist: Json(checklist),
        estimated_hours: done.estimated_hours,
        tags: done.tags.clone(),
        task_progress: 0,
        start_date: done.start_date.map(|start_date| start_date + (next - due)),
        blocks_completion: done.blocks_completion,
        is_recurring: true,
        recurrence_rule: Some(rule),
        instance_date: Some(local_date(next, &timezone)?),
        recurrence_timezone: timezone,
        recurrence_start: Some(start),
        schedule_from: done.schedule_from,
        series_id: Some(series),
        created_by: done.created_by,
    }))
}

/// Updates a task; absent fields stay, `null` clears optional ones. Setting `status` to
/// `completed` sets `completedAt`; for a recurring task it also creates the next instance
/// (same series, the rule's next date, status `todo`) in the same transaction, at most
/// once per instance date however often or concurrently the task is completed.
#[utoipa::path(
    tag = "tasks",
    request_body = UpdateTaskRequest,
    responses(
        Updated<Task>,
        StaffErrors, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown assignee or space, or an invalid recurrence rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tasks/{id}")]
async fn update_task(
    ctx: Ctx,
    auth: StaffOnly,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateTaskRequest>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let actor = auth.principal.id();
    let task = ctx
        .transaction(async |conn| {
            let current = find(conn, id).await?;
            let now = Utc::now();
            let changes = changes_for(&ctx.cpu, &current, body, now).await?;
            if changes == TaskChanges::default() {
                return Ok(current.task);
            }
            let completed = changes.status == Some(TaskStatus::Completed);
            let updated = storage::work::tasks::update(conn, id, &changes).await.map_err(|e| TASKS.problem(e))?;
            let task = updated.task.clone();
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        if completed { "task.complete" } else { "task.update" },
                        Subject::of(&task),
                        format!("Updated task {}", task.title),
                    )
                    .before(&current.task)
                    .after(&task),
                )
                .await?;
            ctx.audit.by(actor).notify(conn, rules::task_written(Some(&current.task), &task)).await?;
            if completed && task.is_recurring {
                if let Some(next) = next_instance(&ctx.cpu, &updated, task.completed_at.unwrap_or(now)).await? {
                    if let Some(created) = storage::work::tasks::insert_instance(conn, &next).await? {
                        ctx.audit
                            .by(actor)
                            .record(
                                conn,
                                Entry::new(
                                    "task.create",
                                    Subject::of(&created),
                                    format!(
                                        "Created the next instance of recurring task {} for {}",
                                        created.title,
                                        created.instance_date.map(|d| d.to_string()).unwrap_or_default()
                                    ),
                                )
                                .after(&created),
                            )
                            .await?;
                    }
                }
            }
            Ok(task)
        })
        .await?;
    Ok(HttpResponse::Ok().json(task))
}

/// Deletes a task and its comments.
#[utoipa::path(tag = "tasks", responses(Deleted, StaffErrors, PathIdErrors,))]
#[delete("/tasks/{id}")]
async fn delete_task(ctx: Ctx, auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let current = find(conn, id).await?.task;
        storage::work::tasks::delete(conn, id).await?;
        ctx.audit.by(auth.principal.id()).deleted(conn, &current).await
    })
    .await?;
    Ok(no_content())
}

/// A task's comments, oldest first.
#[utoipa::path(
    tag = "tasks",
    params(("taskId" = Uuid, Path, description = "Task id"), PageParams),
    responses(ListPage<TaskComment>, StaffErrors, PathIdErrors, QueryErrors)
)]
#[get("/tasks/{taskId}/comments")]
async fn list_comments(
    ctx: Ctx,
    _auth: StaffOnly,
    task_id: web::Path<Uuid>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    find(&mut conn, *task_id).await?;
    Ok(paging.respond(storage::work::task_comments::list(&mut conn, *task_id, paging.page()).await?))
}

/// Comments on a task as the caller.
#[utoipa::path(
    tag = "tasks",
    params(("taskId" = Uuid, Path, description = "Task id")),
    request_body = CreateTaskCommentRequest,
    responses((status = 201, description = "Created", body = TaskComment), StaffErrors, PathIdErrors, JsonBodyErrors)
)]
#[post("/tasks/{taskId}/comments")]
async fn create_comment(
    ctx: Ctx,
    auth: StaffOnly,
    task_id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateTaskCommentRequest>,
) -> AppResult<HttpResponse> {
    let task_id = *task_id;
    let actor = auth.principal.id();
    let comment = ctx
        .transaction(async |conn| {
            let task = find(conn, task_id).await?.task;
            let comment = storage::work::task_comments::insert(conn, task_id, actor, &body).await?;
            let notice = rules::task_commented(&task, &auth.principal.user.username, &body.comment);
            ctx.audit.by(actor).notify(conn, [notice]).await?;
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "task_comment.create",
                        Subject::bare("task", task_id),
                        format!("Commented on task {task_id}"),
                    )
                    .after(&comment),
                )
                .await?;
            Ok(comment)
        })
        .await?;
    Ok(HttpResponse::Created().json(comment))
}
