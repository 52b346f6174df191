//! The audit trail, read-only (`canManageSettings`).

use crate::auth::{perm, Authorized};
use crate::error::AppResult;
use crate::http::input::ValidQuery;
use crate::http::pagination::Paginated;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
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
    responses(
        crate::http::responses::ListPage<ActivityLog>,
        crate::http::responses::PermissionErrors<perm::ManageSettings>, crate::http::responses::QueryErrors,
    )
)]
#[get("/activity-logs")]
async fn list_activity_logs(
    state: web::Data<AppState>,
    _auth: Authorized<perm::ManageSettings>,
    req: HttpRequest,
    ValidQuery(filter): ValidQuery<ActivityFilter>,
    ValidQuery(page): ValidQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.page();
    let mut conn = state.conn().await?;
    let (logs, total) = storage::activity::list(&mut conn, &filter, page).await?;
    Ok(Paginated::offset(logs, page, total).respond(&req))
}
