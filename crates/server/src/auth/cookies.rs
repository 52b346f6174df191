//! The browser session: an HttpOnly access cookie, an HttpOnly refresh cookie scoped to
//! `/api`, and a readable CSRF cookie whose value must be echoed in `X-CSRF-Token` on
//! unsafe requests authenticated by cookie (double-submit).

use crate::config::Config;
use actix_web::cookie::{time, Cookie, SameSite};

pub const ACCESS_COOKIE: &str = "mos_access";
pub const REFRESH_COOKIE: &str = "mos_refresh";
pub const CSRF_COOKIE: &str = "mos_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

fn cookie(
    config: &Config,
    name: &'static str,
    value: String,
    path: &'static str,
    http_only: bool,
    max_age_secs: u64,
) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(path)
        .http_only(http_only)
        .secure(config.cookie_secure)
        .same_site(if name == ACCESS_COOKIE { SameSite::Lax } else { SameSite::Strict })
        .max_age(time::Duration::seconds(max_age_secs as i64))
        .finish()
}

pub fn session_cookies(config: &Config, access: &str, refresh: &str, csrf: &str) -> [Cookie<'static>; 3] {
    [
        cookie(config, ACCESS_COOKIE, access.to_owned(), "/", true, config.access_token_ttl.as_secs()),
        cookie(config, REFRESH_COOKIE, refresh.to_owned(), "/api", true, config.refresh_token_ttl.as_secs()),
        cookie(config, CSRF_COOKIE, csrf.to_owned(), "/", false, config.refresh_token_ttl.as_secs()),
    ]
}

pub fn cleared_cookies(config: &Config) -> [Cookie<'static>; 3] {
    [
        cookie(config, ACCESS_COOKIE, String::new(), "/", true, 0),
        cookie(config, REFRESH_COOKIE, String::new(), "/api", true, 0),
        cookie(config, CSRF_COOKIE, String::new(), "/", false, 0),
    ]
}
