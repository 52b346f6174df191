//! User accounts as the API shows and accepts them.

use crate::identity::permissions::{PermissionOverrides, Permissions, Role};
use crate::patch::double_option;
use crate::validation;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// A user account. Never carries password material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::users, check_for_backend(diesel::pg::Pg)))]
pub struct User {
    pub id: i32,
    pub username: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    /// The client record a client-portal user belongs to.
    pub client_id: Option<String>,
    /// The creator record a creator-role user belongs to.
    pub creator_id: Option<String>,
    pub custom_permissions: PermissionOverrides,
    pub profile_image_url: Option<String>,
    pub is_active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The signed-in user with effective permission flags (`GET /api/user`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CurrentUser {
    #[serde(flatten)]
    pub user: User,
    pub permissions: Permissions,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    #[validate(length(min = 3, max = 50), custom(function = "validation::username"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 50, pattern = r"^[A-Za-z0-9._-]+$"))]
    pub username: String,
    #[validate(length(min = 8, max = 128), custom(function = "validation::password"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128, format = Password))]
    pub password: String,
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub first_name: Option<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
    /// Defaults to `staff`, as in the original.
    pub role: Option<Role>,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub client_id: Option<String>,
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub creator_id: Option<String>,
    pub custom_permissions: Option<PermissionOverrides>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[validate(length(min = 3, max = 50), custom(function = "validation::username"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 50, pattern = r"^[A-Za-z0-9._-]+$"))]
    pub username: Option<String>,
    #[validate(length(min = 8, max = 128), custom(function = "validation::password"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128, format = Password))]
    pub password: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Email, max_length = 254))]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub first_name: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub last_name: Option<Option<String>>,
    pub role: Option<Role>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 1, max_length = 64))]
    pub client_id: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 1, max_length = 64))]
    pub creator_id: Option<Option<String>>,
    pub custom_permissions: Option<PermissionOverrides>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetRoleRequest {
    pub role: Role,
}

/// Self-service profile changes (`PATCH /api/user/profile`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateProfileRequest {
    /// A new address (other than the current one, ignoring case) needs `currentPassword`
    /// and takes effect only when the link emailed to it is confirmed; it cannot be removed.
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Email, max_length = 254))]
    pub email: Option<Option<String>>,
    /// Required to change `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128, format = Password))]
    pub current_password: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub first_name: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub last_name: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$")
    )]
    pub profile_image_url: Option<Option<String>>,
}

/// Filters of `GET /api/users`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct UserFilter {
    /// Case-insensitive match on username, email, first or last name.
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    pub role: Option<Role>,
    /// `true` for active accounts only, `false` for deactivated ones; both when absent.
    pub is_active: Option<bool>,
}

/// A person as every staff-side user sees them (`GET /api/users/directory`): who they are
/// and their role, never their e-mail address or permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::users, check_for_backend(diesel::pg::Pg)))]
pub struct DirectoryEntry {
    pub id: i32,
    pub username: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub profile_image_url: Option<String>,
    pub is_active: bool,
}

/// "Ada Lovelace", "Ada", or the username when the user gave no name.
pub fn display_name(username: &str, first_name: Option<&str>, last_name: Option<&str>) -> String {
    match (first_name, last_name) {
        (Some(first), Some(last)) => format!("{first} {last}"),
        (Some(first), None) => first.to_owned(),
        _ => username.to_owned(),
    }
}

impl User {
    pub fn display_name(&self) -> String {
        display_name(&self.username, self.first_name.as_deref(), self.last_name.as_deref())
    }
}

impl DirectoryEntry {
    pub fn display_name(&self) -> String {
        display_name(&self.username, self.first_name.as_deref(), self.last_name.as_deref())
    }
}

/// Query of `GET /api/users/directory`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryFilter {
    /// Case-insensitive match on username, first or last name (not the e-mail address).
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    pub role: Option<Role>,
    /// `true` for active accounts only (the pickers), `false` for deactivated ones; both
    /// when absent (names of former owners still show).
    pub is_active: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_distinguishes_absent_from_null() {
        let patch: UpdateUserRequest = serde_json::from_str(r#"{"email":null,"firstName":"Ada"}"#).unwrap();
        assert_eq!(patch.email, Some(None));
        assert_eq!(patch.first_name, Some(Some("Ada".into())));
        assert_eq!(patch.last_name, None);
    }

    #[test]
    fn surrounding_whitespace_is_rejected_not_silently_trimmed() {
        let padded: CreateUserRequest =
            serde_json::from_str(r#"{"username":" bob ","password":"longenough","email":" bob@example.com "}"#)
                .unwrap();
        let errors = crate::validation::field_errors(&padded.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "username"]);
    }

    #[test]
    fn create_rejects_unknown_fields_and_bad_values() {
        let unknown = serde_json::from_str::<CreateUserRequest>(r#"{"username":"ada","password":"x","isAdmin":true}"#);
        assert!(unknown.is_err());
        let bad: CreateUserRequest =
            serde_json::from_str(r#"{"username":"a","password":"short","email":"not-an-email"}"#).unwrap();
        let errors = crate::validation::field_errors(&bad.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "username"]);
    }
}
