//! The e-mail outbox: every mail the product sends, and what became of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::Validate;

crate::enums::stored_enum! {
    /// `pending` (queued or being retried) → `sent`, or `failed` once out of tries;
    /// `skipped` when no SMTP server is configured (the mail is kept here).
    pub enum EmailStatus: "snake_case" {
        Pending,
        Sent,
        Failed,
        Skipped,
    }
}

/// A mail as the outbox list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::email_outbox, check_for_backend(diesel::pg::Pg)))]
pub struct OutboxEmail {
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    /// Which mail it is, e.g. `password_reset`.
    pub template: String,
    pub status: EmailStatus,
    /// SMTP tries so far.
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The `Message-ID` header every try carries.
    pub message_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// One mail with its text and HTML bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::email_outbox, check_for_backend(diesel::pg::Pg)))]
pub struct OutboxEmailDetail {
    #[serde(flatten)]
    #[cfg_attr(feature = "diesel", diesel(embed))]
    pub email: OutboxEmail,
    pub body_text: String,
    pub body_html: Option<String>,
}

/// Query of `GET /api/outbox`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct OutboxFilter {
    pub status: Option<EmailStatus>,
    /// Recipient address contains this text (any case).
    #[validate(length(min = 1, max = 254))]
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 254))]
    pub q: Option<String>,
}
