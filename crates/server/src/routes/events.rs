//! Live events: `GET /api/events`, a Server-Sent Events stream of the committed domain
//! events (`platform::events`) the caller may see (`domain::events::may_see`).
//!
//! A stream resumes after `Last-Event-ID` (or `?lastEventId=`) by replaying the visible
//! events after it from the table, at most `REPLAY_LIMIT` of the last day; when more were
//! missed it sends one `reset` event instead, and the client reloads what it shows. A
//! stream that falls `platform::events::CAPACITY` events behind (a slow client: the
//! server stops reading events for it while its socket is full) is closed, never buffered
//! further; so is one whose account or keys change (its reconnection is authorised
//! afresh) and every stream after `ACCESS_TOKEN_TTL_SECS`. Clients reconnect with
//! `Last-Event-ID` and lose nothing.

use crate::auth::extract::Principal;
use crate::error::{AppError, AppResult};
use crate::http::input::ValidQuery;
use crate::http::responses::{QueryErrors, SignedInErrors};
use crate::platform::events::Published;
use crate::state::AppState;
use actix_web::http::header::{self, ContentEncoding};
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use domain::events::{may_see, DomainEvent, LiveEvent};
use serde::Deserialize;
use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, Interval, MissedTickBehavior};
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

/// Events replayed after `Last-Event-ID` at most; more missed means a `reset`.
const REPLAY_LIMIT: usize = 1_000;
/// How long a client waits before reconnecting (the SSE `retry:` field), in ms.
const RETRY_MS: u32 = 2_000;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(stream_events);
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct EventsQuery {
    /// Resume after this event id, as the `Last-Event-ID` header does (which wins), for
    /// clients that cannot send headers.
    #[validate(range(min = 0))]
    #[param(minimum = 0)]
    pub last_event_id: Option<i64>,
}

/// The changes the caller may see, live, as Server-Sent Events.
///
/// Each event has `id:` (increasing), `event:` (its type, e.g. `lead.updated`) and `data:`
/// (a `LiveEvent` JSON object). A comment line is sent as a heartbeat every
/// `EVENTS_HEARTBEAT_SECS` (15 s). After a gap larger than the replay limit the stream
/// sends `event: reset`: reload everything shown. A caller sees the events of the records
/// it could read through the API (see the README's "Live events").
#[utoipa::path(
    tag = "events",
    params(
        EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id (browsers send it when they reconnect)", minimum = 0),
    ),
    responses(
        (status = 200, description = "An endless `text/event-stream` of events; `data:` is a `LiveEvent`", content_type = "text/event-stream", body = LiveEvent),
        SignedInErrors,
        QueryErrors,
    )
)]
#[get("/events")]
async fn stream_events(
    principal: Principal,
    state: web::Data<AppState>,
    req: HttpRequest,
    ValidQuery(query): ValidQuery<EventsQuery>,
) -> AppResult<HttpResponse> {
    let resume = match req.headers().get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id >= 0)
                .ok_or_else(|| AppError::field("Last-Event-ID", "type", "Last-Event-ID must be an event id"))?,
        ),
        None => query.last_event_id,
    };
    // Subscribed before the replay reads the table, so nothing committed in between is lost.
    let receiver = state.events.subscribe();
    let mut stream = Stream::new(principal, receiver, &state);
    if let Some(after) = resume {
        stream.replay(&state, after).await?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Compression would hold small frames back until its buffer fills.
        .insert_header(ContentEncoding::Identity)
        // Nor may a reverse proxy buffer them.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(futures_util::stream::unfold(stream, |mut stream| async move {
            stream.next().await.map(|frame| (Ok::<_, Infallible>(frame), stream))
        })))
}

/// One client's stream: frames waiting to go, the live events, the heartbeat.
struct Stream {
    principal: Principal,
    receiver: broadcast::Receiver<Arc<Published>>,
    pending: VecDeque<Bytes>,
    /// Replayed ids the live events may bring again.
    replayed: HashSet<i64>,
    heartbeat: Interval,
    ends_at: Instant,
    done: bool,
}

impl Stream {
    fn new(principal: Principal, receiver: broadcast::Receiver<Arc<Published>>, state: &AppState) -> Self {
        let period = state.config.events_heartbeat;
        let mut heartbeat = tokio::time::interval_at(Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Self {
            principal,
            receiver,
            pending: VecDeque::from([Bytes::from(format!("retry: {RETRY_MS}\n: connected\n\n"))]),
            replayed: HashSet::new(),
            heartbeat,
            ends_at: Instant::now() + state.config.access_token_ttl,
            done: false,
        }
    }

    fn visible(&self, event: &DomainEvent) -> bool {
        may_see(&self.principal.caller(), &event.audience())
    }

    /// Queues the visible events after `after`, or a `reset` when there are too many.
    async fn replay(&mut self, state: &AppState, after: i64) -> AppResult<()> {
        let mut conn = state.conn().await?;
        let since = chrono::Utc::now() - chrono::Duration::days(1);
        let limit = i64::try_from(REPLAY_LIMIT).unwrap_or(i64::MAX) + 1;
        let missed = storage::events::after(&mut conn, after, since, limit).await?;
        if missed.len() > REPLAY_LIMIT {
            let latest = storage::events::latest_id(&mut conn).await?;
            self.pending.push_back(Bytes::from(format!("id: {latest}\nevent: reset\ndata: {{}}\n\n")));
            return Ok(());
        }
        let visible: Vec<DomainEvent> = missed.into_iter().filter(|event| self.visible(event)).collect();
        for event in visible {
            self.replayed.insert(event.id);
            self.pending.push_back(Published::new(event).frame);
        }
        Ok(())
    }

    /// The next frame, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(frame) = self.pending.pop_front() {
                return Some(frame);
            }
            if self.done {
                return None;
            }
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(published) => self.take(&published),
                    Err(RecvError::Lagged(missed)) => {
                        tracing::info!(user_id = self.principal.id(), missed, "closing a lagging event stream");
                        return None;
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.heartbeat.tick() => return Some(Bytes::from_static(b": heartbeat\n\n")),
                _ = tokio::time::sleep_until(self.ends_at) => return None,
            }
        }
    }

    fn take(&mut self, published: &Published) {
        let event = &published.event;
        if self.replayed.remove(&event.id) || !self.visible(event) {
            return;
        }
        self.pending.push_back(published.frame.clone());
        // The caller's account or keys changed (a sign-in changes neither): what they may
        // see is decided again on reconnection.
        let own = matches!(event.entity_type.as_str(), "user" | "api_key")
            && !event.event_type.starts_with("auth.")
            && event.user_ids.contains(&self.principal.id());
        self.done |= own;
    }
}
