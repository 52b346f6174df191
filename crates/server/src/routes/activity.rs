//! The audit trail, read-only (`canManageSettings`).

use crate::auth::{perm, Authorized};
use crate::error::AppResult;
use crate::http::ctx::Ctx;
use crate::http::input::ValidQuery;
use crate::http::pagination::Paging;
use crate::http::responses::{ListPage, PermissionErrors, QueryErrors};
use actix_web::{get, HttpResponse};
use domain::activity::{ActivityFilter, ActivityLog};
use domain::pagination::PageParams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_activity_logs);
}

/// Audit rows, newest first, filtered by actor or entity.
#[utoipa::path(
    tag = "activity",
    params(ActivityFilter, PageParams),
    responses(ListPage<ActivityLog>, PermissionErrors<perm::ManageSettings>, QueryErrors)
)]
#[get("/activity-logs")]
async fn list_activity_logs(
    ctx: Ctx,
    _auth: Authorized<perm::ManageSettings>,
    ValidQuery(filter): ValidQuery<ActivityFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::activity::list(&mut conn, &filter, paging.page()).await?))
}
