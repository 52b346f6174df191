//! A bounded pool for CPU-bound request work (recurrence expansion): it runs on tokio's
//! blocking threads, off the async workers, so `/health/live` and every other request keep
//! being served while it runs; and at most one job per core runs at a time, so a burst of
//! expensive requests queues instead of starving the machine.

use crate::error::AppError;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
}

impl CpuPool {
    pub fn new(size: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(size.max(1))) }
    }

    /// Sized to the machine's cores.
    pub fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// Runs `work` on a blocking thread once a permit is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "current_thread")]
    async fn work_runs_off_the_calling_thread_and_queues_beyond_the_permits() {
        let pool = CpuPool::new(1);
        let started = Instant::now();
        let slow = || std::thread::sleep(Duration::from_millis(100));
        // On a single-threaded runtime a timer still fires while the pool's work blocks.
        let timer = tokio::time::sleep(Duration::from_millis(10));
        let (a, b, ()) = tokio::join!(pool.run(slow), pool.run(slow), async {
            timer.await;
            assert!(started.elapsed() < Duration::from_millis(90), "the runtime thread stayed free");
        });
        a.unwrap();
        b.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(200), "one permit: the jobs ran one after the other");
    }
}
