//! The rate-limit middleware: which allowance a request counts against. A key or user
//! counts only once its credentials verify: anything else (a wrong key naming a real
//! key's prefix, a made-up key or token) counts against the peer address.

use crate::auth::extract::{bearer_or_cookie_token, verify_api_key};
use crate::auth::tokens;
use crate::error::AppError;
use crate::platform::rate_limit::is_credential_route;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};

fn ip_key(req: &ServiceRequest) -> String {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned());
    format!("ip:{ip}")
}

async fn client_key(req: &ServiceRequest, state: &AppState) -> String {
    if let Some(key) = req.headers().get("x-api-key") {
        // Authentication tries the key first and fails on a bad one, so a bad key never
        // falls through to a token: it is the address's allowance.
        let key = key.to_str().map(str::trim).unwrap_or_default();
        return match verify_api_key(state, key).await {
            Ok(row) => format!("key:{}", row.key_prefix),
            Err(_) => ip_key(req),
        };
    }
    let token = bearer_or_cookie_token(req.request());
    if let Some(user_id) = token.and_then(|t| tokens::decode_access(&state.jwt, &t).ok()).map(|c| c.user_id()) {
        return format!("user:{user_id}");
    }
    ip_key(req)
}

pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let path = req.path();
    if !path.starts_with("/api/") || path.starts_with("/api/docs") || path == "/api/openapi.json" {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let credential_route = is_credential_route(path);
    let key = if credential_route { ip_key(&req) } else { client_key(&req, &state).await };
    if let Err(secs) = state.rate_limiters.check(credential_route, &key) {
        return Ok(req.into_response(AppError::rate_limited(secs).error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
