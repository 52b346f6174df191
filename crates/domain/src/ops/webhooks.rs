//! Outgoing webhooks: the endpoints admins register, the deliveries of events to them, and
//! the pure rules of delivery (which events an endpoint takes, the retry schedule, when a
//! failing endpoint is turned off). Which addresses may be called is `webhook_targets`.

use crate::patch::double_option;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use uuid::Uuid;
use validator::{Validate, ValidationError};

crate::enums::stored_enum! {
    /// `pending` (queued or waiting for a retry) → `delivered` (a 2xx answer), or
    /// `failed` once out of attempts or when its endpoint was turned off.
    pub enum DeliveryStatus: "snake_case" {
        Pending,
        Delivered,
        Failed,
    }
}

/// An endpoint as admins see it; its secret is shown only by [`CreatedWebhookEndpoint`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::webhook_endpoints, check_for_backend(diesel::pg::Pg)))]
pub struct WebhookEndpoint {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// Exact event types (`lead.updated`), families (`lead.*`) or `*` for every event.
    pub event_types: Vec<String>,
    pub active: bool,
    /// The admin who registered it, told when it is turned off.
    pub created_by: i32,
    /// Why it was turned off automatically; cleared when an admin turns it on again.
    pub disabled_reason: Option<String>,
    /// The first failed attempt since its last success.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The answer to creating an endpoint or rotating its secret: the only times the secret
/// is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedWebhookEndpoint {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// The HMAC-SHA256 key of `MarketingOS-Signature`. Store it now: it cannot be read again.
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// An `http://` or `https://` URL on a public address (see `WEBHOOK_ALLOWED_HOSTS`).
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub url: String,
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub description: Option<String>,
    /// What it receives: event types from the README's list, `<family>.*` or `*`.
    #[validate(length(min = 1, max = 50), custom(function = "event_types_known"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub event_types: Vec<String>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// Partial update: absent fields stay; `description: null` clears it. Turning an endpoint
/// on again clears `disabledReason` and `failingSince`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[validate(length(max = 2048), custom(function = "crate::validation::http_url"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub url: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub description: Option<Option<String>>,
    #[validate(length(min = 1, max = 50), custom(function = "event_types_known"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub event_types: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// One try of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::webhook_delivery_attempts, check_for_backend(diesel::pg::Pg)))]
pub struct DeliveryAttempt {
    #[serde(skip)]
    pub delivery_id: i64,
    /// From 1; counted again from 1 after a redelivery.
    pub attempt: i32,
    /// The receiver's HTTP status, absent when there was no answer (timeout, refused).
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub attempted_at: DateTime<Utc>,
}

/// A delivery of one event to one endpoint, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::webhook_deliveries, check_for_backend(diesel::pg::Pg)))]
pub struct WebhookDelivery {
    pub id: i64,
    pub endpoint_id: Uuid,
    /// The domain event's id; the body's `id` is `evt_<eventId>`.
    pub event_id: i64,
    pub event_type: String,
    /// The body every attempt sends.
    pub payload: serde_json::Value,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i32>,
    /// When a pending delivery is tried (next).
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A delivery with its attempts, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryLogEntry {
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    pub attempt_log: Vec<DeliveryAttempt>,
}

/// The event types an endpoint can name exactly: every type our audited writes publish
/// (`crate::events::event_type` of their activity types). A family (`lead.*`) also
/// takes types added later.
pub const EVENT_TYPES: [&str; 51] = [
    "lead.created",
    "lead.updated",
    "lead.deleted",
    "lead.convert",
    "lead.activity.created",
    "lead.import",
    "lead.import.start",
    "lead.import.finish",
    "client.created",
    "client.updated",
    "client.archive",
    "client.document.created",
    "client.document.deleted",
    "campaign.created",
    "campaign.updated",
    "campaign.deleted",
    "task.created",
    "task.updated",
    "task.deleted",
    "task.complete",
    "task_comment.created",
    "task_space.created",
    "task_space.updated",
    "task_space.deleted",
    "task_template.created",
    "task_template.updated",
    "task_template.deleted",
    "calendar_event.created",
    "calendar_event.updated",
    "calendar_event.deleted",
    "calendar.sync",
    "calendar_feed.rotate",
    "calendar_feed.revoke",
    "user.created",
    "user.updated",
    "user.register",
    "user.role_change",
    "user.deactivate",
    "user.profile_update",
    "user.email_change_requested",
    "user.email_change",
    "user.password_change",
    "api_key.created",
    "api_key.revoke",
    "job.updated",
    "auth.login",
    "auth.password_reset_requested",
    "auth.password_reset",
    "auth.signup_requested",
    "auth.signup_existing_email",
    "auth.signup_username_taken",
];

/// The type of the ping `POST /api/webhooks/{id}/test` sends (to that endpoint only).
pub const TEST_EVENT_TYPE: &str = "webhook.test";

/// The family of an event type: what comes before its first dot (`lead.activity.created` → `lead`).
pub fn family(event_type: &str) -> &str {
    event_type.split_once('.').map_or(event_type, |(family, _)| family)
}

/// Whether an endpoint may name `pattern`: `*`, a known type, or a known family's `<family>.*`.
pub fn is_known_pattern(pattern: &str) -> bool {
    pattern == "*"
        || EVENT_TYPES.contains(&pattern)
        || pattern.strip_suffix(".*").is_some_and(|name| EVENT_TYPES.iter().any(|known| family(known) == name))
}

fn event_types_known(patterns: &[String]) -> Result<(), ValidationError> {
    match patterns.iter().find(|pattern| !is_known_pattern(pattern)) {
        None => Ok(()),
        Some(unknown) => Err(ValidationError::new("event_type")
            .with_message(format!("{unknown:?} is not a known event type, `<family>.*` or `*`").into())),
    }
}

/// The patterns that take `event_type`: an endpoint receives it when it names one of them.
pub fn patterns_taking(event_type: &str) -> [String; 3] {
    ["*".to_owned(), format!("{}.*", family(event_type)), event_type.to_owned()]
}

/// Events of the webhook tables themselves are never sent (a delivery would cause another),
/// nor a user's own notification records.
pub fn is_sent(entity_type: &str) -> bool {
    // A user's own notifications, switches and browsers are theirs, not the agency's data.
    const PRIVATE: [&str; 3] = ["notification", "notification_preferences", "push_subscription"];
    !entity_type.starts_with("webhook") && !PRIVATE.contains(&entity_type)
}

/// Tries of one delivery, the first included: with [`RETRY_BASE`] doubling up to
/// [`RETRY_CAP`], the last one comes about 24 hours after the first.
pub const MAX_ATTEMPTS: i32 = 15;
pub const RETRY_BASE: Duration = Duration::from_secs(30);
pub const RETRY_CAP: Duration = Duration::from_secs(4 * 3600);
/// An endpoint whose deliveries have failed for this long without a success is turned off.
pub const DISABLE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// When a delivery that failed its attempt number `attempts` is tried again (`None`: it has
/// failed for good). `jitter` in [0, 1) spreads retries by a quarter either way.
pub fn retry_after(attempts: i32, jitter: f64) -> Option<Duration> {
    (attempts < MAX_ATTEMPTS).then(|| crate::ops::jobs::retry_delay(attempts, RETRY_BASE, RETRY_CAP, jitter))
}

/// Whether an endpoint failing since `failing_since` is turned off at `now`.
pub fn should_disable(failing_since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    failing_since.is_some_and(|since| (now - since).to_std().is_ok_and(|failing| failing >= DISABLE_AFTER))
}

/// The body of every delivery of an event: a stable `id` (the same on every retry and
/// redelivery), its type, the time of the write and the record.
pub fn body(
    event_id: i64,
    event_type: &str,
    time: DateTime<Utc>,
    entity_type: &str,
    entity_id: &str,
    object: Option<&serde_json::Value>,
) -> serde_json::Value {
    serde_json::json!({
        "id": format!("evt_{event_id}"),
        "type": event_type,
        "time": time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": {"entityType": entity_type, "entityId": entity_id, "object": object},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_any_known_type_its_family_or_everything() {
        for known in ["*", "lead.updated", "lead.*", "auth.*", "task_comment.*", "user.role_change"] {
            assert!(is_known_pattern(known), "{known}");
        }
        for unknown in ["", "lead", "lead.updatd", "invoice.*", "*.*", "webhook.test", "LEAD.UPDATED"] {
            assert!(!is_known_pattern(unknown), "{unknown}");
        }
        let body = CreateWebhookRequest {
            url: "https://hooks.example.com/in".into(),
            description: None,
            event_types: vec!["lead.*".into(), "lead.updatd".into()],
            active: None,
        };
        let errors = crate::validation::field_errors(&body.validate().unwrap_err());
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("eventTypes", "event_type"));
        assert!(errors[0].message.contains("lead.updatd"), "{}", errors[0].message);
    }

    #[test]
    fn an_event_is_taken_by_its_type_its_family_and_the_wildcard() {
        assert_eq!(patterns_taking("lead.activity.created"), ["*", "lead.*", "lead.activity.created"]);
        assert_eq!(family("calendar_feed.rotate"), "calendar_feed");
        assert!(!is_sent("webhook_endpoint") && is_sent("lead"));
    }

    #[test]
    fn retries_span_about_a_day() {
        let mut total = Duration::ZERO;
        let mut attempts = 1;
        while let Some(delay) = retry_after(attempts, 0.5) {
            total += delay;
            attempts += 1;
        }
        assert_eq!(attempts, MAX_ATTEMPTS, "the last attempt has no retry");
        assert_eq!(retry_after(1, 0.5), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(2, 0.5), Some(Duration::from_secs(60)));
        assert_eq!(retry_after(12, 0.5), Some(RETRY_CAP), "capped");
        let hours = total.as_secs_f64() / 3600.0;
        assert!((23.0..26.0).contains(&hours), "{hours} h");
    }

    #[test]
    fn an_endpoint_failing_for_a_day_is_turned_off() {
        let now = Utc::now();
        assert!(!should_disable(None, now));
        assert!(!should_disable(Some(now - chrono::Duration::hours(23)), now));
        assert!(should_disable(Some(now - chrono::Duration::hours(24)), now));
        assert!(!should_disable(Some(now + chrono::Duration::hours(1)), now), "a clock step back is no failure");
    }

    #[test]
    fn the_body_names_the_event_by_a_stable_id() {
        let time = DateTime::parse_from_rfc3339("2026-12-04T10:00:00.123Z").unwrap().with_timezone(&Utc);
        let object = serde_json::json!({"name": "Ada"});
        let body = body(42, "lead.updated", time, "lead", "7", Some(&object));
        assert_eq!(
            body,
            serde_json::json!({"id": "evt_42", "type": "lead.updated", "time": "2026-12-04T10:00:00Z",
                "data": {"entityType": "lead", "entityId": "7", "object": {"name": "Ada"}}})
        );
    }
}
