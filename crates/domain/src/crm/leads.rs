//! Leads through the sales pipeline, their activity timeline, duplicate detection keys
//! and conversion into clients.

use crate::patch::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use validator::Validate;

crate::enums::stored_enum! {
    /// Pipeline stages: prospect → contacted → qualified → proposal → closed_won / closed_lost.
    pub enum LeadStage: "snake_case" {
        Prospect,
        Contacted,
        Qualified,
        Proposal,
        ClosedWon,
        ClosedLost,
    }
}

impl LeadStage {
    pub fn label(self) -> &'static str {
        match self {
            LeadStage::Prospect => "Prospect",
            LeadStage::Contacted => "Contacted",
            LeadStage::Qualified => "Qualified",
            LeadStage::Proposal => "Proposal",
            LeadStage::ClosedWon => "Closed won",
            LeadStage::ClosedLost => "Closed lost",
        }
    }
}

crate::enums::stored_enum! {
    pub enum LeadScore: "snake_case" {
        Hot,
        Warm,
        Cold,
    }
}

crate::enums::stored_enum! {
    pub enum LeadSource: "snake_case" {
        Website,
        Referral,
        Social,
        Manual,
        Import,
        Email,
        Event,
        Advertising,
        Other,
    }
}

crate::enums::stored_enum! {
    pub enum LeadActivityType: "snake_case" {
        Call,
        Email,
        Sms,
        Meeting,
        Note,
        /// Recorded by the server when a lead's stage changes.
        StageChange,
    }
}

/// The activity types a user may log by hand (stage changes are recorded by the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoggedActivityType {
    Call,
    Email,
    Sms,
    Meeting,
    Note,
}

impl From<LoggedActivityType> for LeadActivityType {
    fn from(value: LoggedActivityType) -> Self {
        match value {
            LoggedActivityType::Call => LeadActivityType::Call,
            LoggedActivityType::Email => LeadActivityType::Email,
            LoggedActivityType::Sms => LeadActivityType::Sms,
            LoggedActivityType::Meeting => LeadActivityType::Meeting,
            LoggedActivityType::Note => LeadActivityType::Note,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::leads, check_for_backend(diesel::pg::Pg)))]
pub struct Lead {
    pub id: Uuid,
    pub client_id: Option<Uuid>,
    pub assigned_to_id: Option<i32>,
    pub created_by: Option<i32>,
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    pub website: Option<String>,
    pub stage: LeadStage,
    pub score: LeadScore,
    pub ai_score: Option<i32>,
    pub status: String,
    pub source: LeadSource,
    pub value: Option<i32>,
    pub tags: Vec<String>,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<BTreeMap<String, String>>))]
    pub social_links: BTreeMap<String, String>,
    pub location: Option<String>,
    pub industry: Option<String>,
    pub next_follow_up_date: Option<DateTime<Utc>>,
    pub notes: Option<String>,
    pub converted_client_id: Option<Uuid>,
    pub converted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::leads))]
pub struct CreateLeadRequest {
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: String,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub first_name: Option<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub last_name: Option<String>,
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub company: Option<String>,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub job_title: Option<String>,
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$"))]
    pub website: Option<String>,
    /// Defaults to `prospect`.
    pub stage: Option<LeadStage>,
    /// Defaults to `warm`.
    pub score: Option<LeadScore>,
    #[validate(range(min = 0, max = 100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub ai_score: Option<i32>,
    /// Defaults to `new`.
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub status: Option<String>,
    /// Defaults to `website`.
    pub source: Option<LeadSource>,
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub value: Option<i32>,
    /// Sales agents' leads are always assigned to themselves.
    pub assigned_to_id: Option<i32>,
    pub client_id: Option<Uuid>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub tags: Option<Vec<String>>,
    /// Platform → profile: an http(s) URL or a handle (`@acme`).
    #[validate(custom(function = "crate::validation::social_links"))]
    // Storage writes it as `Json` (a map is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_insertion))]
    pub social_links: Option<BTreeMap<String, String>>,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub location: Option<String>,
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub industry: Option<String>,
    pub next_follow_up_date: Option<DateTime<Utc>>,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub notes: Option<String>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field. A
/// changed `stage` records a `stage_change` activity.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::AsChangeset), diesel(table_name = crate::schema::leads))]
pub struct UpdateLeadRequest {
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub first_name: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub last_name: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Email, max_length = 254))]
    pub email: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 50))]
    pub phone: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub company: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub job_title: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$")
    )]
    pub website: Option<Option<String>>,
    pub stage: Option<LeadStage>,
    pub score: Option<LeadScore>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0, maximum = 100))]
    pub ai_score: Option<Option<i32>>,
    #[validate(length(min = 1, max = 50))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 50))]
    pub status: Option<String>,
    pub source: Option<LeadSource>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0))]
    pub value: Option<Option<i32>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub assigned_to_id: Option<Option<i32>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub client_id: Option<Option<Uuid>>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub tags: Option<Vec<String>>,
    /// Platform → profile: an http(s) URL or a handle (`@acme`).
    #[validate(custom(function = "crate::validation::social_links"))]
    // Storage writes it as `Json` (a map is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_update))]
    pub social_links: Option<BTreeMap<String, String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 200))]
    pub location: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 100))]
    pub industry: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub next_follow_up_date: Option<Option<DateTime<Utc>>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub notes: Option<Option<String>>,
}

/// Sort keys of `GET /api/leads`; `-` means descending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LeadSort {
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[default]
    #[serde(rename = "-createdAt")]
    CreatedAtDesc,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "value")]
    Value,
    #[serde(rename = "-value")]
    ValueDesc,
    #[serde(rename = "nextFollowUpDate")]
    NextFollowUpDate,
    #[serde(rename = "-nextFollowUpDate")]
    NextFollowUpDateDesc,
}

/// Filters of `GET /api/leads`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct LeadFilter {
    /// Case-insensitive match on name, email, company or phone.
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    pub stage: Option<LeadStage>,
    pub score: Option<LeadScore>,
    pub source: Option<LeadSource>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", param(max_length = 50))]
    pub status: Option<String>,
    /// The owner (assigned sales agent).
    pub assigned_to_id: Option<i32>,
    pub client_id: Option<Uuid>,
    /// Created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    /// `createdAt`, `-createdAt` (default), `name`, `-name`, `value`, `-value`,
    /// `nextFollowUpDate`, `-nextFollowUpDate`.
    pub sort: Option<LeadSort>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::lead_activities, check_for_backend(diesel::pg::Pg)))]
pub struct LeadActivity {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub user_id: Option<i32>,
    #[serde(rename = "type")]
    pub activity_type: LeadActivityType,
    pub subject: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateLeadActivityRequest {
    #[serde(rename = "type")]
    pub activity_type: LoggedActivityType,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub subject: Option<String>,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
}

/// The digits of a phone number, the key duplicate detection compares
/// (`+1 (555) 010-2000` and `15550102000` are the same number). `None` when it has none.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// The email key duplicate detection compares: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Why a lead is refused as a duplicate of `existing` (an id, or how it matched).
pub fn duplicate_message(field: &str, existing: impl std::fmt::Display) -> String {
    format!("A lead with this {field} already exists (lead {existing})")
}

/// The `stage_change` activity's subject for a move between stages.
pub fn stage_change_text(from: LeadStage, to: LeadStage) -> String {
    format!("Stage changed from {} to {}", from.label(), to.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_compare_by_digits() {
        assert_eq!(normalize_phone("+1 (555) 010-2000").as_deref(), Some("15550102000"));
        assert_eq!(normalize_phone("1.555.010.2000"), normalize_phone("+1 555 010 2000"));
        assert_eq!(normalize_phone("n/a"), None);
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
    }

    #[test]
    fn stage_changes_read_as_text() {
        assert_eq!(
            stage_change_text(LeadStage::Prospect, LeadStage::ClosedWon),
            "Stage changed from Prospect to Closed won"
        );
    }

    #[test]
    fn enums_round_trip_through_their_names() {
        for stage in LeadStage::ALL {
            assert_eq!(LeadStage::parse(stage.as_str()), Some(stage));
            assert_eq!(serde_json::to_string(&stage).unwrap(), format!("\"{}\"", stage.as_str()));
        }
        for source in LeadSource::ALL {
            assert_eq!(LeadSource::parse(source.as_str()), Some(source));
        }
        for kind in LeadActivityType::ALL {
            assert_eq!(LeadActivityType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(LeadScore::parse("hot"), Some(LeadScore::Hot));
    }

    #[test]
    fn stage_change_cannot_be_logged_by_hand() {
        let parsed = serde_json::from_str::<CreateLeadActivityRequest>(r#"{"type":"stage_change"}"#);
        assert!(parsed.is_err());
        let call: CreateLeadActivityRequest = serde_json::from_str(r#"{"type":"call","subject":"Intro"}"#).unwrap();
        assert_eq!(LeadActivityType::from(call.activity_type), LeadActivityType::Call);
    }

    #[test]
    fn create_validates_contact_fields() {
        let bad: CreateLeadRequest =
            serde_json::from_str(r#"{"name":" ","email":"nope","aiScore":101,"value":-5}"#).unwrap();
        let errors = crate::validation::field_errors(&bad.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["aiScore", "email", "name", "value"]);
    }
}
