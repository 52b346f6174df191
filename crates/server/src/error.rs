//! One error type for every handler and extractor, rendered as RFC 9457 problem+json.
//! The request-context middleware adds the request id to the body on the way out.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use domain::{ErrorCode, FieldError, Problem};
use std::fmt;
use storage::StorageError;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub struct AppError {
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
    /// Set only where the request-context middleware is not around to add it.
    pub request_id: Option<String>,
    /// The underlying failure, logged for 5xx responses and never sent to the client.
    pub source: Option<anyhow::Error>,
}

pub type AppResult<T> = Result<T, AppError>;

/// `found(…)` on a lookup: its record, or 404 naming what was not found.
pub trait OrNotFound<T> {
    fn found(self, what: impl fmt::Display) -> AppResult<T>;
}

impl<T> OrNotFound<T> for Option<T> {
    fn found(self, what: impl fmt::Display) -> AppResult<T> {
        self.ok_or_else(|| AppError::not_found(what))
    }
}

impl AppError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), errors: Vec::new(), retry_after_secs: None, request_id: None, source: None }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let detail = format!("Invalid value for: {}", fields.join(", "));
        Self { errors, ..Self::new(ErrorCode::ValidationError, detail) }
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError { field: field.to_owned(), code: code.to_owned(), message: message.into() }])
    }

    /// A 409 naming the field whose value is taken.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let error = FieldError { field: field.to_owned(), code: "taken".to_owned(), message: message.clone() };
        Self { errors: vec![error], ..Self::new(ErrorCode::Conflict, message) }
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::AuthenticationError, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn not_found(what: impl fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} was not found"))
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(ErrorCode::RateLimitError, format!("Too many requests; retry in {retry_after_secs} s"))
        }
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::new(
                ErrorCode::InternalError,
                "An unexpected error occurred; quote the request id when reporting it",
            )
        }
    }

    pub fn problem(&self) -> Problem {
        let mut problem = Problem::new(self.code, self.detail.clone()).with_errors(self.errors.clone());
        problem.request_id = self.request_id.clone();
        problem
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)?;
        if let Some(source) = &self.source {
            write!(f, ": {source:#}")?;
        }
        Ok(())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = problem_response(self.status_code(), self.problem(), self.retry_after_secs);
        if let Some(value) = self.request_id.as_deref().and_then(|id| header::HeaderValue::from_str(id).ok()) {
            response.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
        }
        response
    }
}

/// A problem+json response; the problem also rides in the response extensions so the
/// request-context middleware can add the request id without re-parsing the body.
pub fn problem_response(status: StatusCode, problem: Problem, retry_after_secs: Option<u64>) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
    if let Some(secs) = retry_after_secs {
        builder.insert_header((header::RETRY_AFTER, secs.to_string()));
    }
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = builder.body(body);
    response.extensions_mut().insert(problem);
    response
}

impl From<StorageError> for AppError {
    fn from(error: StorageError) -> Self {
        match &error {
            StorageError::Pool(_) => Self {
                source: Some(error.into()),
                ..Self::new(ErrorCode::ServiceUnavailable, "The database is unavailable; try again shortly")
            },
            _ => Self {
                source: Some(error.into()),
                ..Self::new(
                    ErrorCode::DatabaseError,
                    "A database error occurred; quote the request id when reporting it",
                )
            },
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        StorageError::from(error).into()
    }
}

/// A scope rule's refusal to assign a record to someone else (`domain::visibility`).
impl From<domain::visibility::OnlySelf> for AppError {
    fn from(refusal: domain::visibility::OnlySelf) -> Self {
        Self::forbidden(refusal.to_string())
    }
}

/// A recurrence a request defines wrongly (`domain::work::recurrence::Definition`).
impl From<domain::work::recurrence::Invalid> for AppError {
    fn from(invalid: domain::work::recurrence::Invalid) -> Self {
        Self::field(invalid.field, invalid.code, invalid.message)
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::validation(domain::validation::field_errors(&errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    #[actix_web::test]
    async fn errors_render_as_problem_json() {
        let error = AppError::field("email", "email", "must be a valid email address");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), PROBLEM_JSON);
        let body: serde_json::Value = serde_json::from_slice(&to_bytes(response.into_body()).await.unwrap()).unwrap();
        assert_eq!(body["code"], "VALIDATION_ERROR");
        assert_eq!(body["errors"][0]["field"], "email");
        assert_eq!(body["detail"], "Invalid value for: email");
    }

    #[actix_web::test]
    async fn rate_limits_carry_retry_after() {
        let response = AppError::rate_limited(42).error_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
    }

    #[test]
    fn internal_details_stay_out_of_the_problem() {
        let error = AppError::internal(anyhow::anyhow!("connection refused to 10.0.0.5"));
        assert!(!error.problem().detail.contains("10.0.0.5"));
        assert!(error.to_string().contains("10.0.0.5"), "but the log line has it");
    }
}
