//! Sign-in, sign-out, the current user and token refresh; sign-up, password recovery and
//! the self-service account live in the submodules — on the original's paths.

mod account;
pub mod recovery;
pub mod registration;

use crate::auth::cookies::{cleared_cookies, session_cookies, REFRESH_COOKIE};
use crate::auth::{passwords, tokens, OptionalPrincipal};
use crate::error::{AppError, AppResult};
use crate::http::audit::{Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::responses::{JsonBodyErrors, RateLimitErrors};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::identity::auth::{AuthSession, LoginRequest, MessageResponse, RefreshRequest};
use domain::identity::permissions::Access;
use domain::identity::users::CurrentUser;
use domain::notifications::rules;
use domain::{ErrorCode, Problem};
use storage::identity::users::UserRow;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(registration::register)
        .service(registration::confirm_registration)
        .service(login)
        .service(logout)
        .service(current_user)
        .service(refresh)
        .service(recovery::forgot_password)
        .service(recovery::reset_password)
        .service(account::update_profile)
        .service(account::confirm_email)
        .service(account::change_password);
}

pub fn current(user: &UserRow) -> CurrentUser {
    let access = Access::new(user.role, user.custom_permissions);
    CurrentUser { user: user.user.clone(), permissions: access.flags() }
}

/// A session issued inside a transaction; turned into a response (with cookies) after.
pub struct IssuedSession {
    body: AuthSession,
    csrf: String,
}

/// Issues an access token and a new refresh token in `family` (a new family on sign-in).
/// The family is the session id the access token and the CSRF token are bound to.
async fn issue_session(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    user: &UserRow,
    family: Uuid,
) -> AppResult<IssuedSession> {
    let session = family.to_string();
    let access_token = tokens::issue_access(&state.jwt, user.id, &session).map_err(AppError::internal)?;
    let refresh_token = tokens::random_token();
    let expires_at =
        Utc::now() + chrono::Duration::from_std(state.config.refresh_token_ttl).map_err(AppError::internal)?;
    storage::identity::refresh_tokens::insert(conn, user.id, family, &tokens::sha256_hex(&refresh_token), expires_at)
        .await?;
    let body = AuthSession {
        user: current(user),
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.config.access_token_ttl.as_secs() as i64,
        refresh_token,
    };
    Ok(IssuedSession { body, csrf: tokens::csrf_token(&state.jwt, &session) })
}

fn session_response(state: &AppState, status: StatusCode, issued: IssuedSession) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    for cookie in session_cookies(&state.config, &issued.body.access_token, &issued.body.refresh_token, &issued.csrf) {
        response.cookie(cookie);
    }
    response.json(issued.body)
}

/// Signs in with a username or email and a password.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; session cookies are set", body = AuthSession),
        JsonBodyErrors, RateLimitErrors,
        (status = 401, description = "Wrong username or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Account deactivated", body = Problem, content_type = "application/problem+json"),
    ),
    security()
)]
#[post("/login")]
async fn login(ctx: Ctx, ValidJson(body): ValidJson<LoginRequest>) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let user = storage::identity::users::find_by_login(&mut conn, &body.username).await?;
    let verified = passwords::verify(&body.password, user.as_ref().map(|u| u.password.as_str())).await?;
    let user = match user {
        Some(user) if verified => user,
        _ => {
            // The same notice whether the account exists or not: the answer's timing tells nothing.
            let ip = ctx.audit.ip.as_deref().unwrap_or("an unknown address");
            let notice = rules::sign_in_failed(&body.username, ip, chrono::Utc::now());
            ctx.audit.anonymous().notify(&mut conn, [notice]).await?;
            return Err(AppError::new(ErrorCode::InvalidCredentials, "Invalid username or password"));
        }
    };
    if !user.is_active {
        return Err(AppError::new(ErrorCode::AccountDisabled, "This account has been deactivated"));
    }
    let issued = conn
        .transaction::<_, AppError, _>(async |conn| {
            let user = storage::identity::users::record_login(conn, user.id).await?;
            // The cached account still has the previous lastLoginAt.
            ctx.audit
                .by(user.id)
                .record(conn, Entry::new("auth.login", Subject::user(user.id), format!("{} signed in", user.username)))
                .await?;
            issue_session(&ctx, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    Ok(session_response(&ctx, StatusCode::OK, issued))
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
    ),
    security()
)]
#[post("/logout")]
async fn logout(ctx: Ctx, req: HttpRequest, body: web::Bytes) -> AppResult<HttpResponse> {
    let body = optional_refresh_body(&body)?;
    if let Some(token) = refresh_token_from(&req, body.as_ref()) {
        let mut conn = ctx.conn().await?;
        let hash = tokens::sha256_hex(&token);
        conn.transaction::<_, AppError, _>(async |conn| {
            if let Some(row) = storage::identity::refresh_tokens::find_for_update(conn, &hash).await? {
                storage::identity::refresh_tokens::revoke_family(conn, row.family_id).await?;
            }
            Ok(())
        })
        .await?;
    }
    let mut response = HttpResponse::Ok();
    for cookie in cleared_cookies(&ctx.config) {
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
        RateLimitErrors,
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Refresh token missing, expired, revoked or reused", body = Problem, content_type = "application/problem+json"),
    ),
    security()
)]
#[post("/auth/refresh")]
async fn refresh(ctx: Ctx, req: HttpRequest, body: web::Bytes) -> AppResult<HttpResponse> {
    let body = optional_refresh_body(&body)?;
    let token = refresh_token_from(&req, body.as_ref())
        .ok_or_else(|| AppError::unauthenticated("Send the refresh token in the body or the mos_refresh cookie"))?;
    let hash = tokens::sha256_hex(&token);
    let mut conn = ctx.conn().await?;
    let outcome = conn
        .transaction::<_, AppError, _>(async |conn| {
            let Some(row) = storage::identity::refresh_tokens::find_for_update(conn, &hash).await? else {
                return Ok(Err("The refresh token is not valid; sign in again"));
            };
            if row.rotated_at.is_some() {
                // A rotated token coming back means it was copied: end the whole sign-in.
                storage::identity::refresh_tokens::revoke_family(conn, row.family_id).await?;
                tracing::warn!(user_id = row.user_id, "refresh token reuse detected; session family revoked");
                return Ok(Err("The refresh token was already used; every session of this sign-in has been revoked"));
            }
            if row.revoked_at.is_some() || row.expires_at <= Utc::now() {
                return Ok(Err("The refresh token has expired or been revoked; sign in again"));
            }
            let Some(user) = storage::identity::users::find(conn, row.user_id).await?.filter(|u| u.is_active) else {
                return Ok(Err("The account is no longer active"));
            };
            storage::identity::refresh_tokens::mark_rotated(conn, row.id).await?;
            issue_session(&ctx, conn, &user, row.family_id).await.map(Ok)
        })
        .await?;
    let issued = outcome.map_err(AppError::unauthenticated)?;
    Ok(session_response(&ctx, StatusCode::OK, issued))
}
