//! What every handler shares.

use crate::auth::tokens::JwtKeys;
use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::mail::smtp::Mailer;
use crate::notify::push::WebPush;
use crate::platform::cache::CacheService;
use crate::platform::circuit_breaker::Circuits;
use crate::platform::cpu::CpuPool;
use crate::platform::events::EventHub;
use crate::platform::rate_limit::RateLimiters;
use std::sync::Arc;
use std::time::Duration;
use storage::identity::api_keys::ApiKeyRow;
use storage::identity::users::UserRow;
use storage::{DbPool, PooledConnection};

pub struct AppState {
    pub config: Arc<Config>,
    pub db: DbPool,
    pub jwt: JwtKeys,
    /// `user:{id}` → the account row; invalidated by every user write.
    pub users: CacheService<Arc<UserRow>>,
    /// `apikey:{prefix}` → the key row; invalidated on revoke and use.
    pub api_keys: CacheService<Arc<ApiKeyRow>>,
    pub circuits: Circuits,
    /// The SMTP sender; `None` without `SMTP_URL` (mails are kept in the outbox).
    pub mailer: Option<Mailer>,
    pub rate_limiters: Arc<RateLimiters>,
    /// `feed:{token hash}` → a rendered ICS feed; cleared by every calendar, task and
    /// user write (feeds are cheap to rebuild, stale ones are not acceptable).
    pub calendar_feeds: CacheService<Arc<String>>,
    /// Lead list totals by caller scope and filter (see `routes::crm::leads`); cleared by every
    /// lead write.
    pub lead_totals: CacheService<i64>,
    /// CPU-bound request work (recurrence expansion), off the async workers.
    pub cpu: CpuPool,
    /// Committed domain events of every node, for `GET /api/events`.
    pub events: Arc<EventHub>,
    /// The web push sender; `None` without `VAPID_PRIVATE_KEY` (no pushes are sent).
    pub web_push: Option<WebPush>,
}

/// Bounds how long a lead total can miss writes this process does not see (another
/// instance, SQL by hand); this process's own writes clear the totals at once.
const LEAD_TOTALS_TTL: Duration = Duration::from_secs(30);

impl AppState {
    pub fn new(config: Arc<Config>, db: DbPool) -> Self {
        let integration_names: Vec<&str> = config.integrations.status().into_iter().map(|(name, _)| name).collect();
        Self {
            jwt: JwtKeys::new(config.jwt_secret.expose(), config.access_token_ttl),
            users: CacheService::new(10_000, config.cache_ttl),
            api_keys: CacheService::new(10_000, config.cache_ttl),
            calendar_feeds: CacheService::new(1_000, config.cache_ttl),
            // Mail keeps the seed's breaker: open after 10 failures in a row, for 5 minutes.
            circuits: Circuits::new(&integration_names, config.circuit_failure_threshold, config.circuit_reset_timeout)
                .tuned("smtp", 10, Duration::from_secs(300)),
            mailer: Mailer::from_config(&config),
            web_push: WebPush::from_config(config.integrations.web_push.as_ref()),
            rate_limiters: RateLimiters::new(config.api_rate_limit, config.auth_rate_limit),
            lead_totals: CacheService::new(10_000, LEAD_TOTALS_TTL),
            cpu: CpuPool::for_this_machine(),
            events: EventHub::start(config.database_url.expose().to_owned(), db.clone()),
            config,
            db,
        }
    }

    pub async fn conn(&self) -> Result<PooledConnection, AppError> {
        Ok(self.db.get().await.map_err(storage::StorageError::from)?)
    }

    pub async fn forget_user(&self, user_id: i32) {
        self.users.delete(&format!("user:{user_id}")).await;
        // A deactivated or re-roled user's feed must stop at once.
        self.forget_calendar_feeds();
    }

    pub fn forget_calendar_feeds(&self) {
        self.calendar_feeds.clear();
    }
}

/// The futures of the closures `AppState::transaction` runs must be `Send` (diesel-async
/// requires it); naming that needs a trait of our own, as diesel-async's is private.
pub trait TransactionFn<'c, T>:
    AsyncFnOnce(&'c mut storage::AsyncPgConnection) -> AppResult<T>
    + FnOnce(&'c mut storage::AsyncPgConnection) -> <Self as TransactionFn<'c, T>>::Fut
{
    type Fut: std::future::Future<Output = AppResult<T>> + Send;
}

impl<'c, T, F, Fut> TransactionFn<'c, T> for F
where
    F: AsyncFnOnce(&'c mut storage::AsyncPgConnection) -> AppResult<T>
        + FnOnce(&'c mut storage::AsyncPgConnection) -> Fut,
    Fut: std::future::Future<Output = AppResult<T>> + Send,
{
    type Fut = Fut;
}

impl AppState {
    /// Runs `work` in one transaction on a pooled connection: committed when it returns
    /// `Ok`, rolled back otherwise.
    pub async fn transaction<T, F>(&self, work: F) -> AppResult<T>
    where
        F: for<'c> TransactionFn<'c, T> + Send,
        T: Send,
    {
        use diesel_async::AsyncConnection;
        let mut conn = self.conn().await?;
        storage::AsyncPgConnection::transaction(&mut conn, work).await
    }
}
