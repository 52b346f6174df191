//! Task templates, for staff-side users (`StaffOnly`), and creating a task from one with
//! `POST /api/tasks/templates/{templateId}/tasks`. Registered before the task routes so
//! `/tasks/{id}` does not claim `/tasks/templates`.

use crate::auth::StaffOnly;
use crate::error::{AppError, AppResult};
use crate::http::constraints::TASK_TEMPLATES;
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::pagination::Paging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, StaffErrors, Updated,
};
use crate::platform::cpu::CpuPool;
use crate::routes::work::tasks::{insert_task, new_task, schedule};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use domain::pagination::PageParams;
use domain::work::recurrence;
use domain::work::tasks::{
    CreateTaskFromTemplateRequest, CreateTaskRequest, CreateTaskTemplateRequest, ScheduleFrom, Task, TaskTemplate,
    UpdateTaskTemplateRequest,
};
use domain::Problem;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_templates)
        .service(create_template)
        .service(get_template)
        .service(update_template)
        .service(delete_template)
        .service(create_task_from_template);
}

/// The template's recurrence defaults, checked from today (tasks bring their due date), on
/// the CPU pool: judging a rule's density walks it.
async fn check_recurrence(
    cpu: &CpuPool,
    is_recurring: bool,
    rule: Option<String>,
    timezone: String,
    schedule_from: ScheduleFrom,
) -> AppResult<()> {
    recurrence::parse_timezone(&timezone).map_err(|m| AppError::field("recurrenceTimezone", "timezone", m))?;
    if is_recurring && rule.is_none() {
        return Err(AppError::field("recurrenceRule", "required", "a recurring template needs a recurrenceRule"));
    }
    let Some(rule) = rule else { return Ok(()) };
    let schedule = schedule(schedule_from);
    cpu.run(move || recurrence::validate(&rule, &timezone, Utc::now(), schedule))
        .await?
        .map_err(|m| AppError::field("recurrenceRule", "rrule", m))
}

async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<TaskTemplate> {
    storage::work::task_templates::find(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Task template {id}")))
}

/// Task templates by name.
#[utoipa::path(tag = "tasks", params(PageParams), responses(ListPage<TaskTemplate>, StaffErrors, QueryErrors))]
#[get("/tasks/templates")]
async fn list_templates(ctx: Ctx, _auth: StaffOnly, paging: Paging) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::work::task_templates::list(&mut conn, paging.page()).await?))
}

/// Creates a template.
#[utoipa::path(
    tag = "tasks",
    request_body = CreateTaskTemplateRequest,
    responses(
        Created<TaskTemplate>,
        StaffErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown space, or an invalid recurrence rule or zone", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/templates")]
async fn create_template(
    ctx: Ctx,
    auth: StaffOnly,
    ValidJson(mut body): ValidJson<CreateTaskTemplateRequest>,
) -> AppResult<HttpResponse> {
    let timezone = body.recurrence_timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    let schedule_from = body.schedule_from.unwrap_or_default();
    let is_recurring = body.is_recurring.unwrap_or(body.recurrence_rule.is_some());
    check_recurrence(&ctx.cpu, is_recurring, body.recurrence_rule.clone(), timezone.clone(), schedule_from).await?;
    let actor = auth.principal.id();
    body.is_recurring = Some(is_recurring);
    let template = ctx
        .transaction(async |conn| {
            let template = storage::work::task_templates::insert(conn, actor, &body)
                .await
                .map_err(|e| TASK_TEMPLATES.problem(e))?;
            ctx.audit.by(actor).created(conn, template).await
        })
        .await?;
    Ok(created(format!("/api/tasks/templates/{}", template.id), &template))
}

/// One template.
#[utoipa::path(
    tag = "tasks",
    params(("templateId" = Uuid, Path, description = "Template id")),
    responses(Found<TaskTemplate>, StaffErrors, PathIdErrors)
)]
#[get("/tasks/templates/{templateId}")]
async fn get_template(ctx: Ctx, _auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(HttpResponse::Ok().json(find(&mut conn, *id).await?))
}

async fn changes_for(
    cpu: &CpuPool,
    current: &TaskTemplate,
    mut patch: UpdateTaskTemplateRequest,
) -> AppResult<UpdateTaskTemplateRequest> {
    let rule = match &patch.recurrence_rule {
        Some(rule) => rule.clone(),
        None => current.recurrence_rule.clone(),
    };
    let timezone = patch.recurrence_timezone.clone().unwrap_or_else(|| current.recurrence_timezone.clone());
    let schedule_from = patch.schedule_from.unwrap_or(current.schedule_from);
    let is_recurring = patch.is_recurring.unwrap_or(match &patch.recurrence_rule {
        Some(rule) => rule.is_some(),
        None => current.is_recurring,
    });
    check_recurrence(cpu, is_recurring, rule, timezone, schedule_from).await?;
    // Stored only when it changes (a new rule makes a template recurring).
    patch.is_recurring = (is_recurring != current.is_recurring).then_some(is_recurring);
    Ok(patch)
}

/// Updates a template; absent fields stay, `null` clears optional ones. Tasks already
/// created from it do not change.
#[utoipa::path(
    tag = "tasks",
    params(("templateId" = Uuid, Path, description = "Template id")),
    request_body = UpdateTaskTemplateRequest,
    responses(
        Updated<TaskTemplate>,
        StaffErrors, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown space, or an invalid recurrence rule or zone", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tasks/templates/{templateId}")]
async fn update_template(
    ctx: Ctx,
    auth: StaffOnly,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateTaskTemplateRequest>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let actor = auth.principal.id();
    let template = ctx
        .transaction(async |conn| {
            let current = find(conn, id).await?;
            let changes = changes_for(&ctx.cpu, &current, body).await?;
            let template = storage::work::task_templates::update(conn, id, &changes)
                .await
                .map_err(|e| TASK_TEMPLATES.problem(e))?;
            ctx.audit.by(actor).updated(conn, &current, template).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(template))
}

/// Deletes a template; tasks created from it stay.
#[utoipa::path(
    tag = "tasks",
    params(("templateId" = Uuid, Path, description = "Template id")),
    responses(Deleted, StaffErrors, PathIdErrors)
)]
#[delete("/tasks/templates/{templateId}")]
async fn delete_template(ctx: Ctx, auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let current = find(conn, id).await?;
        storage::work::task_templates::delete(conn, id).await?;
        ctx.audit.by(auth.principal.id()).deleted(conn, &current).await
    })
    .await?;
    Ok(no_content())
}

/// The create request a template stands for, with the caller's additions.
fn task_request(template: &TaskTemplate, body: CreateTaskFromTemplateRequest) -> CreateTaskRequest {
    let due_date = body
        .due_date
        .or_else(|| template.due_date_offset.map(|days| Utc::now() + chrono::Duration::days(i64::from(days))));
    CreateTaskRequest {
        title: body.title.unwrap_or_else(|| template.title.clone()),
        description: template.task_description.clone(),
        status: Some(template.status),
        priority: Some(template.priority),
        assigned_to_id: body.assigned_to_id,
        space_id: body.space_id.or(template.space_id),
        client_id: body.client_id,
        campaign_id: body.campaign_id,
        due_date,
        start_date: None,
        checklist: Some(template.checklist.clone()),
        tags: Some(template.tags.clone()),
        estimated_hours: Some(template.estimated_hours),
        task_progress: None,
        blocks_completion: None,
        is_recurring: Some(template.is_recurring),
        recurrence_rule: template.recurrence_rule.clone(),
        recurrence_timezone: Some(template.recurrence_timezone.clone()),
        schedule_from: Some(template.schedule_from),
    }
}

/// Creates a task from a template: its title, description, status, priority, checklist,
/// tags, estimate, space and recurrence, due `dueDateOffset` days from now unless a
/// `dueDate` is given. The body (optional fields) may override the title, due date and
/// space and set the assignee, client and campaign.
#[utoipa::path(
    tag = "tasks",
    params(("templateId" = Uuid, Path, description = "Template id")),
    request_body = CreateTaskFromTemplateRequest,
    responses(
        (status = 201, description = "The created task", body = Task, headers(("Location" = String, description = "The new task's URL"))),
        StaffErrors, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown assignee, space, client or campaign, or a recurring template without a due date", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tasks/templates/{templateId}/tasks")]
async fn create_task_from_template(
    ctx: Ctx,
    auth: StaffOnly,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<CreateTaskFromTemplateRequest>,
) -> AppResult<HttpResponse> {
    let actor = auth.principal.id();
    let mut conn = ctx.conn().await?;
    let template = find(&mut conn, *id).await?;
    let new_task = new_task(&ctx.cpu, actor, task_request(&template, body)).await?;
    let description = format!("Created from template {}: task", template.name);
    let task = insert_task(&mut conn, &ctx.audit, actor, new_task, &description).await?;
    Ok(created(format!("/api/tasks/{}", task.id), &task))
}
