//! Marketing campaigns, each run for one client.

use crate::patch::double_option;
use crate::validation::{for_field, not_blank};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

crate::enums::stored_enum! {
    pub enum CampaignStatus: "snake_case" {
        Planning,
        Active,
        Paused,
        Completed,
        Cancelled,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::campaigns, check_for_backend(diesel::pg::Pg)))]
pub struct Campaign {
    pub id: Uuid,
    pub client_id: Uuid,
    pub name: String,
    /// Free text such as `social`, `email`, `ppc`, `seo`.
    #[serde(rename = "type")]
    pub campaign_type: String,
    pub status: CampaignStatus,
    pub start_date: Option<DateTime<Utc>>,
    pub end_date: Option<DateTime<Utc>>,
    pub budget: Option<i32>,
    pub description: Option<String>,
    pub goals: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `endDate` must not be before `startDate`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[validate(schema(function = "create_dates_in_order", skip_on_field_errors = false))]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::campaigns))]
pub struct CreateCampaignRequest {
    pub client_id: Uuid,
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: String,
    #[serde(rename = "type")]
    #[validate(custom(function = "type_rules"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50, pattern = r"\S"))]
    pub campaign_type: String,
    /// Defaults to `planning`.
    pub status: Option<CampaignStatus>,
    pub start_date: Option<DateTime<Utc>>,
    pub end_date: Option<DateTime<Utc>>,
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub budget: Option<i32>,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub goals: Option<String>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field. The
/// resulting `endDate` must not be before the resulting `startDate`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[validate(schema(function = "update_dates_in_order", skip_on_field_errors = false))]
#[cfg_attr(feature = "diesel", derive(diesel::AsChangeset), diesel(table_name = crate::schema::campaigns))]
pub struct UpdateCampaignRequest {
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: Option<String>,
    #[serde(rename = "type")]
    #[validate(custom(function = "type_rules"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50, pattern = r"\S"))]
    pub campaign_type: Option<String>,
    pub status: Option<CampaignStatus>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub start_date: Option<Option<DateTime<Utc>>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub end_date: Option<Option<DateTime<Utc>>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub budget: Option<Option<i32>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub description: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub goals: Option<Option<String>>,
}

/// `type` (`campaign_type` in Rust): 1–50 characters, not blank. Checked here rather than
/// with `length` so errors name the JSON field `type`.
fn type_rules(value: &str) -> Result<(), ValidationError> {
    let length = value.chars().count();
    let checked = if (1..=50).contains(&length) {
        not_blank(value)
    } else {
        let mut error = ValidationError::new("length");
        error.add_param("min".into(), &1);
        error.add_param("max".into(), &50);
        Err(error)
    };
    checked.map_err(|error| for_field(error, "type"))
}

/// A campaign cannot end before it starts; the error is about `endDate`.
pub fn dates_in_order(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Result<(), ValidationError> {
    match (start, end) {
        (Some(start), Some(end)) if end < start => Err(for_field(
            ValidationError::new("date_order").with_message("must not be before startDate".into()),
            "endDate",
        )),
        _ => Ok(()),
    }
}

fn create_dates_in_order(body: &CreateCampaignRequest) -> Result<(), ValidationError> {
    dates_in_order(body.start_date, body.end_date)
}

/// Both dates in one patch; a patch of one side is checked against the stored other side.
fn update_dates_in_order(body: &UpdateCampaignRequest) -> Result<(), ValidationError> {
    dates_in_order(body.start_date.flatten(), body.end_date.flatten())
}

/// Sort keys of `GET /api/campaigns`; `-` means descending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CampaignSort {
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[default]
    #[serde(rename = "-createdAt")]
    CreatedAtDesc,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "startDate")]
    StartDate,
    #[serde(rename = "-startDate")]
    StartDateDesc,
}

/// Filters of `GET /api/campaigns`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct CampaignFilter {
    pub client_id: Option<Uuid>,
    pub status: Option<CampaignStatus>,
    /// Created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    /// `createdAt`, `-createdAt` (default), `name`, `-name`, `startDate`, `-startDate`.
    pub sort: Option<CampaignSort>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_is_named_type_in_json() {
        let body: CreateCampaignRequest = serde_json::from_str(
            r#"{"clientId":"6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10","name":"Launch","type":"social"}"#,
        )
        .unwrap();
        assert_eq!(body.campaign_type, "social");
        assert!(body.validate().is_ok());
        let blank: CreateCampaignRequest = serde_json::from_str(
            r#"{"clientId":"6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10","name":" ","type":"social","budget":-1}"#,
        )
        .unwrap();
        let errors = crate::validation::field_errors(&blank.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["budget", "name"]);
    }

    #[test]
    fn invalid_type_and_dates_name_their_json_fields() {
        let body: CreateCampaignRequest = serde_json::from_str(
            r#"{"clientId":"6f1c6c1e-8f0e-4a43-9d7b-1d1f7f6e1a10","name":"Launch","type":"  ",
                "startDate":"2026-05-02T00:00:00Z","endDate":"2026-05-01T00:00:00Z"}"#,
        )
        .unwrap();
        let errors = crate::validation::field_errors(&body.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("endDate", "date_order"), ("type", "blank")]);
        let long: UpdateCampaignRequest = serde_json::from_str(&format!(r#"{{"type":"{}"}}"#, "x".repeat(51))).unwrap();
        let errors = crate::validation::field_errors(&long.validate().unwrap_err());
        assert_eq!(
            (errors[0].field.as_str(), errors[0].message.as_str()),
            ("type", "must be between 1 and 50 characters")
        );
        let same_day: UpdateCampaignRequest =
            serde_json::from_str(r#"{"startDate":"2026-05-01T00:00:00Z","endDate":"2026-05-01T00:00:00Z"}"#).unwrap();
        assert!(same_day.validate().is_ok());
    }

    #[test]
    fn statuses_round_trip() {
        for status in CampaignStatus::ALL {
            assert_eq!(CampaignStatus::parse(status.as_str()), Some(status));
        }
    }
}
