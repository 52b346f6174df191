//! The hourly cleanup (`schedule::standard`): expired tokens, old finished jobs, events and
//! notifications; and
//! the job that does nothing, for the bench.

use super::{Job, JobError, JobRun};
use chrono::Utc;
use serde::{Deserialize, Serialize};

/// Expired sessions and links are kept a day (for support questions), finished jobs two
/// weeks (longer than any schedule's period, so a tick's unique key outlives the tick).
const KEEP_EXPIRED: chrono::Duration = chrono::Duration::days(1);
const KEEP_FINISHED_JOBS: chrono::Duration = chrono::Duration::days(14);
/// Domain events are replayed for a day (`GET /api/events`); a week leaves room to look.
const KEEP_EVENTS: chrono::Duration = chrono::Duration::days(7);
/// Notifications, read or not, are kept three months.
const KEEP_NOTIFICATIONS: chrono::Duration = chrono::Duration::days(90);
/// The webhook delivery log reaches back a month.
const KEEP_WEBHOOK_DELIVERIES: chrono::Duration = chrono::Duration::days(30);

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cleanup {}

impl Job for Cleanup {
    const KIND: &'static str = "cleanup";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let mut conn = run.state.conn().await?;
        let now = Utc::now();
        let swept = storage::ops::retention::sweep(
            &mut conn,
            now - KEEP_EXPIRED,
            now - KEEP_FINISHED_JOBS,
            now - KEEP_EVENTS,
            now - KEEP_WEBHOOK_DELIVERIES,
        )
        .await?;
        let notifications = storage::notifications::delete_older_than(&mut conn, now - KEEP_NOTIFICATIONS).await?;
        tracing::info!(?swept, notifications, "cleanup done");
        Ok(())
    }
}

/// Does nothing: `cargo xtask bench` measures the queue's own cost per job with it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Noop {}

impl Job for Noop {
    const KIND: &'static str = "noop";
    const MAX_ATTEMPTS: i32 = 1;

    async fn run(self, _run: JobRun) -> Result<(), JobError> {
        Ok(())
    }
}
