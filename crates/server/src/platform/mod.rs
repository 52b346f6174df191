//! Cross-cutting services of the seed's "Core Components": cache, circuit breaker,
//! rate limits, request context, security headers.

pub mod cache;
pub mod circuit_breaker;
pub mod cpu;
pub mod events;
pub mod method_not_allowed;
pub mod rate_limit;
pub mod request_context;
pub mod security_headers;
pub mod spa;
