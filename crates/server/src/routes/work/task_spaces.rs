//! Task spaces: a tree of folders for tasks (`parentSpaceId`), for staff-side users. A
//! space cannot move under itself or its descendants, and only an empty space (no tasks,
//! no child spaces) can be deleted (409 otherwise).

use crate::auth::StaffOnly;
use crate::error::{AppError, AppResult};
use crate::http::constraints::{NO_SUCH_PARENT_SPACE, TASK_SPACES};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::pagination::Paging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, Deleted, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, StaffErrors, Updated,
};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::pagination::PageParams;
use domain::work::tasks::{CreateTaskSpaceRequest, Task, TaskSpace, UpdateTaskSpaceRequest};
use domain::{ErrorCode, Problem};
use storage::work::tasks::TaskQuery;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_spaces).service(create_space).service(update_space).service(delete_space).service(space_tasks);
}

async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<TaskSpace> {
    storage::work::task_spaces::find(conn, id).await?.ok_or_else(|| AppError::not_found(format!("Task space {id}")))
}

/// Every space, flat, in display order (`order`, then name); `parentSpaceId` gives the tree.
#[utoipa::path(
    tag = "task-spaces",
    responses((status = 200, description = "All task spaces", body = Vec<TaskSpace>), StaffErrors)
)]
#[get("/task-spaces")]
async fn list_spaces(ctx: Ctx, _auth: StaffOnly) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let spaces = storage::work::task_spaces::list(&mut conn).await?;
    Ok(HttpResponse::Ok().json(spaces))
}

/// Creates a space, at the top or under `parentSpaceId`.
#[utoipa::path(
    tag = "task-spaces",
    request_body = CreateTaskSpaceRequest,
    responses(
        Created<TaskSpace>,
        StaffErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input or an unknown parent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/task-spaces")]
async fn create_space(
    ctx: Ctx,
    auth: StaffOnly,
    ValidJson(body): ValidJson<CreateTaskSpaceRequest>,
) -> AppResult<HttpResponse> {
    let actor = auth.principal.id();
    let space = ctx
        .transaction(async |conn| {
            let space =
                storage::work::task_spaces::insert(conn, actor, &body).await.map_err(|e| TASK_SPACES.problem(e))?;
            ctx.audit.by(actor).created(conn, space).await
        })
        .await?;
    Ok(created(format!("/api/task-spaces/{}", space.id), &space))
}

/// Renames, recolours, reorders or moves a space (`parentSpaceId`, `null` for the top).
#[utoipa::path(
    tag = "task-spaces",
    request_body = UpdateTaskSpaceRequest,
    responses(
        Updated<TaskSpace>,
        StaffErrors, PathIdErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, an unknown parent, or a move under itself", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/task-spaces/{id}")]
async fn update_space(
    ctx: Ctx,
    auth: StaffOnly,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateTaskSpaceRequest>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let actor = auth.principal.id();
    let space = ctx
        .transaction(async |conn| {
            if body.parent_space_id.is_some() {
                storage::work::task_spaces::lock_tree(conn).await?;
            }
            let current = find(conn, id).await?;
            if let Some(Some(parent)) = body.parent_space_id {
                if storage::work::task_spaces::find(conn, parent).await?.is_none() {
                    return Err(NO_SUCH_PARENT_SPACE.problem());
                }
                if storage::work::task_spaces::is_ancestor_or_self(conn, id, parent).await? {
                    return Err(AppError::field(
                        "parentSpaceId",
                        "cycle",
                        "a space cannot move under itself or one of its descendants",
                    ));
                }
            }
            if body == UpdateTaskSpaceRequest::default() {
                return Ok(current);
            }
            let space =
                storage::work::task_spaces::update(conn, id, &body).await.map_err(|e| TASK_SPACES.problem(e))?;
            ctx.audit.by(actor).updated(conn, &current, space).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(space))
}

/// Deletes an empty space. A space that still holds tasks or child spaces is refused
/// with 409: move or delete them first.
#[utoipa::path(
    tag = "task-spaces",
    responses(
        Deleted,
        StaffErrors, PathIdErrors,
        (status = 409, description = "The space still holds tasks or child spaces", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/task-spaces/{id}")]
async fn delete_space(ctx: Ctx, auth: StaffOnly, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let current = find(conn, id).await?;
        let (children, tasks) = storage::work::task_spaces::contents(conn, id).await?;
        if children > 0 || tasks > 0 {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("The space still holds {tasks} task(s) and {children} space(s); move or delete them first"),
            ));
        }
        storage::work::task_spaces::delete(conn, id).await.map_err(|e| TASK_SPACES.problem(e))?;
        ctx.audit.by(auth.principal.id()).deleted(conn, &current).await
    })
    .await?;
    Ok(no_content())
}

/// The tasks filed directly in a space, newest first.
#[utoipa::path(
    tag = "task-spaces",
    params(("id" = Uuid, Path, description = "Task space id"), PageParams),
    responses(ListPage<Task>, StaffErrors, PathIdErrors, QueryErrors)
)]
#[get("/task-spaces/{id}/tasks")]
async fn space_tasks(ctx: Ctx, _auth: StaffOnly, id: web::Path<Uuid>, paging: Paging) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    find(&mut conn, *id).await?;
    let query = TaskQuery { space_id: Some(*id), ..Default::default() };
    Ok(paging.respond(storage::work::tasks::list(&mut conn, &query, paging.page()).await?))
}
