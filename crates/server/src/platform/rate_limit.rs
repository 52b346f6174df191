//! Rate limits of the seed: a general limiter on `/api` keyed by API key (each key has its
//! own allowance), else by the signed-in user, else by IP; and a strict limiter on sign-in
//! and the other credential routes keyed by IP. A key or user counts only once its
//! credentials verify: anything else (a wrong key naming a real key's prefix, a made-up
//! key or token) counts against the peer address. Exceeding one answers 429 problem+json
//! with `Retry-After`.

use crate::auth::tokens;
use crate::config::RateLimit;
use crate::error::AppError;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

pub struct RateLimiters {
    api: DefaultKeyedRateLimiter<String>,
    auth: DefaultKeyedRateLimiter<String>,
}

fn limiter(limit: RateLimit) -> DefaultKeyedRateLimiter<String> {
    let burst = NonZeroU32::new(limit.requests).unwrap_or(NonZeroU32::MIN);
    // GCRA: the whole allowance is available at once and refills evenly over the window.
    let period = limit.window / burst.get();
    let quota = Quota::with_period(period.max(std::time::Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(burst))
        .allow_burst(burst);
    RateLimiter::keyed(quota)
}

impl RateLimiters {
    pub fn new(api: RateLimit, auth: RateLimit) -> Arc<Self> {
        Arc::new(Self { api: limiter(api), auth: limiter(auth) })
    }

    /// Forgets idle keys so memory stays bounded; called periodically.
    pub fn retain_recent(&self) {
        self.api.retain_recent();
        self.auth.retain_recent();
        self.api.shrink_to_fit();
        self.auth.shrink_to_fit();
    }
}

/// Routes that take credentials (passwords or emailed tokens) get the strict limiter.
pub fn is_credential_route(path: &str) -> bool {
    matches!(path, "/api/login" | "/api/register" | "/api/register/confirm" | "/api/user/email/confirm")
        || path.starts_with("/api/auth/")
}

fn ip_key(req: &ServiceRequest) -> String {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned());
    format!("ip:{ip}")
}

async fn client_key(req: &ServiceRequest, state: &AppState) -> String {
    if let Some(key) = req.headers().get("x-api-key") {
        // Authentication tries the key first and fails on a bad one, so a bad key never
        // falls through to a token: it is the address's allowance.
        let key = key.to_str().map(str::trim).unwrap_or_default();
        return match crate::auth::extract::verify_api_key(state, key).await {
            Ok(row) => format!("key:{}", row.key_prefix),
            Err(_) => ip_key(req),
        };
    }
    let token = crate::auth::extract::bearer_or_cookie_token(req.request());
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
    let (limiter, key) = if is_credential_route(path) {
        (&state.rate_limiters.auth, ip_key(&req))
    } else {
        (&state.rate_limiters.api, client_key(&req, &state).await)
    };
    if let Err(not_until) = limiter.check_key(&key) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let response = AppError::rate_limited(secs.max(1)).error_response();
        return Ok(req.into_response(response));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn allows_the_burst_then_refuses() {
        let limiter = limiter(RateLimit { requests: 3, window: Duration::from_secs(300) });
        let key = "ip:127.0.0.1".to_owned();
        for _ in 0..3 {
            assert!(limiter.check_key(&key).is_ok());
        }
        let refused = limiter.check_key(&key).unwrap_err();
        let wait = refused.wait_time_from(DefaultClock::default().now());
        assert!(wait > Duration::from_secs(90) && wait <= Duration::from_secs(100), "{wait:?}");
        assert!(limiter.check_key(&"ip:10.1.1.1".to_owned()).is_ok(), "keys are independent");
    }

    #[test]
    fn credential_routes_are_recognised() {
        assert!(is_credential_route("/api/login"));
        assert!(is_credential_route("/api/auth/forgot-password"));
        assert!(is_credential_route("/api/register/confirm"));
        assert!(is_credential_route("/api/user/email/confirm"));
        assert!(!is_credential_route("/api/users"));
        assert!(!is_credential_route("/api/user"));
    }
}
