//! The `webhooks.deliver` job: sends one endpoint's pending deliveries, oldest first, each
//! under the endpoint's delivery lock (held for the attempt and its record, in one
//! transaction), and records every attempt. A failure schedules the head's retry; an
//! endpoint failing for a day is turned off.
//!
//! A job that finds the lock taken leaves: the holder checks for due deliveries after
//! releasing it, so whichever job lets go last sends what was queued meanwhile.

use super::{signature, target, wake};
use crate::error::AppError;
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::jobs::{Job, JobError, JobRun};
use crate::state::AppState;
use chrono::Utc;
use domain::notifications::rules;
use domain::ops::webhooks::{retry_after, should_disable, WebhookDelivery};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use storage::ops::webhook_deliveries::{self, Attempt, Outcome};
use storage::ops::webhooks::{EndpointChanges, EndpointRow};
use storage::AsyncPgConnection;
use uuid::Uuid;

/// Deliveries one run sends before it queues its continuation, so that one busy endpoint
/// does not hold a worker for ever while others wait.
const PER_RUN: usize = 100;

/// Delivers the pending deliveries of one endpoint.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliverWebhooks {
    pub endpoint_id: Uuid,
}

/// What one step under the lock did.
enum Step {
    /// Sent the head (delivered, or failed for good): the next one may go.
    Sent,
    /// Nothing is due (empty line, or the head waits for its retry, which is scheduled).
    Idle,
    /// Another job holds the endpoint's lock.
    Busy,
    /// The endpoint is gone or turned off.
    Stopped,
}

impl Job for DeliverWebhooks {
    const KIND: &'static str = "webhooks.deliver";

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let id = self.endpoint_id;
        let mut sent = 0;
        loop {
            let state = &run.state;
            match state.transaction(async |conn| step(state, conn, id).await).await? {
                Step::Sent if sent + 1 >= PER_RUN => {
                    let mut conn = state.conn().await?;
                    wake(&mut conn, &[id]).await?;
                    return Ok(());
                }
                Step::Sent => sent += 1,
                Step::Busy | Step::Stopped => return Ok(()),
                // Looked at again with the lock released: a delivery queued by a write
                // while this job held it found the lock taken and left it to this job.
                Step::Idle => {
                    let mut conn = state.conn().await?;
                    let head = webhook_deliveries::next(&mut conn, id).await?;
                    if head.is_none_or(|(delivery, _)| delivery.next_attempt_at > Utc::now()) {
                        return Ok(());
                    }
                }
            }
        }
    }
}

async fn step(state: &AppState, conn: &mut AsyncPgConnection, id: Uuid) -> Result<Step, AppError> {
    if !webhook_deliveries::try_lock(conn, id).await? {
        return Ok(Step::Busy);
    }
    let Some(endpoint) = storage::ops::webhooks::find_with_secret(conn, id).await?.filter(|e| e.active) else {
        return Ok(Step::Stopped);
    };
    let Some((delivery, _)) = webhook_deliveries::next(conn, id).await? else {
        return Ok(Step::Idle);
    };
    if delivery.next_attempt_at > Utc::now() {
        wake(conn, &[id]).await?;
        return Ok(Step::Idle);
    }
    let number = delivery.attempts + 1;
    let started = Instant::now();
    let answer = send(state, &endpoint, &delivery).await;
    let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let (status_code, error) = match answer {
        Ok(status) if (200..300).contains(&status) => (Some(status), None),
        Ok(status) => (Some(status), Some(format!("HTTP {status}"))),
        Err(error) => (None, Some(error)),
    };
    let mut attempt = Attempt { attempt: number, status_code, error, duration_ms, outcome: Outcome::Delivered };
    if attempt.error.is_none() {
        webhook_deliveries::record(conn, delivery.id, &attempt).await?;
        storage::ops::webhooks::record_success(conn, id).await?;
        return Ok(Step::Sent);
    }
    let failing_since = storage::ops::webhooks::record_failure(conn, id).await?;
    if should_disable(Some(failing_since), Utc::now()) {
        attempt.outcome = Outcome::Failed;
        webhook_deliveries::record(conn, delivery.id, &attempt).await?;
        disable(conn, &endpoint, failing_since).await?;
        return Ok(Step::Stopped);
    }
    match retry_after(number, rand::random()) {
        Some(delay) => {
            let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            attempt.outcome = Outcome::RetryAt(at);
            webhook_deliveries::record(conn, delivery.id, &attempt).await?;
            wake(conn, &[id]).await?;
            Ok(Step::Idle)
        }
        None => {
            attempt.outcome = Outcome::Failed;
            webhook_deliveries::record(conn, delivery.id, &attempt).await?;
            Ok(Step::Sent)
        }
    }
}

/// One POST of the delivery's frozen body: the receiver's status, or why there is none.
async fn send(state: &AppState, endpoint: &EndpointRow, delivery: &WebhookDelivery) -> Result<i32, String> {
    let (url, client) = target::client(&endpoint.url, &state.config.webhooks).await?;
    let body = serde_json::to_vec(&delivery.payload).map_err(|error| format!("the body cannot be written: {error}"))?;
    let signed = signature::header(&endpoint.secret, Utc::now().timestamp(), &body);
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("MarketingOS-Event-Id", format!("evt_{}", delivery.event_id))
        .header("MarketingOS-Signature", signed)
        .body(body)
        .send()
        .await;
    match response {
        Ok(response) => Ok(i32::from(response.status().as_u16())),
        Err(error) if error.is_timeout() => {
            Err(format!("no answer within {} s", state.config.webhooks.timeout.as_secs()))
        }
        // Without the URL, which may carry credentials.
        Err(error) => Err(error.without_url().to_string()),
    }
}

/// Turns the endpoint off, fails its pending deliveries and records it, audited, for its
/// owner (`created_by`, in the event's audience) and the activity log.
async fn disable(
    conn: &mut AsyncPgConnection,
    endpoint: &EndpointRow,
    failing_since: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    let reason = format!(
        "Turned off automatically: every delivery since {} failed",
        failing_since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let changes =
        EndpointChanges { active: Some(false), disabled_reason: Some(Some(reason.clone())), ..Default::default() };
    let after = storage::ops::webhooks::update(conn, endpoint.id, &changes).await?;
    webhook_deliveries::fail_pending(conn, endpoint.id, "Not sent: the endpoint was turned off").await?;
    let entry = Entry::new(
        "webhook_endpoint.disable",
        Subject::of(&after),
        format!("Turned off webhook endpoint {}: its deliveries failed for 24 hours", after.url),
    )
    .before(&endpoint.endpoint)
    .after(&after);
    let writer = AuditContext::detached(None, None);
    writer.anonymous().record(conn, entry).await?;
    writer.anonymous().notify(conn, [rules::webhook_disabled(after.created_by, &after.url)]).await?;
    tracing::warn!(endpoint = %endpoint.id, %reason, "webhook endpoint turned off");
    Ok(())
}
