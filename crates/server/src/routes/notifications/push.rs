//! Web Push subscriptions (the original's `/api/push/*` paths): the browser asks for the
//! VAPID public key, subscribes with it, and hands us the subscription.

use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::http::audit::{Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::respond::no_content;
use crate::http::responses::{Deleted, Found, JsonBodyErrors, SignedInErrors};
use actix_web::{get, post, HttpRequest, HttpResponse};
use domain::notifications::{PushSubscriptionRequest, PushUnsubscribeRequest, VapidPublicKey};
use domain::ErrorCode;
use storage::notifications::push::NewSubscription;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(vapid_public_key).service(subscribe).service(unsubscribe);
}

/// The key browsers subscribe with; `publicKey` is absent when web push is not set up.
#[utoipa::path(tag = "notifications", responses(Found<VapidPublicKey>), security())]
#[get("/push/vapid-public-key")]
async fn vapid_public_key(ctx: Ctx) -> HttpResponse {
    let public_key = ctx.web_push.as_ref().map(|push| push.public_key().to_owned());
    HttpResponse::Ok().json(VapidPublicKey { public_key })
}

/// Stores this browser's subscription for the caller (an endpoint seen before moves to
/// the caller). 503 without a VAPID key (`VAPID_PRIVATE_KEY`).
#[utoipa::path(
    tag = "notifications",
    request_body = PushSubscriptionRequest,
    responses(
        (status = 204, description = "Subscribed"),
        SignedInErrors, JsonBodyErrors,
        (status = 503, description = "Web push is not configured", body = domain::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/push/subscribe")]
async fn subscribe(
    ctx: Ctx,
    req: HttpRequest,
    principal: Principal,
    ValidJson(body): ValidJson<PushSubscriptionRequest>,
) -> AppResult<HttpResponse> {
    if ctx.web_push.is_none() {
        return Err(AppError::new(ErrorCode::ServiceUnavailable, "Web push is not configured on this server"));
    }
    let user = principal.id();
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| agent.chars().take(300).collect());
    let subscription = body.subscription;
    let row = NewSubscription {
        user_id: user,
        endpoint: subscription.endpoint,
        p256dh: subscription.keys.p256dh,
        auth: subscription.keys.auth,
        user_agent,
    };
    ctx.transaction(async |conn| {
        storage::notifications::push::upsert(conn, &row).await?;
        // The endpoint is a capability URL: the audit row names the browser, not it.
        let subject = Subject::bare("push_subscription", user).seen_by([user]);
        let browser = row.user_agent.as_deref().unwrap_or("a browser");
        ctx.audit
            .by(user)
            .record(conn, Entry::new("push.subscribe", subject, format!("Subscribed {browser} to push")))
            .await
    })
    .await?;
    Ok(no_content())
}

/// Forgets the caller's subscription for `endpoint`.
#[utoipa::path(
    tag = "notifications",
    request_body = PushUnsubscribeRequest,
    responses(Deleted, SignedInErrors, JsonBodyErrors, (status = 404, description = "No such subscription of the caller", body = domain::Problem, content_type = "application/problem+json"))
)]
#[post("/push/unsubscribe")]
async fn unsubscribe(
    ctx: Ctx,
    principal: Principal,
    ValidJson(body): ValidJson<PushUnsubscribeRequest>,
) -> AppResult<HttpResponse> {
    let user = principal.id();
    ctx.transaction(async |conn| {
        if !storage::notifications::push::remove(conn, user, &body.endpoint).await? {
            return Err(AppError::new(ErrorCode::NotFound, "No such push subscription"));
        }
        let subject = Subject::bare("push_subscription", user).seen_by([user]);
        ctx.audit
            .by(user)
            .record(conn, Entry::new("push.unsubscribe", subject, "Unsubscribed a browser from push"))
            .await
    })
    .await?;
    Ok(no_content())
}
