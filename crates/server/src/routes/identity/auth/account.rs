//! The signed-in user's own account: profile, email change (confirmed by the new
//! address), password change. Credentials need the current password and a person
//! signed in: an API key cannot change its owner's email or password.

use super::{current, issue_session, session_response};
use crate::auth::guard::{Rule, Session};
use crate::auth::{emails, passwords, tokens, Principal, SignedIn};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::USERS;
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::responses::{JsonBodyErrors, SessionErrors, SignedInErrors, TokenErrors, Updated};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{patch, post, HttpResponse};
use domain::identity::auth::{AuthSession, ChangePasswordRequest, ConfirmTokenRequest, MessageResponse};
use domain::identity::users::{CurrentUser, UpdateProfileRequest};
use domain::notifications::rules::{self, AccountChange};
use domain::{ErrorCode, Problem};
use storage::identity::users::{UserChanges, UserRow};
use storage::AsyncPgConnection;
use uuid::Uuid;

/// Checks `currentPassword` for a credential change: 400 `required` when absent,
/// `mismatch` when wrong.
async fn check_current_password(user: &UserRow, given: Option<&str>) -> AppResult<()> {
    let given = given.ok_or_else(|| {
        AppError::field("currentPassword", "required", "Send your current password to change your email address")
    })?;
    if passwords::verify(given, Some(&user.password)).await? {
        Ok(())
    } else {
        Err(AppError::field("currentPassword", "mismatch", "The current password is not correct"))
    }
}

/// What a profile request does to the email. Only a change of case (the same mailbox)
/// is applied at once; another address must be confirmed first.
enum EmailUpdate {
    Unchanged,
    Recase(String),
    Pending(String),
}

fn email_update(user: &UserRow, requested: Option<Option<String>>) -> AppResult<EmailUpdate> {
    let current = user.email.as_deref();
    match requested {
        None => Ok(EmailUpdate::Unchanged),
        Some(None) if current.is_none() => Ok(EmailUpdate::Unchanged),
        // The address is how the owner recovers the account; only an admin may remove it.
        Some(None) => Err(AppError::field("email", "required", "Your account needs an email address")),
        Some(Some(new)) if current == Some(new.as_str()) => Ok(EmailUpdate::Unchanged),
        Some(Some(new)) if current.is_some_and(|c| c.eq_ignore_ascii_case(&new)) => Ok(EmailUpdate::Recase(new)),
        Some(Some(new)) => Ok(EmailUpdate::Pending(new)),
    }
}

/// Stores the pending change and queues the link to the new address and the notice to
/// the old one.
async fn request_email_change(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    audit: &AuditContext,
    user: &UserRow,
    new_email: &str,
) -> AppResult<()> {
    let token = tokens::random_token();
    let expires_at = emails::link_expiry(&state.config)?;
    storage::identity::email_changes::replace(conn, user.id, new_email, &tokens::sha256_hex(&token), expires_at)
        .await?;
    crate::mail::queue(conn, &emails::email_change_confirm(&state.config, user, new_email, &token)?).await?;
    if let Some(old_email) = user.email.as_deref() {
        crate::mail::queue(conn, &emails::email_change_notice(&state.config, user, old_email, new_email)?).await?;
    }
    audit
        .by(user.id)
        .record(
            conn,
            Entry::new(
                "user.email_change_requested",
                Subject::user(user.id),
                format!("{} asked to change their email address", user.username),
            ),
        )
        .await
}

/// Updates the signed-in user's own name and picture at once. A new `email` needs
/// `currentPassword` and a person signed in (not an API key); it is not applied here: the
/// new address gets a confirmation link (`POST /api/user/email/confirm`), the current one
/// a notice, and the answer is 202 with the account as it stands.
#[utoipa::path(
    tag = "auth",
    request_body = UpdateProfileRequest,
    responses(
        Updated<CurrentUser>,
        (status = 202, description = "Saved; the new email waits for its confirmation link", body = CurrentUser),
        SignedInErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input, or `currentPassword` missing (`required`) or wrong (`mismatch`) for an email change", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`API_KEY_NOT_ALLOWED`: an API key cannot change the email", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/user/profile")]
pub(super) async fn update_profile(
    ctx: Ctx,
    principal: Principal,
    ValidJson(body): ValidJson<UpdateProfileRequest>,
) -> AppResult<HttpResponse> {
    let email = email_update(&principal.user, body.email)?;
    if let EmailUpdate::Pending(_) = email {
        Session::admit(&principal)?;
        check_current_password(&principal.user, body.current_password.as_deref()).await?;
    }
    let changes = UserChanges {
        email: match &email {
            EmailUpdate::Recase(new) => Some(Some(new.clone())),
            EmailUpdate::Unchanged | EmailUpdate::Pending(_) => None,
        },
        first_name: body.first_name,
        last_name: body.last_name,
        profile_image_url: body.profile_image_url,
        ..Default::default()
    };
    let before = principal.user.user.clone();
    let user = ctx
        .transaction(async |conn| {
            let user =
                storage::identity::users::update(conn, principal.id(), &changes).await.map_err(|e| USERS.problem(e))?;
            ctx.audit
                .by(principal.id())
                .record(
                    conn,
                    Entry::new(
                        "user.profile_update",
                        Subject::user(user.id),
                        format!("{} updated their profile", user.username),
                    )
                    .before(&before)
                    .after(&user.user.clone()),
                )
                .await?;
            if user.user != before {
                ctx.audit.by(user.id).notify(conn, [rules::account_changed(user.id, AccountChange::Profile)]).await?;
            }
            if let EmailUpdate::Pending(new_email) = &email {
                request_email_change(&ctx, conn, &ctx.audit, &user, new_email).await?;
            }
            Ok(user)
        })
        .await?;
    let status = if matches!(email, EmailUpdate::Pending(_)) { StatusCode::ACCEPTED } else { StatusCode::OK };
    Ok(HttpResponse::build(status).json(current(&user)))
}

/// Applies an email change with the token emailed to the new address. Public: the token
/// is the credential. Works once; 409 when the address has meanwhile been taken (the
/// token then stays usable). Earlier reset links and pending changes stop working.
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmTokenRequest,
    responses(
        (status = 200, description = "Email changed", body = MessageResponse),
        TokenErrors,
        (status = 409, description = "The address belongs to another account", body = Problem, content_type = "application/problem+json"),
    ),
    security()
)]
#[post("/user/email/confirm")]
pub(super) async fn confirm_email(
    ctx: Ctx,
    ValidJson(body): ValidJson<ConfirmTokenRequest>,
) -> AppResult<HttpResponse> {
    let hash = tokens::sha256_hex(body.token.trim());
    let invalid =
        || AppError::new(ErrorCode::InvalidToken, "This confirmation link is invalid, already used or expired");
    ctx.transaction(async |conn| {
        let (user_id, new_email) = storage::identity::email_changes::consume(conn, &hash).await?.ok_or_else(invalid)?;
        let before =
            storage::identity::users::find(conn, user_id).await?.filter(|u| u.is_active).ok_or_else(invalid)?;
        let changes = UserChanges { email: Some(Some(new_email)), ..Default::default() };
        let user = storage::identity::users::update(conn, user_id, &changes).await.map_err(|e| USERS.problem(e))?;
        // Links mailed to the old address, and other pending changes, must not outlive it.
        storage::identity::password_resets::retire_for_user(conn, user_id).await?;
        storage::identity::email_changes::retire_for_user(conn, user_id).await?;
        ctx.audit
            .by(user_id)
            .record(
                conn,
                Entry::new(
                    "user.email_change",
                    Subject::user(user_id),
                    format!("{} confirmed their new email address", user.username),
                )
                .before(&before.user.clone())
                .after(&user.user.clone()),
            )
            .await?;
        ctx.audit.by(user_id).notify(conn, [rules::account_changed(user_id, AccountChange::Profile)]).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Your email address has been changed")))
}

/// Changes the signed-in user's password; needs the current one and a person signed in
/// (not an API key). Every other session is signed out and a fresh session is returned.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; a fresh session", body = AuthSession),
        SessionErrors, JsonBodyErrors,
        (status = 400, description = "Invalid input or wrong current password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/user/password")]
pub(super) async fn change_password(
    ctx: Ctx,
    SignedIn { principal, .. }: SignedIn,
    ValidJson(body): ValidJson<ChangePasswordRequest>,
) -> AppResult<HttpResponse> {
    if !passwords::verify(&body.current_password, Some(&principal.user.password)).await? {
        return Err(AppError::field("currentPassword", "mismatch", "The current password is not correct"));
    }
    let password = passwords::hash(&body.new_password).await?;
    let issued = ctx
        .transaction(async |conn| {
            let changes = UserChanges { password: Some(password), ..Default::default() };
            let user = storage::identity::users::update(conn, principal.id(), &changes).await?;
            storage::identity::refresh_tokens::revoke_all_for_user(conn, user.id).await?;
            ctx.audit
                .by(user.id)
                .record(
                    conn,
                    Entry::new(
                        "user.password_change",
                        Subject::user(user.id),
                        format!("{} changed their password", user.username),
                    ),
                )
                .await?;
            ctx.audit.by(user.id).notify(conn, [rules::account_changed(user.id, AccountChange::Password)]).await?;
            issue_session(&ctx, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    Ok(session_response(&ctx, StatusCode::OK, issued))
}
