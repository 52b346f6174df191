//! Sign-up, sign-in, sign-out, the current user, token refresh, password reset and
//! self-service profile — on the original's paths.

use crate::auth::cookies::{cleared_cookies, session_cookies, REFRESH_COOKIE};
use crate::auth::{passwords, tokens, OptionalPrincipal, Principal};
use crate::error::{AppError, AppResult};
use crate::http::audit::{snapshot, AuditContext, Change};
use crate::http::input::ValidJson;
use crate::routes::users::unique_conflict;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::auth::{
    AuthSession, ChangePasswordRequest, ForgotPasswordRequest, LoginRequest, MessageResponse, RefreshRequest,
    RegisterRequest, ResetPasswordRequest,
};
use domain::permissions::Access;
use domain::users::{CurrentUser, UpdateProfileRequest};
use domain::{ErrorCode, Problem, Role};
use storage::users::{NewUser, UserChanges, UserRow};
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(logout)
        .service(current_user)
        .service(refresh)
        .service(forgot_password)
        .service(reset_password)
        .service(update_profile)
        .service(change_password);
}

pub fn current(user: &UserRow) -> CurrentUser {
    let access = Access::new(user.role(), user.overrides());
    CurrentUser { user: user.to_user(), permissions: access.flags() }
}

/// A session issued inside a transaction; turned into a response (with cookies) after.
pub struct IssuedSession {
    body: AuthSession,
    csrf: String,
}

/// Issues an access token and a new refresh token in `family` (a new family on sign-in).
async fn issue_session(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    user: &UserRow,
    family: Uuid,
) -> AppResult<IssuedSession> {
    let access_token = tokens::issue_access(&state.jwt, user.id).map_err(AppError::internal)?;
    let refresh_token = tokens::random_token();
    let expires_at =
        Utc::now() + chrono::Duration::from_std(state.config.refresh_token_ttl).map_err(AppError::internal)?;
    storage::refresh_tokens::insert(conn, user.id, family, &tokens::sha256_hex(&refresh_token), expires_at).await?;
    let body = AuthSession {
        user: current(user),
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.config.access_token_ttl.as_secs() as i64,
        refresh_token,
    };
    Ok(IssuedSession { body, csrf: tokens::random_token() })
}

fn session_response(state: &AppState, status: StatusCode, issued: IssuedSession) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    for cookie in session_cookies(&state.config, &issued.body.access_token, &issued.body.refresh_token, &issued.csrf) {
        response.cookie(cookie);
    }
    response.json(issued.body)
}

/// Creates a `prospective_client` account and signs it in.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in; session cookies are set", body = AuthSession),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Username or email taken", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/register")]
async fn register(
    state: web::Data<AppState>,
    audit: AuditContext,
    ValidJson(body): ValidJson<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let password = passwords::hash(&body.password).await?;
    let new_user = NewUser {
        username: body.username,
        password,
        email: Some(body.email),
        first_name: body.first_name,
        last_name: body.last_name,
        role: Role::ProspectiveClient.as_str().to_owned(),
        client_id: None,
        creator_id: None,
        custom_permissions: serde_json::json!({}),
    };
    let mut conn = state.conn().await?;
    let issued = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user = storage::users::insert(conn, &new_user).await.map_err(unique_conflict)?;
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(user.id),
                        activity_type: "user.register",
                        description: format!("{} signed up", user.username),
                        entity_type: "user",
                        entity_id: user.id.to_string(),
                        before: None,
                        after: snapshot(&user.to_user()),
                    },
                )
                .await?;
            issue_session(&state, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    Ok(session_response(&state, StatusCode::CREATED, issued))
}

/// Signs in with a username or email and a password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; session cookies are set", body = AuthSession),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account deactivated", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/login")]
async fn login(
    state: web::Data<AppState>,
    audit: AuditContext,
    ValidJson(body): ValidJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let user = storage::users::find_by_login(&mut conn, &body.username).await?;
    let verified = passwords::verify(&body.password, user.as_ref().map(|u| u.password.as_str())).await?;
    let user = match user {
        Some(user) if verified => user,
        _ => return Err(AppError::new(ErrorCode::InvalidCredentials, "Invalid username or password")),
    };
    if !user.is_active {
        return Err(AppError::new(ErrorCode::AccountDisabled, "This account has been deactivated"));
    }
    let issued = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user = storage::users::record_login(conn, user.id).await?;
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(user.id),
                        activity_type: "auth.login",
                        description: format!("{} signed in", user.username),
                        entity_type: "user",
                        entity_id: user.id.to_string(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
            issue_session(&state, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    // The cached account still has the previous lastLoginAt.
    state.forget_user(issued.body.user.user.id).await;
    Ok(session_response(&state, StatusCode::OK, issued))
}

fn refresh_token_from(req: &HttpRequest, body: Option<&RefreshRequest>) -> Option<String> {
    body.and_then(|b| b.refresh_token.clone())
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
}

fn optional_refresh_body(bytes: &[u8]) -> AppResult<Option<RefreshRequest>> {
    // No body, or the JSON `null` the documented `oneOf: [null, RefreshRequest]` allows.
    if matches!(bytes.trim_ascii(), b"" | b"null") {
        Ok(None)
    } else {
        crate::http::input::parse_json(bytes).map(Some)
    }
}

/// Signs out: revokes the refresh token's session and clears the cookies. Always succeeds.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional; browsers send the refresh cookie instead"),
    responses(
        (status = 200, description = "Signed out", body = MessageResponse),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/logout")]
async fn logout(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> AppResult<HttpResponse> {
    let body = optional_refresh_body(&body)?;
    if let Some(token) = refresh_token_from(&req, body.as_ref()) {
        let mut conn = state.conn().await?;
        let hash = tokens::sha256_hex(&token);
        conn.transaction::<_, AppError, _>(async |conn| {
            if let Some(row) = storage::refresh_tokens::find_for_update(conn, &hash).await? {
                storage::refresh_tokens::revoke_family(conn, row.family_id).await?;
            }
            Ok(())
        })
        .await?;
    }
    let mut response = HttpResponse::Ok();
    for cookie in cleared_cookies(&state.config) {
        response.cookie(cookie);
    }
    Ok(response.json(MessageResponse::new("Signed out")))
}

/// The signed-in user with effective permissions, or `null` when signed out.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The current user, or null", body = Option<CurrentUser>)),
    security((), ("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[get("/user")]
async fn current_user(principal: OptionalPrincipal) -> HttpResponse {
    HttpResponse::Ok().json(principal.0.map(|p| current(&p.user)))
}

/// Exchanges a refresh token (body or cookie) for a new session. The old refresh token
/// stops working; presenting it again revokes every session of that sign-in.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "Optional; browsers send the refresh cookie instead"),
    responses(
        (status = 200, description = "A new session; cookies are replaced", body = AuthSession),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Refresh token missing, expired, revoked or reused", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
async fn refresh(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> AppResult<HttpResponse> {
    let body = optional_refresh_body(&body)?;
    let token = refresh_token_from(&req, body.as_ref())
        .ok_or_else(|| AppError::unauthenticated("Send the refresh token in the body or the mos_refresh cookie"))?;
    let hash = tokens::sha256_hex(&token);
    let mut conn = state.conn().await?;
    let outcome = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(row) = storage::refresh_tokens::find_for_update(conn, &hash).await? else {
                return Ok(Err("The refresh token is not valid; sign in again"));
            };
            if row.rotated_at.is_some() {
                // A rotated token coming back means it was copied: end the whole sign-in.
                storage::refresh_tokens::revoke_family(conn, row.family_id).await?;
                tracing::warn!(user_id = row.user_id, "refresh token reuse detected; session family revoked");
                return Ok(Err("The refresh token was already used; every session of this sign-in has been revoked"));
            }
            if row.revoked_at.is_some() || row.expires_at <= Utc::now() {
                return Ok(Err("The refresh token has expired or been revoked; sign in again"));
            }
            let Some(user) = storage::users::find(conn, row.user_id).await?.filter(|u| u.is_active) else {
                return Ok(Err("The account is no longer active"));
            };
            storage::refresh_tokens::mark_rotated(conn, row.id).await?;
            issue_session(&state, conn, &user, row.family_id).await.map(Ok)
        })
        .await?;
    let issued = outcome.map_err(AppError::unauthenticated)?;
    Ok(session_response(&state, StatusCode::OK, issued))
}

/// Emails a single-use reset link when the address belongs to an account. The answer is
/// the same either way, so it cannot be used to discover accounts.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted", body = MessageResponse),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/forgot-password")]
async fn forgot_password(
    state: web::Data<AppState>,
    audit: AuditContext,
    ValidJson(body): ValidJson<ForgotPasswordRequest>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    if let Some(user) = storage::users::find_by_email(&mut conn, &body.email).await?.filter(|u| u.is_active) {
        let token = tokens::random_token();
        let expires_at =
            Utc::now() + chrono::Duration::from_std(state.config.password_reset_ttl).map_err(AppError::internal)?;
        let mut link = state.config.public_url.join("/reset-password").map_err(AppError::internal)?;
        link.query_pairs_mut().append_pair("token", &token);
        let minutes = state.config.password_reset_ttl.as_secs() / 60;
        let email = storage::outbox::NewEmail {
            to_address: user.email.clone().unwrap_or_default(),
            subject: "Reset your MarketingOS password".to_owned(),
            body_text: format!(
                "Hello {},\n\nSomeone asked to reset the password of your MarketingOS account. \
                 To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n\
                 If it was not you, ignore this email: your password stays as it is.\n",
                user.first_name.as_deref().unwrap_or(&user.username)
            ),
            template: "password_reset".to_owned(),
        };
        conn.transaction::<_, AppError, _>(async |conn| {
            storage::password_resets::replace(conn, user.id, &tokens::sha256_hex(&token), expires_at).await?;
            storage::outbox::enqueue(conn, &email).await?;
            audit
                .record(
                    conn,
                    Change {
                        actor: None,
                        activity_type: "auth.password_reset_requested",
                        description: format!("Password reset requested for {}", user.username),
                        entity_type: "user",
                        entity_id: user.id.to_string(),
                        before: None,
                        after: None,
                    },
                )
                .await
        })
        .await?;
    }
    Ok(HttpResponse::Accepted()
        .json(MessageResponse::new("If an account uses this address, a reset link is on its way")))
}

/// Sets a new password with a reset token; the token works once, and every existing
/// session of the account is signed out.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "Password changed", body = MessageResponse),
        (status = 400, description = "Invalid input, or the token is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/reset-password")]
async fn reset_password(
    state: web::Data<AppState>,
    audit: AuditContext,
    ValidJson(body): ValidJson<ResetPasswordRequest>,
) -> AppResult<HttpResponse> {
    let password = passwords::hash(&body.password).await?;
    let hash = tokens::sha256_hex(body.token.trim());
    let mut conn = state.conn().await?;
    let user_id = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(user_id) = storage::password_resets::consume(conn, &hash).await? else {
                return Err(AppError::new(
                    ErrorCode::InvalidToken,
                    "This reset link is invalid, already used or expired; request a new one",
                ));
            };
            let changes = UserChanges { password: Some(password), ..Default::default() };
            storage::users::update(conn, user_id, &changes).await?;
            storage::refresh_tokens::revoke_all_for_user(conn, user_id).await?;
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(user_id),
                        activity_type: "auth.password_reset",
                        description: "Password reset with an emailed token".to_owned(),
                        entity_type: "user",
                        entity_id: user_id.to_string(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
            Ok(user_id)
        })
        .await?;
    state.forget_user(user_id).await;
    Ok(HttpResponse::Ok().json(MessageResponse::new("Your password has been changed; sign in with it now")))
}

/// Updates the signed-in user's own name, email and picture.
#[utoipa::path(
    tag = "auth",
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The updated user", body = CurrentUser),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Email taken", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[patch("/user/profile")]
async fn update_profile(
    state: web::Data<AppState>,
    principal: Principal,
    audit: AuditContext,
    ValidJson(body): ValidJson<UpdateProfileRequest>,
) -> AppResult<HttpResponse> {
    let changes = UserChanges {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        profile_image_url: body.profile_image_url,
        ..Default::default()
    };
    let before = principal.user.to_user();
    let mut conn = state.conn().await?;
    let user = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user = storage::users::update(conn, principal.id(), &changes).await.map_err(unique_conflict)?;
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(principal.id()),
                        activity_type: "user.profile_update",
                        description: format!("{} updated their profile", user.username),
                        entity_type: "user",
                        entity_id: user.id.to_string(),
                        before: snapshot(&before),
                        after: snapshot(&user.to_user()),
                    },
                )
                .await?;
            Ok(user)
        })
        .await?;
    state.forget_user(user.id).await;
    Ok(HttpResponse::Ok().json(current(&user)))
}

/// Changes the signed-in user's password. Every other session is signed out and a fresh
/// session is returned for this one.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Password changed; a fresh session", body = AuthSession),
        (status = 400, description = "Invalid input or wrong current password", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[post("/user/password")]
async fn change_password(
    state: web::Data<AppState>,
    principal: Principal,
    audit: AuditContext,
    ValidJson(body): ValidJson<ChangePasswordRequest>,
) -> AppResult<HttpResponse> {
    if !passwords::verify(&body.current_password, Some(&principal.user.password)).await? {
        return Err(AppError::field("currentPassword", "mismatch", "The current password is not correct"));
    }
    let password = passwords::hash(&body.new_password).await?;
    let mut conn = state.conn().await?;
    let issued = conn
        .transaction::<_, AppError, _>(async |conn| {
            let changes = UserChanges { password: Some(password), ..Default::default() };
            let user = storage::users::update(conn, principal.id(), &changes).await?;
            storage::refresh_tokens::revoke_all_for_user(conn, user.id).await?;
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(user.id),
                        activity_type: "user.password_change",
                        description: format!("{} changed their password", user.username),
                        entity_type: "user",
                        entity_id: user.id.to_string(),
                        before: None,
                        after: None,
                    },
                )
                .await?;
            issue_session(&state, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    state.forget_user(principal.id()).await;
    Ok(session_response(&state, StatusCode::OK, issued))
}
