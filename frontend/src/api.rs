//! The typed API client: one request function over `fetch` with the session cookies,
//! JSON in and out as the `domain` DTOs, `application/problem+json` errors decoded into
//! [`Problem`]. Unsafe methods echo the `mos_csrf` cookie in `X-CSRF-Token`. A 401 is
//! retried once after `POST /api/auth/refresh`; if that fails too the session ends and
//! the app shows the sign-in page.

use domain::identity::auth::AuthSession;
use domain::{ErrorCode, Problem};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
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
pub async fn request(method: Method, path: &str, body: Option<serde_json::Value>) -> ApiResult<Response> {
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

pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(request(Method::GET, path, None).await?).await
}

pub async fn get_page<T: DeserializeOwned>(path: &str) -> ApiResult<Paged<T>> {
    let response = request(Method::GET, path, None).await?;
    let total = response.headers().get("x-total-count").and_then(|v| v.parse().ok());
    let items: Vec<T> = decode(response).await?;
    let total = total.unwrap_or(items.len() as i64);
    Ok(Paged { items, total })
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(request(Method::POST, path, Some(to_value(body)?)).await?).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    decode(request(Method::PATCH, path, Some(to_value(body)?)).await?).await
}

pub async fn delete(path: &str) -> ApiResult<()> {
    request(Method::DELETE, path, None).await.map(|_| ())
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    String::from(js_sys::encode_uri_component(value))
}

/// POST without a body: actions such as converting a lead.
pub async fn post_empty<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    decode(request(Method::POST, path, None).await?).await
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
pub async fn post_blob<T: DeserializeOwned>(path: &str, content_type: &str, body: &web_sys::Blob) -> ApiResult<T> {
    let mut response = send_blob(path, content_type, body).await?;
    if response.status() == 401 && has_session_cookie() {
        if let Some(session) = refresh_session().await {
            crate::session::set_user(Some(session.user));
            response = send_blob(path, content_type, body).await?;
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
