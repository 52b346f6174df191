//! Rate limits of the seed: a general limiter on `/api` keyed by API key (each key has its
//! own allowance), else by the signed-in user, else by IP; and a strict limiter on sign-in
//! and the other credential routes keyed by IP. Exceeding one answers 429 problem+json
//! with `Retry-After`. The limiters live here (in `AppState`); the middleware that picks
//! a request's key, which needs authentication, in `middleware`.

pub mod middleware;

use crate::config::RateLimit;
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

    /// Counts a request against `key`'s allowance (of the strict limiter for credential
    /// routes); `Err` with the whole seconds until the next request would be allowed.
    pub fn check(&self, credential_route: bool, key: &str) -> Result<(), u64> {
        let limiter = if credential_route { &self.auth } else { &self.api };
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
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
