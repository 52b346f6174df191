//! Integrator API keys: shown once, stored hashed, scoped and expiring.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

crate::enums::stored_enum! {
    /// What a key may do. `api:full` acts with all of its owner's permissions; `api:read`
    /// only with safe (GET/HEAD) requests.
    #[derive(Hash)]
    pub enum ApiKeyScope {
        Full = "api:full",
        Read = "api:read",
    }
}

impl ApiKeyScope {
    /// Whether a key with these scopes may make a request with this HTTP method.
    pub fn allows(scopes: &[ApiKeyScope], method_is_safe: bool) -> bool {
        scopes.contains(&ApiKeyScope::Full) || (method_is_safe && scopes.contains(&ApiKeyScope::Read))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::api_keys, check_for_backend(diesel::pg::Pg)))]
pub struct ApiKey {
    pub id: uuid::Uuid,
    pub user_id: i32,
    pub name: String,
    /// The first characters of the key, to recognise it; the key itself is never shown again.
    pub key_prefix: String,
    pub scopes: Vec<ApiKeyScope>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    #[validate(length(min = 1, max = 100), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// Defaults to `["api:full"]`.
    #[validate(length(min = 1, max = 2))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 2))]
    pub scopes: Option<Vec<ApiKeyScope>>,
    /// When the key stops working; must be in the future. Never expires when absent.
    #[validate(custom(function = "in_the_future"))]
    pub expires_at: Option<DateTime<Utc>>,
}

fn in_the_future(value: &DateTime<Utc>) -> Result<(), ValidationError> {
    if *value > Utc::now() {
        Ok(())
    } else {
        Err(ValidationError::new("future").with_message("must be in the future".into()))
    }
}

/// The response to creating a key: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// Send as the `X-API-Key` header. Store it now: it cannot be retrieved later.
    pub key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_scope_allows_only_safe_methods() {
        assert!(ApiKeyScope::allows(&[ApiKeyScope::Read], true));
        assert!(!ApiKeyScope::allows(&[ApiKeyScope::Read], false));
        assert!(ApiKeyScope::allows(&[ApiKeyScope::Full], false));
        assert!(!ApiKeyScope::allows(&[], true));
    }

    #[test]
    fn expiry_must_be_in_the_future() {
        let past = CreateApiKeyRequest {
            name: "ci".into(),
            scopes: None,
            expires_at: Some(Utc::now() - chrono::Duration::days(1)),
        };
        assert!(past.validate().is_err());
        let blank = CreateApiKeyRequest { name: "  ".into(), scopes: None, expires_at: None };
        assert!(blank.validate().is_err());
    }
}
