//! Outermost middleware: assigns the request id (`X-Request-Id`, echoed), logs one line
//! per request, and makes every error response a problem+json body carrying that id —
//! including actix's own 404/405 and extractor errors, which would otherwise be plain text.

use crate::error::{problem_response, AppError, PROBLEM_JSON};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use domain::{ErrorCode, Problem};
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, in the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts a caller's id when it is short and plain, so it can be logged safely.
fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    plain.then(|| value.to_owned())
}

fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::AuthenticationError,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        429 => ErrorCode::RateLimitError,
        503 => ErrorCode::ServiceUnavailable,
        400..=499 => ErrorCode::MalformedRequest,
        _ => ErrorCode::InternalError,
    }
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();

    let span = tracing::info_span!("request", request_id = %request_id, method = %method, path = %path);
    let outcome = next.call(req).instrument(span.clone()).await;
    let response = match outcome {
        Ok(response) => response.map_into_boxed_body(),
        // Only middleware errors arrive here (handlers' errors are already responses);
        // the request is gone with them, so answer through an error that renders itself.
        Err(error) => {
            let status = error.as_response_error().status_code();
            let mut problem = AppError::new(code_for_status(status), error.to_string());
            problem.request_id = Some(request_id);
            return Err(problem.into());
        }
    };

    let status = response.status();
    let mut response = if status.is_client_error() || status.is_server_error() {
        with_problem_body(response, &request_id)
    } else {
        response
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }

    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let _entered = span.enter();
    if status.is_server_error() {
        let error = response.response().error().map(|e| e.to_string()).unwrap_or_default();
        tracing::error!(status = status.as_u16(), latency_ms, error = %error, "request failed");
    } else {
        tracing::info!(status = status.as_u16(), latency_ms, "request");
    }
    Ok(response)
}

fn with_problem_body(response: ServiceResponse<BoxBody>, request_id: &str) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let existing = response.response().extensions().get::<Problem>().cloned();
    // JSON error bodies are ours already (problems, the readiness report); only actix's
    // plain-text and empty defaults are replaced.
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        let v = v.as_bytes();
        v.starts_with(PROBLEM_JSON.as_bytes()) || v.starts_with(b"application/json")
    });
    let mut problem = match existing {
        Some(problem) => problem,
        None if is_json => return response,
        None => {
            let code = code_for_status(status);
            let detail = match response.response().error() {
                Some(error) if status.is_client_error() => error.to_string(),
                _ => status.canonical_reason().unwrap_or("Error").to_owned(),
            };
            let mut problem = Problem::new(code, detail);
            problem.status = status.as_u16();
            problem
        }
    };
    problem.request_id = Some(request_id.to_owned());
    let retry_after =
        response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let (request, old) = response.into_parts();
    let mut fresh = problem_response(status, problem, retry_after);
    for (name, value) in old.headers() {
        let body_header =
            name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH || name == header::CONTENT_ENCODING;
        if !body_header && !fresh.headers().contains_key(name) {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, fresh)
}
