//! Outgoing signed webhooks. Every audited write's domain event is fanned out in the
//! write's own transaction (`fan_out`, called by `http::audit::Writer::record`): one
//! pending delivery, with its body frozen, per active endpoint that takes the event's
//! type, so a delivery exists exactly when its write committed.
//!
//! Each endpoint's deliveries form a line ordered by `position`; a `webhooks.deliver` job
//! ([`DeliverWebhooks`]) sends only the line's head, under a per-endpoint lock, so a later
//! event never reaches a receiver before an earlier one that is still pending. The job's
//! unique key is the head's place and attempt count (`{endpoint}:{position}:{attempts}`):
//! a burst of events behind one head queues one job, and the job that records a failure
//! schedules the retry under the next key.

mod deliver;
mod signature;
pub mod target;

use crate::error::AppResult;
use crate::jobs::{self, Enqueue};
use chrono::Utc;
pub use deliver::DeliverWebhooks;
use domain::ops::webhooks::{body, is_sent, patterns_taking, WebhookDelivery, WebhookEndpoint, TEST_EVENT_TYPE};
pub use signature::new_secret;
use storage::events::NewEvent;
use storage::ops::webhook_deliveries::{self, Head};
use storage::AsyncPgConnection;
use uuid::Uuid;

/// Queues the event stored as `event_id` for every endpoint that takes it, in the
/// caller's transaction. Without such endpoints this is one statement that finds none.
pub async fn fan_out(conn: &mut AsyncPgConnection, event_id: i64, event: &NewEvent) -> AppResult<()> {
    if !is_sent(&event.entity_type) {
        return Ok(());
    }
    let body =
        body(event_id, &event.event_type, Utc::now(), &event.entity_type, &event.entity_id, event.payload.as_ref());
    let patterns = patterns_taking(&event.event_type);
    let endpoints = webhook_deliveries::fan_out(conn, event_id, &event.event_type, &body, &patterns).await?;
    wake(conn, &endpoints).await
}

/// Queues a `webhook.test` event (stored as `event_id`) for `endpoint` alone, behind its
/// pending deliveries.
pub async fn queue_test(
    conn: &mut AsyncPgConnection,
    endpoint: &WebhookEndpoint,
    event_id: i64,
) -> AppResult<WebhookDelivery> {
    let object = serde_json::json!({"message": "A test event from MarketingOS", "endpoint": endpoint});
    let entity_id = endpoint.id.to_string();
    let ping = body(event_id, TEST_EVENT_TYPE, Utc::now(), "webhook_endpoint", &entity_id, Some(&object));
    let delivery = webhook_deliveries::insert(conn, endpoint.id, event_id, TEST_EVENT_TYPE, &ping).await?;
    wake(conn, &[endpoint.id]).await?;
    Ok(delivery)
}

/// Makes sure a delivery job comes for the head of each endpoint's line, when it is due.
pub async fn wake(conn: &mut AsyncPgConnection, endpoints: &[Uuid]) -> AppResult<()> {
    if endpoints.is_empty() {
        return Ok(());
    }
    for head in webhook_deliveries::heads(conn, endpoints).await? {
        schedule(conn, &head).await?;
    }
    Ok(())
}

async fn schedule(conn: &mut AsyncPgConnection, head: &Head) -> AppResult<()> {
    let options = Enqueue {
        unique_key: Some(format!("{}:{}:{}", head.endpoint_id, head.position, head.attempts)),
        run_at: Some(head.next_attempt_at.max(Utc::now())),
    };
    jobs::enqueue_with(conn, &DeliverWebhooks { endpoint_id: head.endpoint_id }, options).await?;
    Ok(())
}
