//! The audit trail: one row per write.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::activity_logs, check_for_backend(diesel::pg::Pg)))]
pub struct ActivityLog {
    pub id: uuid::Uuid,
    /// Who acted; absent for system actions and anonymous requests (sign-up, password reset).
    pub user_id: Option<i32>,
    /// What happened, e.g. `user.create`, `api_key.revoke`.
    pub activity_type: String,
    pub description: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Filters of `GET /api/activity-logs`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ActivityFilter {
    pub user_id: Option<i32>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", param(max_length = 64))]
    pub entity_type: Option<String>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", param(max_length = 64))]
    pub entity_id: Option<String>,
}
