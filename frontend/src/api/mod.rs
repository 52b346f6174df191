//! The typed API client. Pages call one function per endpoint, by business area
//! (`api::crm::leads::list(&filter, page)`), whose request and response types are the
//! `domain` DTOs and whose query strings are serialised from the domain's own query types,
//! so no page spells an `/api/…` address or a parameter name.
//!
//! Underneath, one request function over `fetch` with the session cookies: JSON in and out,
//! `application/problem+json` errors decoded into [`Problem`]. Unsafe methods echo the
//! `mos_csrf` cookie in `X-CSRF-Token`. A 401 is retried once after `POST
//! /api/auth/refresh`; if that fails too the session ends and the app shows the sign-in page.
//!
//! Endpoint functions build their address and body before returning, so the future they
//! return borrows nothing and can be awaited after the caller's values are gone.

pub mod activity;
pub mod crm;
pub mod identity;
pub mod notifications;
pub mod ops;
pub mod work;

use domain::identity::auth::AuthSession;
use domain::pagination::PageParams;
use domain::{ErrorCode, Problem};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::future::Future;
use wasm_bindgen::JsCast;
use web_sys::RequestCredentials;

pub type ApiResult<T> = Result<T, Problem>;

/// One page of a list plus the `X-Total-Count` header.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
}

fn csrf_token() -> Option<String> {
    let document = web_sys::window()?.document()?.dyn_into::<web_sys::HtmlDocument>().ok()?;
    let cookies = document.cookie().ok()?;
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == "mos_csrf" && !value.is_empty()).then(|| value.to_owned())
    })
}

/// Whether the browser holds a session that `POST /api/auth/refresh` could renew: the
/// readable `mos_csrf` cookie lives as long as the HttpOnly refresh cookie. Skipping hopeless
/// refreshes keeps signed-out visitors clear of the strict sign-in rate limit.
pub fn has_session_cookie() -> bool {
    csrf_token().is_some()
}

fn network_problem(error: impl std::fmt::Display) -> Problem {
    Problem::new(ErrorCode::ServiceUnavailable, format!("The server could not be reached ({error}). Try again."))
}

async fn send_once(method: &Method, path: &str, body: Option<&serde_json::Value>) -> ApiResult<Response> {
    let mut builder = RequestBuilder::new(path)
        .method(method.clone())
        .credentials(RequestCredentials::Include)
        .header("Accept", "application/json, application/problem+json");
    if !matches!(*method, Method::GET | Method::HEAD) {
        if let Some(token) = csrf_token() {
            builder = builder.header("X-CSRF-Token", &token);
        }
    }
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(network_problem)?;
    request.send().await.map_err(network_problem)
}

async fn problem_from(response: Response) -> Problem {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => problem,
        Err(_) => {
            let code = match status {
                401 => ErrorCode::AuthenticationError,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                429 => ErrorCode::RateLimitError,
                _ => ErrorCode::InternalError,
            };
            let mut problem = Problem::new(code, format!("The server answered {status}"));
            problem.status = status;
            problem
        }
    }
}

/// Whether a failed call should try refreshing the session first.
fn refreshable(path: &str) -> bool {
    !matches!(path, "/api/login" | "/api/auth/refresh" | "/api/logout" | "/api/register")
        && !path.starts_with("/api/auth/")
}

type SharedRefresh = Shared<LocalBoxFuture<'static, Option<AuthSession>>>;

thread_local! {
    /// The refresh in flight. Refresh tokens are single-use (a reused one revokes the whole
    /// sign-in), so calls that fail together wait for one refresh instead of racing.
    static REFRESH: RefCell<Option<SharedRefresh>> = const { RefCell::new(None) };
}

async fn refresh_once() -> Option<AuthSession> {
    let result = async {
        let response = send_once(&Method::POST, "/api/auth/refresh", None).await.ok()?;
        if !response.ok() {
            return None;
        }
        response.json::<AuthSession>().await.ok()
    }
    .await;
    REFRESH.with(|r| r.borrow_mut().take());
    result
}

/// Rotates the session with the refresh cookie; returns the refreshed session on success.
pub async fn refresh_session() -> Option<AuthSession> {
    let shared = REFRESH.with(|r| r.borrow_mut().get_or_insert_with(|| refresh_once().boxed_local().shared()).clone());
    shared.await
}

/// Sends one request. Success statuses come back as the response; errors as a problem.
async fn request(method: Method, path: &str, body: Option<serde_json::Value>) -> ApiResult<Response> {
    let response = send_once(&method, path, body.as_ref()).await?;
    if response.status() == 401 && refreshable(path) && has_session_cookie() {
        if let Some(session) = refresh_session().await {
            crate::session::set_user(Some(session.user));
            let retried = send_once(&method, path, body.as_ref()).await?;
            if retried.ok() {
                return Ok(retried);
            }
            let problem = problem_from(retried).await;
            if problem.status == 401 {
                crate::session::expire();
            }
            return Err(problem);
        }
        let problem = problem_from(response).await;
        crate::session::expire();
        return Err(problem);
    }
    if response.status() == 401 && refreshable(path) {
        crate::session::expire();
    }
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_from(response).await)
    }
}

fn to_value<B: Serialize>(body: &B) -> ApiResult<serde_json::Value> {
    serde_json::to_value(body).map_err(|e| Problem::new(ErrorCode::MalformedRequest, e.to_string()))
}

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    response
        .json::<T>()
        .await
        .map_err(|e| Problem::new(ErrorCode::InternalError, format!("Unexpected answer from the server: {e}")))
}

/// `path?<query>`, the query serialised from a domain query type (its field names are the
/// API's); `path` alone when the query is empty.
fn with_query<Q: Serialize>(path: impl Into<String>, query: &Q) -> String {
    let mut path = path.into();
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if !query.is_empty() {
        path.push(if path.contains('?') { '&' } else { '?' });
        path.push_str(&query);
    }
    path
}

/// A list address: the page window first, then the filter.
fn list_path<F: Serialize>(path: impl Into<String>, filter: &F, page: PageParams) -> String {
    with_query(with_query(path, &page), filter)
}

/// `get`, `create` and `update` of the records at `<path>/<id>`, the same three in every
/// collection, so an area's module spells out only what differs.
macro_rules! record_endpoints {
    ($path:literal, $id:ty, $record:ty, $create:ty, $update:ty) => {
        pub fn get(id: $id) -> impl std::future::Future<Output = $crate::api::ApiResult<$record>> {
            $crate::api::get(format!(concat!($path, "/{}"), id))
        }

        pub fn create(body: &$create) -> impl std::future::Future<Output = $crate::api::ApiResult<$record>> {
            $crate::api::post($path.into(), body)
        }

        pub fn update(id: $id, body: &$update) -> impl std::future::Future<Output = $crate::api::ApiResult<$record>> {
            $crate::api::patch(format!(concat!($path, "/{}"), id), body)
        }
    };
}
pub(crate) use record_endpoints;

/// A page window of `limit` rows from `offset`.
pub fn page(limit: i64, offset: i64) -> PageParams {
    PageParams { limit: Some(limit), offset: Some(offset) }
}

async fn get<T: DeserializeOwned>(path: String) -> ApiResult<T> {
    decode(request(Method::GET, &path, None).await?).await
}

async fn get_page<T: DeserializeOwned>(path: String) -> ApiResult<Paged<T>> {
    let response = request(Method::GET, &path, None).await?;
    let total = response.headers().get("x-total-count").and_then(|v| v.parse().ok());
    let items: Vec<T> = decode(response).await?;
    let total = total.unwrap_or(items.len() as i64);
    Ok(Paged { items, total })
}

fn send_json<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: String,
    body: &B,
) -> impl Future<Output = ApiResult<T>> + 'static {
    let body = to_value(body);
    async move { decode(request(method, &path, Some(body?)).await?).await }
}

fn post<B: Serialize, T: DeserializeOwned>(path: String, body: &B) -> impl Future<Output = ApiResult<T>> + 'static {
    send_json(Method::POST, path, body)
}

fn patch<B: Serialize, T: DeserializeOwned>(path: String, body: &B) -> impl Future<Output = ApiResult<T>> + 'static {
    send_json(Method::PATCH, path, body)
}

fn put<B: Serialize, T: DeserializeOwned>(path: String, body: &B) -> impl Future<Output = ApiResult<T>> + 'static {
    send_json(Method::PUT, path, body)
}

/// POST whose answer is `204 No Content`.
fn post_no_content<B: Serialize>(path: String, body: &B) -> impl Future<Output = ApiResult<()>> + 'static {
    let body = to_value(body);
    async move { request(Method::POST, &path, Some(body?)).await.map(|_| ()) }
}

async fn delete(path: String) -> ApiResult<()> {
    request(Method::DELETE, &path, None).await.map(|_| ())
}

/// POST without a body: actions such as converting a lead.
async fn post_empty<T: DeserializeOwned>(path: String) -> ApiResult<T> {
    decode(request(Method::POST, &path, None).await?).await
}

async fn send_blob(path: &str, content_type: &str, body: &web_sys::Blob) -> ApiResult<Response> {
    let mut builder = RequestBuilder::new(path)
        .method(Method::POST)
        .credentials(RequestCredentials::Include)
        .header("Accept", "application/json, application/problem+json")
        .header("Content-Type", content_type);
    if let Some(token) = csrf_token() {
        builder = builder.header("X-CSRF-Token", &token);
    }
    let request = builder.body(wasm_bindgen::JsValue::from(body.clone())).map_err(network_problem)?;
    request.send().await.map_err(network_problem)
}

/// POSTs a file (a CSV import) as the body, with the same session handling as [`request`].
async fn post_blob<T: DeserializeOwned>(path: String, content_type: &str, body: web_sys::Blob) -> ApiResult<T> {
    let mut response = send_blob(&path, content_type, &body).await?;
    if response.status() == 401 && has_session_cookie() {
        if let Some(session) = refresh_session().await {
            crate::session::set_user(Some(session.user));
            response = send_blob(&path, content_type, &body).await?;
        }
    }
    if response.status() == 401 {
        crate::session::expire();
    }
    if response.ok() {
        decode(response).await
    } else {
        Err(problem_from(response).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::crm::leads::{LeadFilter, LeadSort, LeadStage};

    #[test]
    fn list_paths_use_the_api_names() {
        let filter = LeadFilter {
            q: Some("ada & co".into()),
            stage: Some(LeadStage::ClosedWon),
            created_from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
            sort: Some(LeadSort::ValueDesc),
            ..Default::default()
        };
        assert_eq!(
            list_path("/api/leads", &filter, page(20, 40)),
            "/api/leads?limit=20&offset=40&q=ada+%26+co&stage=closed_won&createdFrom=2026-11-01&sort=-value"
        );
        assert_eq!(list_path("/api/leads", &LeadFilter::default(), page(20, 0)), "/api/leads?limit=20&offset=0");
        assert_eq!(with_query("/api/leads/export", &LeadFilter::default()), "/api/leads/export");
    }
}
