//! Password recovery: a reset link by email, and the reset itself.

use crate::auth::{emails, passwords, tokens};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::responses::{JsonBodyErrors, RateLimitErrors, TokenErrors};
use crate::state::AppState;
use actix_web::{post, HttpResponse};
use diesel_async::AsyncConnection;
use domain::identity::auth::{ForgotPasswordRequest, MessageResponse, ResetPasswordRequest};
use domain::ErrorCode;
use storage::identity::users::UserChanges;

/// Emails a single-use reset link when the address belongs to an active account. The
/// answer is the same, and comes as fast, either way: the lookup and the email happen
/// after it is sent, so neither the body nor the timing reveals whether the account exists.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses((status = 202, description = "Accepted", body = MessageResponse), JsonBodyErrors, RateLimitErrors),
    security()
)]
#[post("/auth/forgot-password")]
pub(super) async fn forgot_password(
    ctx: Ctx,
    ValidJson(body): ValidJson<ForgotPasswordRequest>,
) -> AppResult<HttpResponse> {
    // Not durable: a restart loses a request in flight (a job queue will take this over).
    actix_web::rt::spawn(async move {
        if let Err(error) = send_reset_link(&ctx, &ctx.audit, &body.email).await {
            tracing::error!(%error, "could not queue a password reset email");
        }
    });
    Ok(HttpResponse::Accepted()
        .json(MessageResponse::new("If an account uses this address, a reset link is on its way")))
}

async fn send_reset_link(state: &AppState, audit: &AuditContext, email: &str) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let Some(user) = storage::identity::users::find_by_email(&mut conn, email).await?.filter(|u| u.is_active) else {
        return Ok(());
    };
    let token = tokens::random_token();
    let expires_at = emails::link_expiry(&state.config)?;
    let email = emails::password_reset(&state.config, &user, &token)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        storage::identity::password_resets::replace(conn, user.id, &tokens::sha256_hex(&token), expires_at).await?;
        storage::outbox::enqueue(conn, &email).await?;
        audit
            .anonymous()
            .record(
                conn,
                Entry::new(
                    "auth.password_reset_requested",
                    Subject::bare("user", user.id),
                    format!("Password reset requested for {}", user.username),
                ),
            )
            .await
    })
    .await
}

/// Sets a new password with a reset token; the token works once, and every existing
/// session of the account is signed out.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses((status = 200, description = "Password changed", body = MessageResponse), TokenErrors),
    security()
)]
#[post("/auth/reset-password")]
pub(super) async fn reset_password(
    ctx: Ctx,
    ValidJson(body): ValidJson<ResetPasswordRequest>,
) -> AppResult<HttpResponse> {
    let password = passwords::hash(&body.password).await?;
    let hash = tokens::sha256_hex(body.token.trim());
    ctx.transaction(async |conn| {
        let Some(user_id) = storage::identity::password_resets::consume(conn, &hash).await? else {
            return Err(AppError::new(
                ErrorCode::InvalidToken,
                "This reset link is invalid, already used or expired; request a new one",
            ));
        };
        let changes = UserChanges { password: Some(password), ..Default::default() };
        storage::identity::users::update(conn, user_id, &changes).await?;
        storage::identity::refresh_tokens::revoke_all_for_user(conn, user_id).await?;
        ctx.audit
            .by(user_id)
            .record(
                conn,
                Entry::new("auth.password_reset", Subject::user(user_id), "Password reset with an emailed token"),
            )
            .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Your password has been changed; sign in with it now")))
}
