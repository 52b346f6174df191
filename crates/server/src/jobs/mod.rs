//! The durable job queue on PostgreSQL (table `jobs`): a job is enqueued in the same
//! transaction as the write that causes it, claimed by one worker with
//! `FOR UPDATE SKIP LOCKED`, held under a lease the worker renews while it runs, retried
//! with exponential backoff and jitter, and ends `succeeded` or `dead` with its last
//! error. A job whose worker died (a crash, `kill -9`) runs again once its lease expires,
//! so jobs run at least once: each kind makes a second run harmless (unique rows,
//! progress saved with the work, idempotency keys).
//!
//! A kind of job is a payload type implementing [`Job`], registered in
//! [`Registry::standard`]; [`pool::WorkerPool`] runs them, inside the server
//! (`JOB_WORKERS`) or alone (`marketingos worker`); [`schedule`] enqueues the periodic
//! ones.

pub mod cleanup;
pub mod pool;
mod registry;
pub mod schedule;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{DateTime, Utc};
pub use registry::Registry;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use storage::ops::jobs::NewJob;
use storage::AsyncPgConnection;

/// A kind of background job: its payload is the value itself, stored as JSON.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stored `kind`, e.g. `lead_import`. Never renamed once deployed: queued rows
    /// name it.
    const KIND: &'static str;
    /// Runs, the first included, before the job is dead.
    const MAX_ATTEMPTS: i32 = 10;
    /// The delay before the first retry; doubles with each further one, up to `RETRY_CAP`.
    const RETRY_BASE: Duration = Duration::from_secs(10);
    const RETRY_CAP: Duration = Duration::from_secs(3600);

    fn run(self, run: JobRun) -> impl Future<Output = Result<(), JobError>> + Send;

    /// Called once when the job ends dead, e.g. to mark what it worked on as failed.
    fn on_dead(self, run: JobRun, error: String) -> impl Future<Output = ()> + Send {
        let _ = (run, error);
        async {}
    }
}

/// What a running job knows of its run.
#[derive(Clone)]
pub struct JobRun {
    pub state: Arc<AppState>,
    pub id: i64,
    /// This run's number, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
}

/// Why a run failed.
#[derive(Debug)]
pub enum JobError {
    /// Worth retrying (a timeout, a refused connection, a database error).
    Retry(String),
    /// Retrying cannot help (the payload is invalid, the record is gone): dead at once.
    Fatal(String),
}

impl From<AppError> for JobError {
    fn from(error: AppError) -> Self {
        JobError::Retry(error.to_string())
    }
}

impl From<storage::StorageError> for JobError {
    fn from(error: storage::StorageError) -> Self {
        JobError::Retry(error.to_string())
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Retry(error) | JobError::Fatal(error) => f.write_str(error),
        }
    }
}

/// Enqueue options beyond the payload.
#[derive(Debug, Clone, Default)]
pub struct Enqueue {
    /// At most one job of the kind with this key exists (a second enqueue is a no-op).
    pub unique_key: Option<String>,
    /// Not before this time (default: now).
    pub run_at: Option<DateTime<Utc>>,
}

/// Queues `job` in the caller's transaction: it runs only if that commits.
pub async fn enqueue<J: Job>(conn: &mut AsyncPgConnection, job: &J) -> AppResult<()> {
    enqueue_with(conn, job, Enqueue::default()).await.map(|_| ())
}

/// As [`enqueue`], with a unique key or a start time; `None` when the key was taken.
pub async fn enqueue_with<J: Job>(conn: &mut AsyncPgConnection, job: &J, options: Enqueue) -> AppResult<Option<i64>> {
    let row = NewJob {
        kind: J::KIND,
        payload: serde_json::to_value(job).map_err(AppError::internal)?,
        unique_key: options.unique_key,
        max_attempts: J::MAX_ATTEMPTS,
        run_at: options.run_at.unwrap_or_else(Utc::now),
    };
    Ok(storage::ops::jobs::enqueue(conn, &row).await?)
}
