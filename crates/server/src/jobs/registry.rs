//! Which job kinds a worker runs, and how: payloads arrive as JSON and are decoded to
//! their `Job` type here.

use super::{Job, JobError, JobRun};
use domain::ops::jobs::retry_delay;
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::time::Duration;

type RunFn = fn(JobRun, serde_json::Value) -> BoxFuture<'static, Result<(), JobError>>;
type DeadFn = fn(JobRun, serde_json::Value, String) -> BoxFuture<'static, ()>;

/// One registered kind.
#[derive(Clone, Copy)]
pub(super) struct Kind {
    pub name: &'static str,
    pub run: RunFn,
    pub on_dead: DeadFn,
    retry_base: Duration,
    retry_cap: Duration,
}

impl Kind {
    /// When a run that failed with attempt `attempt` runs again, jittered by `jitter` in [0, 1).
    pub fn retry_after(&self, attempt: i32, jitter: f64) -> Duration {
        retry_delay(attempt, self.retry_base, self.retry_cap, jitter)
    }
}

/// The kinds a worker claims; rows of other kinds (a newer release's) wait for a worker
/// that knows them.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: Vec<Kind>,
}

fn decode<J: Job>(payload: serde_json::Value) -> Result<J, JobError> {
    serde_json::from_value(payload).map_err(|error| JobError::Fatal(format!("invalid {} payload: {error}", J::KIND)))
}

impl Registry {
    /// Every kind of the product.
    pub fn standard() -> Self {
        Self::default()
            .with::<super::cleanup::Cleanup>()
            .with::<super::cleanup::Noop>()
            .with::<crate::mail::SendEmail>()
            .with::<crate::routes::crm::lead_imports::LeadImportJob>()
            .with::<crate::routes::identity::auth::recovery::SendResetLink>()
            .with::<crate::routes::identity::auth::registration::StartSignup>()
            .with::<crate::notify::DeliverNotification>()
            .with::<crate::notify::reminders::TaskReminders>()
            .with::<crate::notify::reminders::MeetingReminders>()
            .with::<crate::webhooks::DeliverWebhooks>()
    }

    /// Adds kind `J`.
    pub fn with<J: Job>(mut self) -> Self {
        self.kinds.retain(|kind| kind.name != J::KIND);
        self.kinds.push(Kind {
            name: J::KIND,
            run: |run, payload| async move { decode::<J>(payload)?.run(run).await }.boxed(),
            on_dead: |run, payload, error| {
                async move {
                    if let Ok(job) = decode::<J>(payload) {
                        job.on_dead(run, error).await;
                    }
                }
                .boxed()
            },
            retry_base: J::RETRY_BASE,
            retry_cap: J::RETRY_CAP,
        });
        self
    }

    pub(super) fn names(&self) -> Vec<&'static str> {
        self.kinds.iter().map(|kind| kind.name).collect()
    }

    pub(super) fn get(&self, name: &str) -> Option<Kind> {
        self.kinds.iter().find(|kind| kind.name == name).copied()
    }
}
