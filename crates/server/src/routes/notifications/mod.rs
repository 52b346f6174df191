//! The signed-in user's notifications (the original's paths, with the ownership checks
//! it lacked: another user's notification is a 404) and their preferences.

pub mod push;

use crate::auth::Principal;
use crate::error::{AppResult, OrNotFound};
use crate::http::audit::{Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::Paging;
use crate::http::respond::no_content;
use crate::http::responses::{
    Deleted, Found, JsonBodyErrors, ListPage, PathIdErrors, QueryErrors, SignedInErrors, Updated,
};
use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use chrono::Utc;
use domain::notifications::legacy::{apply_legacy, legacy_view, LegacyPreferences, LegacyPreferencesChange};
use domain::notifications::rules;
use domain::notifications::{
    complete_preferences, with_changes, MarkedRead, Notification, NotificationFilter, NotificationPreference,
    NotificationsCreated, UnreadCount, UpdatePreferencesRequest,
};
use domain::pagination::PageParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(unread_count)
        .service(mark_all_read)
        .service(get_preferences)
        .service(save_preferences)
        .service(send_test)
        .service(check_tasks)
        .service(mark_read)
        .service(delete_notification)
        .service(get_legacy_preferences)
        .service(save_legacy_preferences);
    push::configure(cfg);
}

/// The caller's in-app notifications, newest first.
#[utoipa::path(
    tag = "notifications",
    params(NotificationFilter, PageParams),
    responses(ListPage<Notification>, SignedInErrors, QueryErrors)
)]
#[get("/notifications")]
async fn list_notifications(
    ctx: Ctx,
    principal: Principal,
    ValidQuery(filter): ValidQuery<NotificationFilter>,
    paging: Paging,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::notifications::list(&mut conn, principal.id(), &filter, paging.page()).await?))
}

/// How many of the caller's notifications are unread (the bell's badge).
#[utoipa::path(tag = "notifications", responses(Found<UnreadCount>, SignedInErrors))]
#[get("/notifications/unread-count")]
async fn unread_count(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let unread = storage::notifications::unread_count(&mut conn, principal.id()).await?;
    Ok(HttpResponse::Ok().json(UnreadCount { unread }))
}

/// Marks one of the caller's notifications read.
#[utoipa::path(tag = "notifications", responses(Updated<Notification>, SignedInErrors, PathIdErrors))]
#[patch("/notifications/{id}/read")]
async fn mark_read(ctx: Ctx, principal: Principal, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (id, user) = (*id, principal.id());
    let notification = ctx
        .transaction(async |conn| {
            let notification =
                storage::notifications::mark_read(conn, user, id).await?.found(format_args!("Notification {id}"))?;
            let subject = Subject::bare("notification", id).seen_by([user]);
            ctx.audit.by(user).record(conn, Entry::new("notification.update", subject, "Read a notification")).await?;
            Ok(notification)
        })
        .await?;
    Ok(HttpResponse::Ok().json(notification))
}

/// Marks every notification of the caller read.
#[utoipa::path(tag = "notifications", responses(Found<MarkedRead>, SignedInErrors))]
#[patch("/notifications/read-all")]
async fn mark_all_read(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let user = principal.id();
    let updated = ctx
        .transaction(async |conn| {
            let updated = storage::notifications::mark_all_read(conn, user).await?;
            let subject = Subject::bare("notification", "all").seen_by([user]);
            let entry = Entry::new("notification.update", subject, format!("Read all notifications ({updated})"));
            ctx.audit.by(user).record(conn, entry).await?;
            Ok(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MarkedRead { updated: updated as i64 }))
}

/// Deletes one of the caller's notifications.
#[utoipa::path(tag = "notifications", responses(Deleted, SignedInErrors, PathIdErrors))]
#[delete("/notifications/{id}")]
async fn delete_notification(ctx: Ctx, principal: Principal, id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let (id, user) = (*id, principal.id());
    ctx.transaction(async |conn| {
        let notification =
            storage::notifications::delete(conn, user, id).await?.found(format_args!("Notification {id}"))?;
        let subject = Subject::bare("notification", id).seen_by([user]);
        let entry = Entry::new("notification.delete", subject, "Deleted a notification").before(&notification);
        ctx.audit.by(user).record(conn, entry).await
    })
    .await?;
    Ok(no_content())
}

/// Sends the caller a test notification on every channel they have on.
#[utoipa::path(
    tag = "notifications",
    responses((status = 201, description = "Sent", body = NotificationsCreated), SignedInErrors)
)]
#[post("/notifications/test")]
async fn send_test(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let user = principal.id();
    let created = ctx.transaction(async |conn| ctx.audit.by(user).notify(conn, [rules::test(user)]).await).await?;
    Ok(HttpResponse::Created().json(NotificationsCreated {
        message: "Test notification sent".to_owned(),
        notifications_created: created as i64,
    }))
}

/// Reminds the caller now of their tasks due within 24 hours or overdue (what the
/// 15-minute reminder job does for everyone); each task and state once.
#[utoipa::path(tag = "notifications", responses(Found<NotificationsCreated>, SignedInErrors))]
#[post("/notifications/check-tasks")]
async fn check_tasks(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let created = crate::notify::reminders::remind_of_due_tasks(&mut conn, Some(principal.id()), Utc::now()).await?;
    Ok(HttpResponse::Ok().json(NotificationsCreated {
        message: format!("{created} task reminder(s) created"),
        notifications_created: created as i64,
    }))
}

/// The caller's switches for every kind and channel (all on unless turned off).
#[utoipa::path(tag = "notifications", responses((status = 200, description = "Every kind's switches", body = [NotificationPreference]), SignedInErrors))]
#[get("/notifications/preferences")]
async fn get_preferences(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let stored = storage::notifications::preferences::of_user(&mut conn, principal.id()).await?;
    Ok(HttpResponse::Ok().json(complete_preferences(stored)))
}

/// Changes the switches of the given kinds; returns all of them.
#[utoipa::path(
    tag = "notifications",
    request_body = UpdatePreferencesRequest,
    responses((status = 200, description = "Saved; every kind's switches", body = [NotificationPreference]), SignedInErrors, JsonBodyErrors)
)]
#[put("/notifications/preferences")]
async fn save_preferences(
    ctx: Ctx,
    principal: Principal,
    ValidJson(body): ValidJson<UpdatePreferencesRequest>,
) -> AppResult<HttpResponse> {
    let all = change_preferences(&ctx, principal.id(), |all| with_changes(all, &body.preferences)).await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Applies `change` to the user's complete switches, stores them all and audits it, in one
/// transaction; returns them.
async fn change_preferences(
    ctx: &Ctx,
    user: i32,
    change: impl FnOnce(Vec<NotificationPreference>) -> Vec<NotificationPreference> + Send,
) -> AppResult<Vec<NotificationPreference>> {
    ctx.transaction(async |conn| {
        let before = complete_preferences(storage::notifications::preferences::of_user(conn, user).await?);
        let after = change(before.clone());
        storage::notifications::preferences::save(conn, user, &after).await?;
        let subject = Subject::bare("notification_preferences", user).seen_by([user]);
        let entry = Entry::new("notification_preferences.update", subject, "Changed notification preferences")
            .before(&before)
            .after(&after);
        ctx.audit.by(user).record(conn, entry).await?;
        Ok(after)
    })
    .await
}

/// The original's six switches, read from the switches per kind (see
/// `domain::notifications::legacy`).
#[utoipa::path(tag = "notifications", responses(Found<LegacyPreferences>, SignedInErrors))]
#[get("/user/notification-preferences")]
async fn get_legacy_preferences(ctx: Ctx, principal: Principal) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let stored = storage::notifications::preferences::of_user(&mut conn, principal.id()).await?;
    Ok(HttpResponse::Ok().json(legacy_view(&complete_preferences(stored))))
}

/// Changes the original's switches (absent ones stay); answers all six.
#[utoipa::path(
    tag = "notifications",
    request_body = LegacyPreferencesChange,
    responses(Updated<LegacyPreferences>, SignedInErrors, JsonBodyErrors)
)]
#[put("/user/notification-preferences")]
async fn save_legacy_preferences(
    ctx: Ctx,
    principal: Principal,
    ValidJson(change): ValidJson<LegacyPreferencesChange>,
) -> AppResult<HttpResponse> {
    let after = change_preferences(&ctx, principal.id(), |all| apply_legacy(all, &change)).await?;
    Ok(HttpResponse::Ok().json(legacy_view(&after)))
}
