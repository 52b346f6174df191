//! API keys for integrators (`canManageSettings`): created keys act with their owner's
//! permissions, narrowed by scope.

use crate::auth::{api_keys, perm, Authorized, SignedIn};
use crate::error::AppResult;
use crate::error::OrNotFound;
use crate::http::audit::{Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::input::ValidJson;
use crate::http::pagination::Paging;
use crate::http::respond::no_content;
use crate::http::responses::{JsonBodyErrors, ListPage, PathIdErrors, PermissionErrors, QueryErrors, SessionErrors};
use actix_web::{delete, get, post, web, HttpResponse};
use domain::identity::api_keys::{ApiKey, ApiKeyScope, CreateApiKeyRequest, CreatedApiKey};
use domain::pagination::PageParams;
use domain::Problem;
use storage::identity::api_keys::NewApiKey;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys).service(create_api_key).service(revoke_api_key);
}

/// Lists API keys (never their secrets), newest first.
#[utoipa::path(
    tag = "api-keys",
    params(PageParams),
    responses(ListPage<ApiKey>, PermissionErrors<perm::ManageSettings>, QueryErrors)
)]
#[get("/api-keys")]
async fn list_api_keys(ctx: Ctx, _auth: Authorized<perm::ManageSettings>, paging: Paging) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    Ok(paging.respond(storage::identity::api_keys::list(&mut conn, paging.page()).await?))
}

/// Creates a key owned by the caller. The response is the only time the key is shown.
/// Needs a person signed in: a key minted by a key would outlive that key's revocation.
#[utoipa::path(
    tag = "api-keys",
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created; store `key` now", body = CreatedApiKey),
        PermissionErrors<perm::ManageSettings>, SessionErrors, JsonBodyErrors,
        (status = 403, description = "Lacks canManageSettings, or `API_KEY_NOT_ALLOWED`: called with an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
async fn create_api_key(
    ctx: Ctx,
    auth: Authorized<perm::ManageSettings>,
    _signed_in: SignedIn,
    ValidJson(body): ValidJson<CreateApiKeyRequest>,
) -> AppResult<HttpResponse> {
    let generated = api_keys::generate();
    let mut scopes = body.scopes.unwrap_or_else(|| vec![ApiKeyScope::Full]);
    scopes.dedup();
    let new_key = NewApiKey {
        user_id: auth.principal.id(),
        name: body.name.trim().to_owned(),
        key_prefix: generated.prefix.clone(),
        key_hash: generated.hash.clone(),
        scopes: scopes.clone(),
        expires_at: body.expires_at,
    };
    let api_key = ctx
        .transaction(async |conn| {
            let api_key = storage::identity::api_keys::insert(conn, &new_key).await?.key.clone();
            ctx.audit.by(auth.principal.id()).created(conn, api_key).await
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey { api_key, key: generated.key }))
}

/// Revokes a key at once; revoking a revoked key is a no-op.
#[utoipa::path(
    tag = "api-keys",
    responses((status = 204, description = "Revoked"), PermissionErrors<perm::ManageSettings>, PathIdErrors)
)]
#[delete("/api-keys/{id}")]
async fn revoke_api_key(
    ctx: Ctx,
    auth: Authorized<perm::ManageSettings>,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = *id;
    ctx.transaction(async |conn| {
        let existing = storage::identity::api_keys::find(conn, id).await?.found(format_args!("API key {id}"))?;
        let Some(revoked) = storage::identity::api_keys::revoke(conn, id).await? else {
            return Ok(());
        };
        ctx.audit
            .by(auth.principal.id())
            .record(
                conn,
                Entry::new(
                    "api_key.revoke",
                    Subject::of(&revoked.key.clone()),
                    format!("Revoked API key {} ({})", revoked.name, revoked.key_prefix),
                )
                .before(&existing.key.clone())
                .after(&revoked.key.clone()),
            )
            .await?;
        Ok(())
    })
    .await?;
    Ok(no_content())
}
