//! The job queue for admins (`canManageSettings`): list jobs by state and kind, retry a
//! dead one, cancel a queued one.

use crate::auth::guard::{perm, Authorized};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::http::ctx::Ctx;
use crate::http::input::ValidQuery;
use crate::http::pagination::Paging;
use crate::http::responses::{Found, ListPage, PathIdErrors, PermissionErrors, QueryErrors};
use actix_web::{get, post, web, HttpResponse};
use domain::ops::jobs::{Job, JobFilter, JobState, QueueSummary};
use domain::pagination::PageParams;
use domain::{ErrorCode, Problem};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(queue_summary).service(list_jobs).service(retry_job).service(cancel_job);
}

type Admin = Authorized<perm::ManageSettings>;

/// Jobs, newest first, optionally of one state and kind.
#[utoipa::path(
    tag = "jobs",
    params(JobFilter, PageParams),
    responses(ListPage<Job>, PermissionErrors<perm::ManageSettings>, QueryErrors)
)]
#[get("/jobs")]
async fn list_jobs(
    ctx: Ctx,
    _admin: Admin,
    ValidQuery(filter): ValidQuery<JobFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::ops::jobs::list(&mut conn, &filter, paging.page()).await?))
}

/// Counts by state and the wait of the oldest due job (as `/health/ready` reports them).
#[utoipa::path(tag = "jobs", responses(Found<QueueSummary>, PermissionErrors<perm::ManageSettings>))]
#[get("/jobs/summary")]
async fn queue_summary(ctx: Ctx, _admin: Admin) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(HttpResponse::Ok().json(storage::ops::jobs::summary(&mut conn).await?))
}

/// The two changes an admin makes to a job, each allowed from one state.
#[derive(Clone, Copy)]
enum Transition {
    Retry,
    Cancel,
}

impl Transition {
    async fn apply(self, conn: &mut storage::AsyncPgConnection, id: i64) -> AppResult<Option<Job>> {
        Ok(match self {
            Transition::Retry => storage::ops::jobs::retry_dead(conn, id).await?,
            Transition::Cancel => storage::ops::jobs::cancel(conn, id).await?,
        })
    }

    fn refusal(self, job: &Job) -> AppError {
        let (needed, done) = match self {
            Transition::Retry => (JobState::Dead, "retried"),
            Transition::Cancel => (JobState::Queued, "cancelled"),
        };
        AppError::new(
            ErrorCode::Conflict,
            format!("Job {} is {}; only a {} job can be {done}", job.id, job.state.as_str(), needed.as_str()),
        )
    }
}

/// Applies `transition` to job `id` and audits it; 409 from any other state.
async fn transition(ctx: Ctx, admin: Admin, id: i64, transition: Transition) -> AppResult<HttpResponse> {
    let job = ctx
        .transaction(async |conn| {
            let before = storage::ops::jobs::find(conn, id).await?.found(format_args!("Job {id}"))?;
            let after = transition.apply(conn, id).await?.ok_or_else(|| transition.refusal(&before))?;
            ctx.audit.by(admin.actor()).updated(conn, &before, after).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(job))
}

/// Queues a dead job again, with a fresh set of attempts.
#[utoipa::path(
    tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        Found<Job>, PermissionErrors<perm::ManageSettings>, PathIdErrors,
        (status = 409, description = "The job is not dead", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/retry")]
async fn retry_job(ctx: Ctx, admin: Admin, id: web::Path<i64>) -> AppResult<HttpResponse> {
    transition(ctx, admin, *id, Transition::Retry).await
}

/// Cancels a job that has not started.
#[utoipa::path(
    tag = "jobs",
    params(("id" = i64, Path, description = "Job id")),
    responses(
        Found<Job>, PermissionErrors<perm::ManageSettings>, PathIdErrors,
        (status = 409, description = "The job is not queued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/cancel")]
async fn cancel_job(ctx: Ctx, admin: Admin, id: web::Path<i64>) -> AppResult<HttpResponse> {
    transition(ctx, admin, *id, Transition::Cancel).await
}
