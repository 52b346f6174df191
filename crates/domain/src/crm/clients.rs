//! Clients (the agency's customers) and their document metadata.

use crate::patch::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;
use validator::Validate;

crate::enums::stored_enum! {
    pub enum ClientStatus: "snake_case" {
        Active,
        Inactive,
        Archived,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::clients, check_for_backend(diesel::pg::Pg)))]
pub struct Client {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub service_tags: Vec<String>,
    pub status: ClientStatus,
    pub assigned_to_id: Option<i32>,
    pub notes: Option<String>,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<BTreeMap<String, String>>))]
    pub social_links: BTreeMap<String, String>,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub display_order: i32,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::clients))]
pub struct CreateClientRequest {
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: String,
    #[validate(email, length(max = 254))]
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: Option<String>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub company: Option<String>,
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$"))]
    pub website: Option<String>,
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$"))]
    pub logo_url: Option<String>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub service_tags: Option<Vec<String>>,
    /// Defaults to `active`.
    pub status: Option<ClientStatus>,
    pub assigned_to_id: Option<i32>,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub notes: Option<String>,
    /// Platform → profile: an http(s) URL or a handle (`@acme`).
    #[validate(custom(function = "crate::validation::social_links"))]
    // Storage writes it as `Json` (a map is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_insertion))]
    pub social_links: Option<BTreeMap<String, String>>,
    pub display_order: Option<i32>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::AsChangeset), diesel(table_name = crate::schema::clients))]
pub struct UpdateClientRequest {
    #[validate(length(min = 1, max = 200), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200, pattern = r"\S"))]
    pub name: Option<String>,
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
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$")
    )]
    pub website: Option<Option<String>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<String>, format = "uri", max_length = 2048, pattern = r"^https?://[^\s/]\S*$")
    )]
    pub logo_url: Option<Option<String>>,
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub service_tags: Option<Vec<String>>,
    /// `archived` archives (as DELETE does); any other status un-archives.
    pub status: Option<ClientStatus>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub assigned_to_id: Option<Option<i32>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub notes: Option<Option<String>>,
    /// Platform → profile: an http(s) URL or a handle (`@acme`).
    #[validate(custom(function = "crate::validation::social_links"))]
    // Storage writes it as `Json` (a map is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_update))]
    pub social_links: Option<BTreeMap<String, String>>,
    pub display_order: Option<i32>,
}

/// Sort keys of `GET /api/clients`; `-` means descending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClientSort {
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[default]
    #[serde(rename = "-createdAt")]
    CreatedAtDesc,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "-name")]
    NameDesc,
    #[serde(rename = "displayOrder")]
    DisplayOrder,
    #[serde(rename = "-displayOrder")]
    DisplayOrderDesc,
}

/// Filters of `GET /api/clients`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ClientFilter {
    /// Case-insensitive match on name, email, company or phone.
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    pub status: Option<ClientStatus>,
    pub assigned_to_id: Option<i32>,
    /// Archived clients are left out unless this is `true` (or `status=archived`).
    pub include_archived: Option<bool>,
    /// Created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    /// `createdAt`, `-createdAt` (default), `name`, `-name`, `displayOrder`, `-displayOrder`.
    pub sort: Option<ClientSort>,
}

/// A file attached to a client (metadata; the bytes live in object storage).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::client_documents, check_for_backend(diesel::pg::Pg)))]
pub struct ClientDocument {
    pub id: Uuid,
    pub client_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub object_path: String,
    pub file_type: Option<String>,
    pub file_size: Option<i32>,
    pub uploaded_by: Option<i32>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::client_documents))]
pub struct CreateClientDocumentRequest {
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub name: String,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
    /// Where the file is stored, e.g. `/objects/clients/…/brief.pdf`.
    #[validate(length(min = 1, max = 1024), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024, pattern = r"\S"))]
    pub object_path: String,
    #[validate(length(max = 255))]
    #[cfg_attr(feature = "openapi", schema(max_length = 255))]
    pub file_type: Option<String>,
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub file_size: Option<i32>,
}

/// The columns of `GET /api/clients/export`: the fields of `CreateClientRequest` (tags
/// separated by `;`), then one `socialLinks.<platform>` column per platform in use.
pub const CLIENT_COLUMNS: [&str; 11] = [
    "name",
    "email",
    "phone",
    "company",
    "website",
    "logoUrl",
    "serviceTags",
    "status",
    "assignedToId",
    "notes",
    "displayOrder",
];

pub fn client_header(platforms: &[String]) -> Vec<String> {
    use crate::crm::lead_imports::SOCIAL_PREFIX;
    CLIENT_COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(platforms.iter().map(|p| format!("{SOCIAL_PREFIX}{p}")))
        .collect()
}

/// One export row in `client_header` order, formula cells guarded.
pub fn client_cells(client: &Client, platforms: &[String]) -> Vec<String> {
    use crate::crm::lead_imports::{guard_cell, TAG_SEPARATOR};
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let fixed = [
        client.name.clone(),
        text(&client.email),
        text(&client.phone),
        text(&client.company),
        text(&client.website),
        text(&client.logo_url),
        client.service_tags.join(&TAG_SEPARATOR.to_string()),
        client.status.as_str().to_owned(),
        client.assigned_to_id.map(|id| id.to_string()).unwrap_or_default(),
        text(&client.notes),
        client.display_order.to_string(),
    ];
    let social = platforms.iter().map(|p| client.social_links.get(p).cloned().unwrap_or_default());
    fixed.into_iter().chain(social).map(guard_cell).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_parse_from_their_names() {
        let filter: ClientFilter = serde_json::from_str(r#"{"sort":"-name"}"#).unwrap();
        assert_eq!(filter.sort, Some(ClientSort::NameDesc));
        assert!(serde_json::from_str::<ClientFilter>(r#"{"sort":"password"}"#).is_err());
    }
}
