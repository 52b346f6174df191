//! The worker pool of one process: a dispatcher claims due jobs for its free slots, each
//! claimed job runs in its own task while the pool renews its lease, and the outcome is
//! recorded. Idle dispatchers wait for a `NOTIFY jobs` (sent when an enqueue commits, on
//! any node) or poll every second for scheduled runs and retries.

use super::registry::{Kind, Registry};
use super::{JobError, JobRun};
use crate::state::AppState;
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use storage::ops::jobs::{ClaimedJob, Outcome};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

/// How often an idle dispatcher looks for due jobs without being woken.
const POLL: Duration = Duration::from_secs(1);
/// How often expired leases are looked for.
const RELEASE_EVERY: Duration = Duration::from_secs(2);

/// A running pool; [`WorkerPool::stop`] ends it.
pub struct WorkerPool {
    /// `Some(grace)` once stopping: how long running jobs may take to finish.
    stop: watch::Sender<Option<Duration>>,
    dispatcher: JoinHandle<()>,
    listener: JoinHandle<()>,
    scheduler: JoinHandle<()>,
    pub worker_id: String,
}

struct Dispatcher {
    state: Arc<AppState>,
    registry: Registry,
    kinds: Vec<&'static str>,
    worker_id: String,
    slots: Arc<Semaphore>,
    wake: Arc<Notify>,
    lease: Duration,
}

impl WorkerPool {
    /// Starts `workers` slots running `registry`'s kinds.
    pub fn start(state: Arc<AppState>, registry: Registry, workers: usize) -> Self {
        let worker_id = format!(
            "{}:{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "local".to_owned()),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let (stop, stopped) = watch::channel(None);
        let wake = Arc::new(Notify::new());
        let listener =
            tokio::spawn(listen(state.config.database_url.expose().to_owned(), wake.clone(), stopped.clone()));
        let scheduler = tokio::spawn(super::schedule::run(state.clone(), super::schedule::standard(), stopped.clone()));
        let dispatcher = Dispatcher {
            lease: state.config.jobs.lease,
            kinds: registry.names(),
            state,
            registry,
            worker_id: worker_id.clone(),
            slots: Arc::new(Semaphore::new(workers.max(1))),
            wake,
        };
        let dispatcher = tokio::spawn(dispatcher.run(stopped));
        tracing::info!(worker = %worker_id, workers, "job workers started");
        WorkerPool { stop, dispatcher, listener, scheduler, worker_id }
    }

    /// Stops claiming, lets running jobs finish for up to `grace`, then hands the rest
    /// back to the queue (uncounted) for another worker.
    pub async fn stop(self, grace: Duration) {
        // The dispatcher owns the running tasks: it waits for them, then hands back the rest.
        let _ = self.stop.send(Some(grace));
        let _ = tokio::time::timeout(grace + Duration::from_secs(5), self.dispatcher).await;
        self.listener.abort();
        self.scheduler.abort();
    }
}

impl Dispatcher {
    async fn run(self, mut stopped: watch::Receiver<Option<Duration>>) {
        let this = Arc::new(self);
        let mut running = JoinSet::new();
        let mut last_release = Instant::now() - RELEASE_EVERY;
        loop {
            let first = tokio::select! {
                permit = this.slots.clone().acquire_owned() => permit,
                _ = stopped.changed() => break,
            };
            let Ok(first) = first else { break };
            let mut permits = vec![first];
            while let Ok(permit) = this.slots.clone().try_acquire_owned() {
                permits.push(permit);
            }
            if last_release.elapsed() >= RELEASE_EVERY {
                last_release = Instant::now();
                this.release_expired().await;
            }
            let claimed = this.claim(permits.len()).await;
            let idle = claimed.len() < permits.len();
            for job in claimed {
                let Some(permit) = permits.pop() else { break };
                running.spawn(this.clone().execute(job, permit));
            }
            drop(permits);
            while running.try_join_next().is_some() {}
            if idle {
                tokio::select! {
                    _ = this.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stopped.changed() => break,
                }
            }
        }
        let grace = stopped.borrow().unwrap_or_default();
        this.drain(running, grace).await;
    }

    /// Waits for the running jobs up to the grace period, then aborts the rest and hands
    /// them back.
    async fn drain(&self, mut running: JoinSet<()>, grace: Duration) {
        let all_done = async { while running.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, all_done).await.is_err() {
            running.abort_all();
            while running.join_next().await.is_some() {}
        }
        match self.state.conn().await {
            Ok(mut conn) => match storage::ops::jobs::hand_back(&mut conn, &self.worker_id).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "handed unfinished jobs back to the queue"),
                Err(error) => {
                    tracing::error!(%error, "could not hand jobs back; they run again when their leases expire")
                }
            },
            Err(error) => tracing::error!(%error, "could not hand jobs back; they run again when their leases expire"),
        }
    }

    async fn release_expired(&self) {
        let released = async {
            let mut conn = self.state.conn().await?;
            Ok::<_, crate::error::AppError>(storage::ops::jobs::release_expired(&mut conn).await?)
        };
        match released.await {
            Ok(0) => {}
            Ok(count) => tracing::warn!(count, "jobs whose workers stopped were released"),
            Err(error) => tracing::warn!(%error, "could not check job leases"),
        }
    }

    async fn claim(&self, slots: usize) -> Vec<ClaimedJob> {
        let claimed = async {
            let mut conn = self.state.conn().await?;
            Ok::<_, crate::error::AppError>(
                storage::ops::jobs::claim(&mut conn, &self.worker_id, &self.kinds, self.lease, slots as i64).await?,
            )
        };
        claimed.await.unwrap_or_else(|error| {
            tracing::warn!(%error, "could not claim jobs");
            Vec::new()
        })
    }

    /// Runs one claimed job to its outcome, renewing its lease meanwhile.
    async fn execute(self: Arc<Self>, job: ClaimedJob, _permit: OwnedSemaphorePermit) {
        let Some(kind) = self.registry.get(&job.kind) else { return };
        let run =
            JobRun { state: self.state.clone(), id: job.id, attempt: job.attempts, max_attempts: job.max_attempts };
        let started = Instant::now();
        // Its own task, so that a panic is an outcome, and aborted if this one is.
        let mut task = AbortOnDrop(tokio::spawn((kind.run)(run.clone(), job.payload.clone())));
        let mut renew = tokio::time::interval(self.lease / 3);
        renew.tick().await;
        let result = loop {
            tokio::select! {
                result = &mut task.0 => break result,
                _ = renew.tick() => self.renew(&job).await,
            }
        };
        let result = result.unwrap_or_else(|panic| Err(JobError::Retry(format!("the job panicked: {panic}"))));
        let outcome = outcome(&kind, &job, result);
        let recorded = async {
            let mut conn = self.state.conn().await?;
            Ok::<_, crate::error::AppError>(
                storage::ops::jobs::finish(&mut conn, &job, &self.worker_id, &outcome).await?,
            )
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match (&outcome, recorded.await) {
            (_, Err(error)) => {
                tracing::error!(job = job.id, kind = kind.name, %error, "could not record a job's outcome; it runs again when its lease expires")
            }
            (_, Ok(false)) => {
                tracing::warn!(job = job.id, kind = kind.name, "the job's lease was lost before it finished")
            }
            (Outcome::Succeeded, Ok(true)) => {
                tracing::debug!(job = job.id, kind = kind.name, elapsed_ms, "job succeeded")
            }
            (Outcome::Retry { error, at }, Ok(true)) => {
                tracing::warn!(job = job.id, kind = kind.name, attempt = job.attempts, %error, retry_at = %at, "job failed; will retry")
            }
            (Outcome::Dead { error }, Ok(true)) => {
                tracing::error!(job = job.id, kind = kind.name, attempt = job.attempts, %error, "job is dead");
                (kind.on_dead)(run, job.payload, error.clone()).await;
            }
        }
    }

    async fn renew(&self, job: &ClaimedJob) {
        let renewed = async {
            let mut conn = self.state.conn().await?;
            Ok::<_, crate::error::AppError>(
                storage::ops::jobs::renew(&mut conn, job, &self.worker_id, self.lease).await?,
            )
        };
        match renewed.await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(job = job.id, "lost the lease of a running job"),
            Err(error) => tracing::warn!(job = job.id, %error, "could not renew a job's lease"),
        }
    }
}

/// What the queue records for a run that returned `result`.
fn outcome(kind: &Kind, job: &ClaimedJob, result: Result<(), JobError>) -> Outcome {
    match result {
        Ok(()) => Outcome::Succeeded,
        Err(JobError::Fatal(error)) => Outcome::Dead { error },
        Err(JobError::Retry(error)) if job.attempts >= job.max_attempts => Outcome::Dead { error },
        Err(JobError::Retry(error)) => {
            let delay = kind.retry_after(job.attempts, rand::random::<f64>());
            let at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            Outcome::Retry { error, at }
        }
    }
}

struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Wakes the dispatcher on each `NOTIFY jobs`, on a connection of its own (reconnecting
/// after errors); missed notifications only cost the one-second poll.
async fn listen(database_url: String, wake: Arc<Notify>, mut stopped: watch::Receiver<Option<Duration>>) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let session = async {
            let mut conn = AsyncPgConnection::establish(&database_url).await?;
            diesel::sql_query(format!("LISTEN {}", storage::ops::jobs::CHANNEL)).execute(&mut conn).await?;
            let mut notifications = std::pin::pin!(conn.notifications_stream());
            while let Some(notification) = notifications.next().await {
                notification?;
                wake.notify_one();
            }
            Ok::<_, anyhow::Error>(())
        };
        tokio::select! {
            result = session => if let Err(error) = result {
                tracing::warn!(%error, "job notifications interrupted; reconnecting");
            },
            _ = stopped.changed() => return,
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}
