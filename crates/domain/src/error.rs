//! Stable error codes and the RFC 9457 problem body every error response carries.

use serde::{Deserialize, Serialize};

crate::enums::string_enum! {
    /// Machine-readable error codes. The string form is part of the public API: clients
    /// branch on it, so a code is never renamed once released.
    #[derive(Hash)]
    pub enum ErrorCode: "SCREAMING_SNAKE_CASE" {
        ValidationError,
        MalformedRequest,
        UnsupportedMediaType,
        PayloadTooLarge,
        AuthenticationError,
        InvalidCredentials,
        AccountDisabled,
        TokenExpired,
        InvalidToken,
        CsrfFailed,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        LastAdmin,
        RateLimitError,
        DatabaseError,
        ExternalServiceError,
        CircuitBreakerOpen,
        ServiceUnavailable,
        InternalError,
        /// A `cursor` that is not one this API issued for the list's current sort.
        InvalidCursor,
        /// The action needs a person signed in (bearer token or session), not an API key.
        ApiKeyNotAllowed,
        /// A webhook URL on an address webhooks may not reach (private, loopback, …), or
        /// not http(s).
        WebhookUrlNotAllowed,
    }
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::ValidationError | ErrorCode::MalformedRequest | ErrorCode::InvalidToken => 400,
            ErrorCode::AuthenticationError | ErrorCode::InvalidCredentials | ErrorCode::TokenExpired => 401,
            ErrorCode::AccountDisabled | ErrorCode::CsrfFailed | ErrorCode::Forbidden | ErrorCode::ApiKeyNotAllowed => {
                403
            }
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict | ErrorCode::LastAdmin => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimitError => 429,
            ErrorCode::DatabaseError | ErrorCode::InternalError => 500,
            ErrorCode::InvalidCursor | ErrorCode::WebhookUrlNotAllowed => 400,
            ErrorCode::ExternalServiceError => 502,
            ErrorCode::CircuitBreakerOpen | ErrorCode::ServiceUnavailable => 503,
        }
    }

    /// Short human summary, the problem's `title`.
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::ValidationError => "The request has invalid fields",
            ErrorCode::MalformedRequest => "The request could not be parsed",
            ErrorCode::UnsupportedMediaType => "Unsupported content type",
            ErrorCode::PayloadTooLarge => "The request body is too large",
            ErrorCode::AuthenticationError => "Authentication required",
            ErrorCode::InvalidCredentials => "Invalid credentials",
            ErrorCode::AccountDisabled => "Account disabled",
            ErrorCode::TokenExpired => "Token expired",
            ErrorCode::InvalidToken => "Invalid or expired token",
            ErrorCode::CsrfFailed => "CSRF check failed",
            ErrorCode::Forbidden => "Permission denied",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::Conflict => "Conflict with existing data",
            ErrorCode::LastAdmin => "The last administrator cannot be removed",
            ErrorCode::RateLimitError => "Too many requests",
            ErrorCode::DatabaseError => "Database error",
            ErrorCode::ExternalServiceError => "An external service failed",
            ErrorCode::CircuitBreakerOpen => "An external service is temporarily disabled",
            ErrorCode::ServiceUnavailable => "Service unavailable",
            ErrorCode::InternalError => "Internal server error",
            ErrorCode::InvalidCursor => "Invalid paging cursor",
            ErrorCode::ApiKeyNotAllowed => "Not allowed with an API key",
            ErrorCode::WebhookUrlNotAllowed => "Webhooks may not be sent to this URL",
        }
    }

    /// The problem `type` URI, stable per code.
    pub fn type_uri(self) -> String {
        format!("urn:marketingos:problem:{}", self.as_str().to_ascii_lowercase().replace('_', "-"))
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's JSON name (nested fields use dots, e.g. `address.city`).
    pub field: String,
    /// Rule that failed, e.g. `email`, `length`, `required`.
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem details (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    /// Field-level validation errors; empty for other problems.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// The request id (also in the `X-Request-Id` header), to quote in support requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The same text as `detail`, for clients of the original API that read `message`.
    pub message: String,
}

impl Problem {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self {
            type_uri: code.type_uri(),
            title: code.title().to_owned(),
            status: code.status(),
            message: detail.clone(),
            detail,
            code,
            errors: Vec::new(),
            request_id: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_to_their_stable_names() {
        let json = serde_json::to_string(&ErrorCode::LastAdmin).unwrap();
        assert_eq!(json, "\"LAST_ADMIN\"");
        assert_eq!(ErrorCode::LastAdmin.as_str(), "LAST_ADMIN");
        assert_eq!(ErrorCode::RateLimitError.type_uri(), "urn:marketingos:problem:rate-limit-error");
    }

    #[test]
    fn callers_mistakes_are_4xx_and_ours_are_5xx() {
        for code in [
            ErrorCode::ValidationError,
            ErrorCode::MalformedRequest,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::PayloadTooLarge,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::RateLimitError,
        ] {
            assert!((400..500).contains(&code.status()), "{code}");
        }
        assert_eq!(ErrorCode::DatabaseError.status(), 500);
        assert_eq!(ErrorCode::CircuitBreakerOpen.status(), 503);
    }

    #[test]
    fn problem_body_has_rfc9457_members_and_legacy_message() {
        let problem = Problem::new(ErrorCode::NotFound, "User 7 does not exist");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "urn:marketingos:problem:not-found");
        assert_eq!(json["status"], 404);
        assert_eq!(json["code"], "NOT_FOUND");
        assert_eq!(json["detail"], "User 7 does not exist");
        assert_eq!(json["message"], "User 7 does not exist");
        assert_eq!(json["errors"], serde_json::json!([]));
    }
}
