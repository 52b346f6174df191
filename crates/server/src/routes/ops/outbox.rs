//! The e-mail outbox for admins (`canManageSettings`): every mail, what became of it, and
//! its text and HTML — the place to read mail when no SMTP server is configured.

use crate::auth::guard::{perm, Authorized};
use crate::error::{AppResult, OrNotFound};
use crate::http::ctx::Ctx;
use crate::http::input::ValidQuery;
use crate::http::pagination::Paging;
use crate::http::responses::{Found, ListPage, PathIdErrors, PermissionErrors, QueryErrors};
use actix_web::{get, web, HttpResponse};
use domain::ops::outbox::{OutboxEmail, OutboxEmailDetail, OutboxFilter};
use domain::pagination::PageParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox).service(get_outbox_email);
}

/// Mails, newest first, by status and recipient.
#[utoipa::path(
    tag = "jobs",
    params(OutboxFilter, PageParams),
    responses(ListPage<OutboxEmail>, PermissionErrors<perm::ManageSettings>, QueryErrors)
)]
#[get("/outbox")]
async fn list_outbox(
    ctx: Ctx,
    _admin: Authorized<perm::ManageSettings>,
    ValidQuery(filter): ValidQuery<OutboxFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::ops::outbox::list(&mut conn, &filter, paging.page()).await?))
}

/// One mail with its bodies.
#[utoipa::path(
    tag = "jobs",
    responses(Found<OutboxEmailDetail>, PermissionErrors<perm::ManageSettings>, PathIdErrors)
)]
#[get("/outbox/{id}")]
async fn get_outbox_email(
    ctx: Ctx,
    _admin: Authorized<perm::ManageSettings>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let email = storage::ops::outbox::find(&mut conn, *id).await?.found(format_args!("Mail {id}"))?;
    Ok(HttpResponse::Ok().json(email))
}
