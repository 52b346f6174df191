//! In-memory cache with TTL, get-or-set, and invalidation by key or key prefix.

use moka::future::Cache;
use std::future::Future;
use std::time::Duration;

#[derive(Clone)]
pub struct CacheService<V: Clone + Send + Sync + 'static> {
    inner: Cache<String, V>,
}

impl<V: Clone + Send + Sync + 'static> CacheService<V> {
    pub fn new(max_entries: u64, ttl: Duration) -> Self {
        let inner =
            Cache::builder().max_capacity(max_entries).time_to_live(ttl).support_invalidation_closures().build();
        Self { inner }
    }

    pub async fn get(&self, key: &str) -> Option<V> {
        self.inner.get(key).await
    }

    pub async fn set(&self, key: impl Into<String>, value: V) {
        self.inner.insert(key.into(), value).await;
    }

    /// Returns the cached value, or runs `load` and caches its `Some` result. Misses
    /// (`None`) and errors are not cached, and errors reach the caller unchanged.
    pub async fn get_or_set<E, F>(&self, key: &str, load: F) -> Result<Option<V>, E>
    where
        F: Future<Output = Result<Option<V>, E>>,
    {
        if let Some(value) = self.inner.get(key).await {
            return Ok(Some(value));
        }
        let loaded = load.await?;
        if let Some(value) = &loaded {
            self.inner.insert(key.to_owned(), value.clone()).await;
        }
        Ok(loaded)
    }

    pub async fn delete(&self, key: &str) {
        self.inner.invalidate(key).await;
    }

    /// Drops every entry whose key starts with `prefix` (e.g. `user:`).
    pub fn delete_prefix(&self, prefix: &str) {
        let prefix = prefix.to_owned();
        // Only fails when closures were not enabled, which `new` always does.
        let _ = self.inner.invalidate_entries_if(move |key, _| key.starts_with(&prefix));
    }

    pub fn clear(&self) {
        self.inner.invalidate_all();
    }

    /// Runs pending evictions; counts are eventually consistent without it.
    pub async fn sync(&self) {
        self.inner.run_pending_tasks().await;
    }

    pub fn entry_count(&self) -> u64 {
        self.inner.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn get_or_set_loads_once() {
        let cache = CacheService::<u32>::new(100, Duration::from_secs(60));
        let loads = AtomicUsize::new(0);
        for _ in 0..3 {
            let value = cache
                .get_or_set::<(), _>("user:1", async {
                    loads.fetch_add(1, Ordering::SeqCst);
                    Ok(Some(7))
                })
                .await
                .unwrap();
            assert_eq!(value, Some(7));
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn misses_and_failures_are_not_cached() {
        let cache = CacheService::<u32>::new(100, Duration::from_secs(60));
        assert_eq!(cache.get_or_set::<(), _>("user:2", async { Ok(None) }).await.unwrap(), None);
        assert_eq!(cache.get_or_set::<&str, _>("user:2", async { Err("db down") }).await, Err("db down"));
        assert_eq!(cache.get_or_set::<(), _>("user:2", async { Ok(Some(3)) }).await.unwrap(), Some(3));
    }

    #[tokio::test]
    async fn entries_expire_after_the_ttl() {
        let cache = CacheService::<u32>::new(100, Duration::from_millis(50));
        cache.set("task:1", 1).await;
        assert_eq!(cache.get("task:1").await, Some(1));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(cache.get("task:1").await, None);
    }

    #[tokio::test]
    async fn delete_by_key_and_by_prefix() {
        let cache = CacheService::<u32>::new(100, Duration::from_secs(60));
        cache.set("user:1", 1).await;
        cache.set("user:2", 2).await;
        cache.set("apikey:abc", 3).await;
        cache.delete("user:1").await;
        assert_eq!(cache.get("user:1").await, None);
        cache.delete_prefix("user:");
        cache.sync().await;
        assert_eq!(cache.get("user:2").await, None);
        assert_eq!(cache.get("apikey:abc").await, Some(3));
        cache.clear();
        cache.sync().await;
        assert_eq!(cache.get("apikey:abc").await, None);
    }
}
