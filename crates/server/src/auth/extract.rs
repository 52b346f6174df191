//! Who is calling: `Principal` authenticates (401 otherwise) by API key, bearer token or
//! session cookie, once per request. The guards (`auth::guard`) decide what they may do.

use crate::auth::api_keys;
use crate::auth::cookies::{ACCESS_COOKIE, CSRF_HEADER};
use crate::auth::tokens::{self, TokenError};
use crate::error::AppError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::Utc;
use domain::identity::api_keys::ApiKeyScope;
use domain::identity::permissions::Access;
use domain::visibility::Caller;
use domain::ErrorCode;
use futures_util::future::LocalBoxFuture;
use std::sync::Arc;
use storage::identity::api_keys::ApiKeyRow;
use storage::identity::users::UserRow;
use subtle::ConstantTimeEq;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    Cookie,
    Bearer,
    ApiKey { id: uuid::Uuid },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: Arc<UserRow>,
    pub access: Access,
    pub method: AuthMethod,
}

impl Principal {
    pub fn id(&self) -> i32 {
        self.user.id
    }

    /// The parts of the caller the row scope rules (`domain::visibility`) read.
    pub fn caller(&self) -> Caller<'_> {
        Caller { user_id: self.id(), access: self.access, client_id: self.user.client_id.as_deref() }
    }
}

/// The access token from `Authorization: Bearer`, else from the session cookie.
pub fn bearer_or_cookie_token(req: &HttpRequest) -> Option<String> {
    bearer_token(req).or_else(|| req.cookie(ACCESS_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty()))
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

fn is_safe_method(req: &HttpRequest) -> bool {
    req.method().is_safe()
}

/// Loads a user through the cache.
pub async fn load_user(state: &AppState, user_id: i32) -> Result<Option<Arc<UserRow>>, AppError> {
    state
        .users
        .get_or_set(&format!("user:{user_id}"), async {
            let mut conn = state.conn().await?;
            Ok::<_, AppError>(storage::identity::users::find(&mut conn, user_id).await?.map(Arc::new))
        })
        .await
}

async fn load_api_key(state: &AppState, prefix: &str) -> Result<Option<Arc<ApiKeyRow>>, AppError> {
    state
        .api_keys
        .get_or_set(&format!("apikey:{prefix}"), async {
            let mut conn = state.conn().await?;
            Ok::<_, AppError>(storage::identity::api_keys::find_by_prefix(&mut conn, prefix).await?.map(Arc::new))
        })
        .await
}

fn principal(user: Arc<UserRow>, method: AuthMethod) -> Result<Principal, AppError> {
    if !user.is_active {
        return Err(AppError::unauthenticated("This account has been deactivated"));
    }
    let access = Access::new(user.role, user.custom_permissions);
    Ok(Principal { user, access, method })
}

/// The key's row when the key is genuine, active and unexpired (through the cache, so a
/// known key costs no query). The rate limiter uses it too, before counting against a key.
pub async fn verify_api_key(state: &AppState, key: &str) -> Result<Arc<ApiKeyRow>, AppError> {
    let invalid = || AppError::unauthenticated("The API key is invalid");
    let prefix = api_keys::prefix_of(key).ok_or_else(invalid)?;
    let row = load_api_key(state, prefix).await?.ok_or_else(invalid)?;
    if !api_keys::matches(key, &row.key_hash) {
        return Err(invalid());
    }
    if row.revoked_at.is_some() {
        return Err(AppError::unauthenticated("The API key has been revoked"));
    }
    if row.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(AppError::unauthenticated("The API key has expired"));
    }
    Ok(row)
}

async fn from_api_key(req: &HttpRequest, state: &AppState, key: &str) -> Result<Principal, AppError> {
    let row = verify_api_key(state, key).await?;
    let now = Utc::now();
    if !ApiKeyScope::allows(&row.scopes, is_safe_method(req)) {
        return Err(AppError::forbidden(format!("This API key's scopes do not allow {} requests", req.method())));
    }
    if row.last_used_at.is_none_or(|at| now - at > chrono::Duration::seconds(60)) {
        touch_api_key(state, &row).await;
    }
    let user =
        load_user(state, row.user_id).await?.ok_or_else(|| AppError::unauthenticated("The API key is invalid"))?;
    principal(user, AuthMethod::ApiKey { id: row.id })
}

/// Records use at most once a minute per key; a failure here must not fail the request.
async fn touch_api_key(state: &AppState, row: &ApiKeyRow) {
    let result = async {
        let mut conn = state.conn().await?;
        storage::identity::api_keys::touch_last_used(&mut conn, row.id).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => state.api_keys.delete(&format!("apikey:{}", row.key_prefix)).await,
        Err(error) => tracing::warn!(%error, "could not record API key use"),
    }
}

async fn from_token(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    method: AuthMethod,
) -> Result<Principal, AppError> {
    let claims = tokens::decode_access(&state.jwt, token).map_err(|e| match e {
        TokenError::Expired => AppError::new(ErrorCode::TokenExpired, "The access token has expired; refresh it"),
        TokenError::Invalid => AppError::unauthenticated("The access token is invalid"),
    })?;
    let user = load_user(state, claims.user_id())
        .await?
        .ok_or_else(|| AppError::unauthenticated("The access token's account no longer exists"))?;
    if method == AuthMethod::Cookie && !is_safe_method(req) {
        check_csrf(req, &state.jwt, &claims)?;
    }
    principal(user, method)
}

/// The header must carry the token of the sign-in the access cookie belongs to
/// (`tokens::csrf_token`), not merely repeat the cookie: a cookie planted by a sibling
/// subdomain or a man in the middle cannot match the victim's session.
fn check_csrf(req: &HttpRequest, keys: &tokens::JwtKeys, claims: &tokens::AccessClaims) -> Result<(), AppError> {
    let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let matches = claims.sid.as_deref().is_some_and(|sid| {
        let expected = tokens::csrf_token(keys, sid);
        bool::from(expected.as_bytes().ct_eq(header.as_bytes()))
    });
    if matches {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorCode::CsrfFailed,
            "Cookie-authenticated writes must send the mos_csrf cookie's value in the X-CSRF-Token header",
        ))
    }
}

/// Resolves the caller once per request: `Ok(None)` when no credentials were sent.
pub async fn authenticate(req: &HttpRequest) -> Result<Option<Principal>, AppError> {
    if let Some(done) = req.extensions().get::<Principal>() {
        return Ok(Some(done.clone()));
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
    let principal = if let Some(key) = req.headers().get("x-api-key") {
        let key = key.to_str().map_err(|_| AppError::unauthenticated("The API key is invalid"))?.trim().to_owned();
        from_api_key(req, &state, &key).await?
    } else if let Some(token) = bearer_token(req) {
        from_token(req, &state, &token, AuthMethod::Bearer).await?
    } else if let Some(token) = req.cookie(ACCESS_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty()) {
        from_token(req, &state, &token, AuthMethod::Cookie).await?
    } else {
        return Ok(None);
    };
    req.extensions_mut().insert(principal.clone());
    Ok(Some(principal))
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            authenticate(&req).await?.ok_or_else(|| {
                AppError::unauthenticated("Sign in, or send an Authorization: Bearer token or an X-API-Key header")
            })
        })
    }
}

/// The caller when credentials are valid, else `None` (never an error).
pub struct OptionalPrincipal(pub Option<Principal>);

impl FromRequest for OptionalPrincipal {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(OptionalPrincipal(authenticate(&req).await.ok().flatten())) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let req = TestRequest::default().insert_header(("Authorization", "bearer abc.def")).to_http_request();
        assert_eq!(bearer_token(&req).as_deref(), Some("abc.def"));
        let req = TestRequest::default().insert_header(("Authorization", "Basic abc")).to_http_request();
        assert_eq!(bearer_token(&req), None);
    }

    #[test]
    fn csrf_requires_the_token_of_the_session() {
        let keys = tokens::JwtKeys::new("0123456789abcdef0123456789abcdef", std::time::Duration::from_secs(60));
        let claims = |sid: Option<&str>| tokens::AccessClaims {
            sub: "1".into(),
            iss: "marketingos".into(),
            iat: 0,
            exp: 0,
            sid: sid.map(str::to_owned),
        };
        let with_header = |value: &str| TestRequest::post().insert_header((CSRF_HEADER, value)).to_http_request();
        let token = tokens::csrf_token(&keys, "family-a");
        assert!(check_csrf(&with_header(&token), &keys, &claims(Some("family-a"))).is_ok());
        let other_session = check_csrf(&with_header(&token), &keys, &claims(Some("family-b")));
        assert_eq!(other_session.unwrap_err().code, ErrorCode::CsrfFailed);
        assert!(check_csrf(&with_header(&token), &keys, &claims(None)).is_err(), "tokens without a session");
        assert!(check_csrf(&TestRequest::post().to_http_request(), &keys, &claims(Some("family-a"))).is_err());
    }
}
