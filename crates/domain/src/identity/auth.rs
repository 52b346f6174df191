//! Sign-in, sign-up, token refresh and password reset payloads.

use crate::identity::users::CurrentUser;
use crate::validation;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Username or email address.
    #[validate(length(min = 1, max = 254))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub username: String,
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128, format = Password))]
    pub password: String,
}

/// Public sign-up. The answer is the same whether or not the username or email is taken;
/// the account (`prospective_client`) is created when the emailed link is confirmed.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    #[validate(length(min = 3, max = 50), custom(function = "validation::username"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 50, pattern = r"^[A-Za-z0-9._-]+$"))]
    pub username: String,
    #[validate(length(min = 8, max = 128), custom(function = "validation::password"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128, format = Password))]
    pub password: String,
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub first_name: Option<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
}

/// A signed-in session: the user, a short-lived access token for `Authorization: Bearer`,
/// and a refresh token (also set as HttpOnly cookies for the browser).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthSession {
    pub user: CurrentUser,
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
}

/// Body of `POST /api/auth/refresh`; browsers may send the refresh cookie instead.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ForgotPasswordRequest {
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordRequest {
    #[validate(length(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub token: String,
    #[validate(length(min = 8, max = 128), custom(function = "validation::password"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128, format = Password))]
    pub password: String,
}

/// The token of an emailed confirmation link (sign-up or email change).
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfirmTokenRequest {
    #[validate(length(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128, format = Password))]
    pub current_password: String,
    #[validate(length(min = 8, max = 128), custom(function = "validation::password"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128, format = Password))]
    pub new_password: String,
}

/// A plain acknowledgement.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageResponse {
    pub message: String,
}

impl MessageResponse {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}
