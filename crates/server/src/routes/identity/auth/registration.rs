//! Public sign-up in two steps, so the answer never reveals which usernames or emails
//! have accounts: `POST /register` always answers 202 and emails the address (a link to
//! finish signing up, or a note that the address already has an account or the username
//! is taken); `POST /register/confirm` creates the account and signs it in.

use super::{issue_session, session_response};
use crate::auth::{emails, passwords, tokens};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::USERS;
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::responses::{JsonBodyErrors, RateLimitErrors, TokenErrors};
use crate::jobs::{self, Job, JobError, JobRun};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{post, HttpResponse};
use diesel_async::AsyncConnection;
use domain::identity::auth::{AuthSession, ConfirmTokenRequest, MessageResponse, RegisterRequest};
use domain::notifications::rules;
use domain::{ErrorCode, Problem, Role};
use serde::{Deserialize, Serialize};
use storage::identity::registrations::NewRegistration;
use storage::identity::users::NewUser;
use uuid::Uuid;

/// Starts a sign-up: always 202 with the same body. The answer waits only for the
/// password hash and an enqueue, the same work for every address; the lookups and the
/// email happen in a job after it, so its timing reveals nothing either.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "Accepted; the address gets an email either way", body = MessageResponse),
        JsonBodyErrors, RateLimitErrors,
    ),
    security()
)]
#[post("/register")]
pub(super) async fn register(ctx: Ctx, ValidJson(body): ValidJson<RegisterRequest>) -> AppResult<HttpResponse> {
    let job = StartSignup {
        password: passwords::hash(&body.password).await?,
        username: body.username,
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        request_id: ctx.audit.request_id.clone(),
        ip: ctx.audit.ip.clone(),
    };
    ctx.transaction(async |conn| jobs::enqueue(conn, &job).await).await?;
    Ok(HttpResponse::Accepted()
        .json(MessageResponse::new("Check your email: it has a link to finish signing up, or tells you what to do")))
}

/// The sign-up's checks and email, as a job.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartSignup {
    username: String,
    email: String,
    /// The argon2id hash, never the password.
    password: String,
    first_name: Option<String>,
    last_name: Option<String>,
    request_id: Option<String>,
    ip: Option<String>,
}

impl Job for StartSignup {
    const KIND: &'static str = "auth.signup";
    const MAX_ATTEMPTS: i32 = 5;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let audit = AuditContext::detached(self.request_id.clone(), self.ip.clone());
        Ok(start_signup(&run.state, &audit, self).await?)
    }
}

async fn start_signup(state: &AppState, audit: &AuditContext, body: StartSignup) -> AppResult<()> {
    let password = body.password.clone();
    let mut conn = state.conn().await?;
    let owner = storage::identity::users::find_by_email(&mut conn, &body.email).await?;
    let username_taken = storage::identity::users::find_by_username(&mut conn, &body.username).await?.is_some();
    let token = tokens::random_token();
    let expires_at = emails::link_expiry(&state.config)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let (activity_type, entity_type, entity_id, description) = if let Some(owner) = &owner {
            crate::mail::queue(conn, &emails::signup_existing_account(&state.config, owner)?).await?;
            let description = format!("Sign-up attempted with the email of {}", owner.username);
            ("auth.signup_existing_email", "user", owner.id.to_string(), description)
        } else if username_taken {
            let email = emails::signup_username_taken(&state.config, &body.email, &body.username)?;
            let id = crate::mail::queue(conn, &email).await?;
            let description = format!("Sign-up attempted with the taken username {}", body.username);
            ("auth.signup_username_taken", "email", id.to_string(), description)
        } else {
            let registration = NewRegistration {
                username: body.username.clone(),
                email: body.email.clone(),
                password,
                first_name: body.first_name.clone(),
                last_name: body.last_name.clone(),
                token_hash: tokens::sha256_hex(&token),
                expires_at,
            };
            let id = storage::identity::registrations::insert(conn, &registration).await?;
            let email = emails::signup_confirm(&state.config, &body.email, &body.username, &token)?;
            crate::mail::queue(conn, &email).await?;
            let description = format!("Sign-up of {} waiting for its email confirmation", body.username);
            ("auth.signup_requested", "pending_registration", id.to_string(), description)
        };
        audit
            .anonymous()
            .record(conn, Entry::new(activity_type, Subject::bare(entity_type, entity_id), description))
            .await
    })
    .await
}

/// Finishes a sign-up with the emailed token: creates the `prospective_client` account
/// and signs it in. The token works once; 409 when the username or email has been taken
/// in the meantime (the token then stays usable).
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmTokenRequest,
    responses(
        (status = 201, description = "Account created and signed in; session cookies are set", body = AuthSession),
        TokenErrors,
        (status = 409, description = "Username or email taken since the sign-up", body = Problem, content_type = "application/problem+json"),
    ),
    security()
)]
#[post("/register/confirm")]
pub(super) async fn confirm_registration(
    ctx: Ctx,
    ValidJson(body): ValidJson<ConfirmTokenRequest>,
) -> AppResult<HttpResponse> {
    let hash = tokens::sha256_hex(body.token.trim());
    let issued = ctx
        .transaction(async |conn| {
            let Some(pending) = storage::identity::registrations::consume(conn, &hash).await? else {
                return Err(AppError::new(
                    ErrorCode::InvalidToken,
                    "This sign-up link is invalid, already used or expired; sign up again",
                ));
            };
            let new_user = NewUser {
                username: pending.username,
                password: pending.password,
                email: Some(pending.email),
                first_name: pending.first_name,
                last_name: pending.last_name,
                role: Role::ProspectiveClient,
                client_id: None,
                creator_id: None,
                custom_permissions: Default::default(),
            };
            let user = storage::identity::users::insert(conn, &new_user).await.map_err(|e| USERS.problem(e))?;
            ctx.audit
                .by(user.id)
                .record(
                    conn,
                    Entry::new("user.register", Subject::bare("user", user.id), format!("{} signed up", user.username))
                        .after(&user.user.clone()),
                )
                .await?;
            ctx.audit.by(user.id).notify(conn, [rules::user_registered(&user)]).await?;
            if let Some(welcome) = emails::welcome(&ctx.config, &user.user, false)? {
                crate::mail::queue(conn, &welcome).await?;
            }
            issue_session(&ctx, conn, &user, Uuid::new_v4()).await
        })
        .await?;
    Ok(session_response(&ctx, StatusCode::CREATED, issued))
}
