//! Webhook endpoints for admins (`canManageSettings`): register, change, turn on and off,
//! delete, rotate the secret (shown once, like at creation), send a test event, and read
//! the delivery log with each attempt and redeliver from it. Sending is `crate::webhooks`.

use crate::auth::guard::{perm, Authorized};
use crate::error::{AppError, AppResult, OrNotFound};
use crate::http::audit::{Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::pagination::Paging;
use crate::http::respond::{created, no_content};
use crate::http::responses::{
    Created, Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, PermissionErrors, QueryErrors, Updated,
};
use crate::webhooks::{self, target};
use actix_web::{delete, get, patch, post, web, HttpResponse};
use domain::ops::webhooks::{
    CreateWebhookRequest, CreatedWebhookEndpoint, DeliveryLogEntry, UpdateWebhookRequest, WebhookDelivery,
    WebhookEndpoint,
};
use domain::pagination::PageParams;
use domain::{ErrorCode, Problem};
use storage::ops::webhook_deliveries;
use storage::ops::webhooks::{EndpointChanges, NewEndpoint};
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(rotate_secret)
        .service(test_webhook)
        .service(list_deliveries)
        .service(redeliver);
}

type Admin = Authorized<perm::ManageSettings>;

async fn endpoint(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<WebhookEndpoint> {
    storage::ops::webhooks::find(conn, id).await?.found(format_args!("Webhook endpoint {id}"))
}

fn inactive(endpoint: &WebhookEndpoint) -> AppError {
    AppError::new(ErrorCode::Conflict, format!("Webhook endpoint {} is turned off; turn it on first", endpoint.id))
}

/// Each type once, in the order given.
fn distinct(types: Vec<String>) -> Vec<String> {
    let mut seen = Vec::with_capacity(types.len());
    for event_type in types {
        if !seen.contains(&event_type) {
            seen.push(event_type);
        }
    }
    seen
}

const URL_REFUSED: &str = "Invalid input, or `WEBHOOK_URL_NOT_ALLOWED`: not http(s), or a private, loopback, link-local or otherwise non-public address that `WEBHOOK_ALLOWED_HOSTS` does not name";

/// Endpoints, newest first (never their secrets).
#[utoipa::path(tag = "webhooks", params(PageParams), responses(ListPage<WebhookEndpoint>, PermissionErrors<perm::ManageSettings>, QueryErrors))]
#[get("/webhooks")]
async fn list_webhooks(ctx: Ctx, _admin: Admin, paging: Paging) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::ops::webhooks::list(&mut conn, paging.page()).await?))
}

/// Registers an endpoint with a new signing secret, which this response alone shows.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhookRequest,
    responses(
        Created<CreatedWebhookEndpoint>, PermissionErrors<perm::ManageSettings>, JsonBodyErrors,
        (status = 400, description = URL_REFUSED, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
async fn create_webhook(
    ctx: Ctx,
    admin: Admin,
    ValidJson(body): ValidJson<CreateWebhookRequest>,
) -> AppResult<HttpResponse> {
    target::check(&body.url, &ctx.config.webhooks.allowed_hosts)?;
    let secret = webhooks::new_secret();
    let new = NewEndpoint {
        url: body.url,
        description: body.description.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty()),
        event_types: distinct(body.event_types),
        secret: secret.clone(),
        active: body.active.unwrap_or(true),
        created_by: admin.actor(),
    };
    let endpoint = ctx
        .transaction(async |conn| {
            let endpoint = storage::ops::webhooks::insert(conn, &new).await?;
            ctx.audit.by(admin.actor()).created(conn, endpoint).await
        })
        .await?;
    Ok(created(format!("/api/webhooks/{}", endpoint.id), &CreatedWebhookEndpoint { endpoint, secret }))
}

/// One endpoint.
#[utoipa::path(tag = "webhooks", responses(Found<WebhookEndpoint>, PermissionErrors<perm::ManageSettings>, PathIdErrors))]
#[get("/webhooks/{id}")]
async fn get_webhook(ctx: Ctx, _admin: Admin, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(HttpResponse::Ok().json(endpoint(&mut conn, *id).await?))
}

/// Changes an endpoint. Turning it on again clears why it was turned off and sends what is
/// still pending.
#[utoipa::path(
    tag = "webhooks",
    request_body = UpdateWebhookRequest,
    responses(
        Updated<WebhookEndpoint>, PermissionErrors<perm::ManageSettings>, PathIdErrors, JsonBodyErrors,
        (status = 400, description = URL_REFUSED, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    ctx: Ctx,
    admin: Admin,
    id: web::Path<Uuid>,
    ValidJson(body): ValidJson<UpdateWebhookRequest>,
) -> AppResult<HttpResponse> {
    if let Some(url) = &body.url {
        target::check(url, &ctx.config.webhooks.allowed_hosts)?;
    }
    let id = *id;
    let turned_on = body.active == Some(true);
    let changes = EndpointChanges {
        url: body.url,
        description: body.description.map(|text| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())),
        event_types: body.event_types.map(distinct),
        active: body.active,
        disabled_reason: turned_on.then_some(None),
        failing_since: turned_on.then_some(None),
    };
    let updated = ctx
        .transaction(async |conn| {
            let before = endpoint(conn, id).await?;
            let after = storage::ops::webhooks::update(conn, id, &changes).await?;
            if turned_on {
                webhooks::wake(conn, &[id]).await?;
            }
            ctx.audit.by(admin.actor()).updated(conn, &before, after).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Deletes an endpoint with its delivery log; nothing more is sent to it.
#[utoipa::path(tag = "webhooks", responses(Deleted, PermissionErrors<perm::ManageSettings>, PathIdErrors))]
#[delete("/webhooks/{id}")]
async fn delete_webhook(ctx: Ctx, admin: Admin, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let existing = endpoint(conn, id).await?;
        storage::ops::webhooks::delete(conn, id).await?;
        ctx.audit.by(admin.actor()).deleted(conn, &existing).await
    })
    .await?;
    Ok(no_content())
}

/// Replaces the signing secret; this response alone shows the new one. Deliveries from
/// now on are signed with it.
#[utoipa::path(tag = "webhooks", responses(Found<CreatedWebhookEndpoint>, PermissionErrors<perm::ManageSettings>, PathIdErrors))]
#[post("/webhooks/{id}/rotate-secret")]
async fn rotate_secret(ctx: Ctx, admin: Admin, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    let secret = webhooks::new_secret();
    let endpoint = ctx
        .transaction(async |conn| {
            let before = endpoint(conn, id).await?;
            let after = storage::ops::webhooks::set_secret(conn, id, &secret).await?;
            let entry = Entry::new(
                "webhook_endpoint.rotate_secret",
                Subject::of(&after),
                format!("Rotated the secret of webhook endpoint {}", after.url),
            )
            .before(&before)
            .after(&after);
            ctx.audit.by(admin.actor()).record(conn, entry).await?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CreatedWebhookEndpoint { endpoint, secret }))
}

/// Queues a `webhook.test` event for this endpoint alone, delivered like any other
/// (behind its pending deliveries); 409 while the endpoint is turned off.
#[utoipa::path(
    tag = "webhooks",
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        PermissionErrors<perm::ManageSettings>, PathIdErrors,
        (status = 409, description = "The endpoint is turned off", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/test")]
async fn test_webhook(ctx: Ctx, admin: Admin, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let id = *id;
    let delivery = ctx
        .transaction(async |conn| {
            let endpoint = endpoint(conn, id).await?;
            if !endpoint.active {
                return Err(inactive(&endpoint));
            }
            let entry = Entry::new(
                "webhook_endpoint.test",
                Subject::of(&endpoint),
                format!("Sent a test event to webhook endpoint {}", endpoint.url),
            );
            let event_id = ctx.audit.by(admin.actor()).record_event(conn, entry).await?;
            webhooks::queue_test(conn, &endpoint, event_id).await
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}

/// The endpoint's deliveries, newest first, each with its attempts (status code, error,
/// duration, time).
#[utoipa::path(tag = "webhooks", params(PageParams), responses(ListPage<DeliveryLogEntry>, PermissionErrors<perm::ManageSettings>, PathIdErrors, QueryErrors))]
#[get("/webhooks/{id}/deliveries")]
async fn list_deliveries(ctx: Ctx, _admin: Admin, id: web::Path<Uuid>, paging: Paging) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    endpoint(&mut conn, *id).await?;
    Ok(paging.respond(webhook_deliveries::log(&mut conn, *id, paging.page()).await?))
}

/// Sends a delivered or failed delivery again: the same event id and body, after the
/// endpoint's pending deliveries, with a fresh set of attempts. 409 while it is pending
/// or the endpoint is turned off.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "Endpoint id"), ("deliveryId" = i64, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued again", body = WebhookDelivery),
        PermissionErrors<perm::ManageSettings>, PathIdErrors,
        (status = 409, description = "Still pending, or the endpoint is turned off", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{deliveryId}/redeliver")]
async fn redeliver(ctx: Ctx, admin: Admin, path: web::Path<(Uuid, i64)>) -> AppResult<HttpResponse> {
    let (id, delivery_id) = path.into_inner();
    let delivery = ctx
        .transaction(async |conn| {
            let endpoint = endpoint(conn, id).await?;
            let before =
                webhook_deliveries::find(conn, id, delivery_id).await?.found(format_args!("Delivery {delivery_id}"))?;
            if !endpoint.active {
                return Err(inactive(&endpoint));
            }
            let after = webhook_deliveries::redeliver(conn, id, delivery_id).await?.ok_or_else(|| {
                AppError::new(ErrorCode::Conflict, format!("Delivery {delivery_id} is still pending"))
            })?;
            let entry = Entry::new(
                "webhook_delivery.redeliver",
                Subject::bare("webhook_delivery", delivery_id),
                format!(
                    "Queued {} (evt_{}) again for webhook endpoint {}",
                    after.event_type, after.event_id, endpoint.url
                ),
            )
            .before(&before)
            .after(&after);
            ctx.audit.by(admin.actor()).record(conn, entry).await?;
            webhooks::wake(conn, &[id]).await?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
