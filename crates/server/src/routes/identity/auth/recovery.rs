//! Password recovery: a reset link by email, and the reset itself.

use crate::auth::{emails, passwords, tokens};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::responses::{JsonBodyErrors, RateLimitErrors, TokenErrors};
use crate::jobs::{self, Job, JobError, JobRun};
use crate::state::AppState;
use actix_web::{post, HttpResponse};
use diesel_async::AsyncConnection;
use domain::identity::auth::{ForgotPasswordRequest, MessageResponse, ResetPasswordRequest};
use domain::notifications::rules::{self, AccountChange};
use domain::ErrorCode;
use serde::{Deserialize, Serialize};
use storage::identity::users::UserChanges;

/// Emails a single-use reset link when the address belongs to an active account. The
/// answer is the same, and comes as fast, either way: it waits only for an enqueue; the
/// lookup and the email happen in a job after it, so neither the body nor the timing
/// reveals whether the account exists.
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
    let job = SendResetLink { email: body.email, request_id: ctx.audit.request_id.clone(), ip: ctx.audit.ip.clone() };
    ctx.transaction(async |conn| jobs::enqueue(conn, &job).await).await?;
    Ok(HttpResponse::Accepted()
        .json(MessageResponse::new("If an account uses this address, a reset link is on its way")))
}

/// The lookup and the email of a reset request, as a job.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendResetLink {
    email: String,
    request_id: Option<String>,
    ip: Option<String>,
}

impl Job for SendResetLink {
    const KIND: &'static str = "auth.reset_link";
    const MAX_ATTEMPTS: i32 = 5;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let audit = AuditContext::detached(self.request_id, self.ip);
        Ok(send_reset_link(&run.state, &audit, &self.email).await?)
    }
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
        crate::mail::queue(conn, &email).await?;
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
        ctx.audit.by(user_id).notify(conn, [rules::account_changed(user_id, AccountChange::Password)]).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Your password has been changed; sign in with it now")))
}
