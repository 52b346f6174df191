//! API keys for integrators (`canManageSettings`): created keys act with their owner's
//! permissions, narrowed by scope.

use crate::auth::{api_keys, perm, Authorized, SignedIn};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::input::{ValidJson, ValidQuery};
use crate::http::pagination::Paginated;
use crate::state::AppState;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use diesel_async::AsyncConnection;
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
    responses(
        crate::http::responses::ListPage<ApiKey>,
        crate::http::responses::PermissionErrors<perm::ManageSettings>, crate::http::responses::QueryErrors,
    )
)]
#[get("/api-keys")]
async fn list_api_keys(
    state: web::Data<AppState>,
    _auth: Authorized<perm::ManageSettings>,
    req: HttpRequest,
    ValidQuery(page): ValidQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.page();
    let mut conn = state.conn().await?;
    let (keys, total) = storage::identity::api_keys::list(&mut conn, page).await?;
    Ok(Paginated::offset(keys, page, total).respond(&req))
}

/// Creates a key owned by the caller. The response is the only time the key is shown.
/// Needs a person signed in: a key minted by a key would outlive that key's revocation.
#[utoipa::path(
    tag = "api-keys",
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created; store `key` now", body = CreatedApiKey),
        crate::http::responses::PermissionErrors<perm::ManageSettings>, crate::http::responses::SessionErrors, crate::http::responses::JsonBodyErrors,
        (status = 403, description = "Lacks canManageSettings, or `API_KEY_NOT_ALLOWED`: called with an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
async fn create_api_key(
    state: web::Data<AppState>,
    auth: Authorized<perm::ManageSettings>,
    _signed_in: SignedIn,
    audit: AuditContext,
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
    let mut conn = state.conn().await?;
    let api_key = conn
        .transaction::<_, AppError, _>(async |conn| {
            let api_key = storage::identity::api_keys::insert(conn, &new_key).await?.key.clone();
            audit.by(auth.principal.id()).created(conn, &api_key).await?;
            Ok(api_key)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKey { api_key, key: generated.key }))
}

/// Revokes a key at once; revoking a revoked key is a no-op.
#[utoipa::path(
    tag = "api-keys",
    params(("id" = Uuid, Path, description = "API key id")),
    responses(
        (status = 204, description = "Revoked"),
        crate::http::responses::PermissionErrors<perm::ManageSettings>, crate::http::responses::PathIdErrors,
    )
)]
#[delete("/api-keys/{id}")]
async fn revoke_api_key(
    state: web::Data<AppState>,
    auth: Authorized<perm::ManageSettings>,
    audit: AuditContext,
    id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let existing = storage::identity::api_keys::find(conn, id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("API key {id}")))?;
        let Some(revoked) = storage::identity::api_keys::revoke(conn, id).await? else {
            return Ok(());
        };
        audit
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
    Ok(HttpResponse::NoContent().finish())
}
