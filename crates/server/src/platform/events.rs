//! The per-process event hub: one dedicated PostgreSQL connection (not from the pool, which
//! would hand it back) LISTENs on `domain_events`; each notified id is loaded once, in
//! batches, and fanned out over a bounded broadcast channel to the streams of
//! `GET /api/events`. Every node commits its writes' events to the same table and
//! notifies, so a change made through any node reaches the clients of every node.
//!
//! When the connection drops, the hub reconnects with backoff, LISTENs again and catches
//! up from the table with the events after the last id it saw, so an outage loses nothing
//! that committed in the meantime (within `CATCH_UP_LIMIT` and a day).

use actix_web::web::Bytes;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use domain::events::DomainEvent;
use futures_util::{FutureExt, StreamExt};
use std::collections::HashSet;
use std::sync::{Arc, Weak};
use std::time::Duration;
use storage::DbPool;
use tokio::sync::broadcast;

/// Events a stream may fall behind by before it is dropped (it then reconnects and
/// replays with `Last-Event-ID`): the whole per-client buffer, shared by all of them.
pub const CAPACITY: usize = 1024;
/// Notified ids loaded by one query.
const BATCH: usize = 256;
const CATCH_UP_LIMIT: i64 = 1_000;
const MIN_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

pub struct EventHub {
    sender: broadcast::Sender<Arc<Published>>,
}

/// An event and its Server-Sent Events frame, serialised once for every stream.
pub struct Published {
    pub event: DomainEvent,
    pub frame: Bytes,
}

impl Published {
    pub fn new(event: DomainEvent) -> Self {
        let data = serde_json::to_string(&event.live()).unwrap_or_else(|_| "{}".to_owned());
        // Compact JSON has no line breaks, so one `data:` line carries it.
        let frame = Bytes::from(format!("id: {}\nevent: {}\ndata: {data}\n\n", event.id, event.event_type));
        Self { event, frame }
    }
}

impl EventHub {
    /// Starts listening on `database_url`; the hub stops when its last `Arc` is dropped.
    pub fn start(database_url: String, db: DbPool) -> Arc<EventHub> {
        let (sender, _) = broadcast::channel(CAPACITY);
        let hub = Arc::new(EventHub { sender });
        tokio::spawn(listen(Arc::downgrade(&hub), database_url, db));
        hub
    }

    /// The events committed from now on, by any node.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }
}

/// Where the listener is: the newest id it delivered (`None` before its first connection,
/// when there is nothing to catch up).
struct Cursor {
    last_seen: Option<i64>,
}

async fn listen(hub: Weak<EventHub>, database_url: String, db: DbPool) {
    let mut cursor = Cursor { last_seen: None };
    let mut backoff = MIN_BACKOFF;
    loop {
        match session(&hub, &database_url, &db, &mut cursor, &mut backoff).await {
            Ok(()) => return,
            // The URL holds the password: only the error is logged.
            Err(error) => tracing::warn!("event listener disconnected ({error:#}); reconnecting in {backoff:?}"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        if hub.strong_count() == 0 {
            return;
        }
    }
}

/// One connection's life: LISTEN, catch up, then relay notifications until the connection
/// fails (`Err`) or the hub is gone (`Ok`).
async fn session(
    hub: &Weak<EventHub>,
    database_url: &str,
    db: &DbPool,
    cursor: &mut Cursor,
    backoff: &mut Duration,
) -> anyhow::Result<()> {
    let mut listener = AsyncPgConnection::establish(database_url).await?;
    diesel::sql_query(format!("LISTEN {}", storage::events::CHANNEL)).execute(&mut listener).await?;
    *backoff = MIN_BACKOFF;
    // What committed while nobody listened; ids delivered here may be notified again.
    let mut caught_up = HashSet::new();
    {
        let mut conn = db.get().await?;
        match cursor.last_seen {
            None => cursor.last_seen = Some(storage::events::latest_id(&mut conn).await?),
            Some(last) => {
                let since = chrono::Utc::now() - chrono::Duration::days(1);
                let missed = storage::events::after(&mut conn, last, since, CATCH_UP_LIMIT).await?;
                caught_up.extend(missed.iter().map(|event| event.id));
                if !deliver(hub, cursor, missed) {
                    return Ok(());
                }
            }
        }
    }
    let mut notifications = std::pin::pin!(listener.notifications_stream());
    while let Some(first) = notifications.next().await {
        let mut ids = vec![first?.payload];
        // Whatever else has already arrived goes in the same query.
        while ids.len() < BATCH {
            match notifications.next().now_or_never() {
                Some(Some(next)) => ids.push(next?.payload),
                _ => break,
            }
        }
        let ids: Vec<i64> = ids.iter().filter_map(|id| id.parse().ok()).filter(|id| !caught_up.remove(id)).collect();
        if ids.is_empty() {
            continue;
        }
        let mut conn = db.get().await?;
        let events = storage::events::by_ids(&mut conn, &ids).await?;
        drop(conn);
        if !deliver(hub, cursor, events) {
            return Ok(());
        }
    }
    Err(anyhow::anyhow!("the LISTEN connection closed"))
}

/// Fans the events out; `false` once the hub is gone.
fn deliver(hub: &Weak<EventHub>, cursor: &mut Cursor, events: Vec<DomainEvent>) -> bool {
    let Some(hub) = hub.upgrade() else { return false };
    for event in events {
        cursor.last_seen = cursor.last_seen.max(Some(event.id));
        // No subscribers is not an error.
        let _ = hub.sender.send(Arc::new(Published::new(event)));
    }
    true
}
