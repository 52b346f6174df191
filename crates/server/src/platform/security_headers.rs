//! Security headers of the seed on every response.

use actix_web::middleware::DefaultHeaders;

/// CSP allows only our own origin; `wasm-unsafe-eval` lets the Leptos SPA instantiate
/// its WebAssembly and inline styles are needed by the bundled Swagger UI.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        // The legacy XSS auditor is itself exploitable; modern guidance is to disable it.
        .add(("X-XSS-Protection", "0"))
        .add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"))
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
}
