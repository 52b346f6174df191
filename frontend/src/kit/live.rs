//! Live updates: one `EventSource` on `GET /api/events` for the whole app while someone is
//! signed in ([`follow`]), and [`refresh_on`], with which a page refetches what it shows
//! when an event about one of its entity types arrives (debounced, so a burst of events
//! costs one request).
//!
//! The browser reconnects a dropped stream by itself and sends `Last-Event-ID`, so nothing
//! is missed. When it gives up (the server refused the stream, e.g. with 401 once the
//! access token expired) the session is refreshed and the stream opened again after the
//! last event seen (`?lastEventId=`); a failed refresh ends the session. A `reset` event
//! (more was missed than the server replays) refreshes every subscriber.

use crate::api;
use crate::session::Session;
use domain::events::LiveEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, EventSourceInit, MessageEvent};

/// How long events are gathered before a subscriber refetches.
const DEBOUNCE: Duration = Duration::from_millis(300);
const FIRST_RETRY: Duration = Duration::from_secs(1);
const LAST_RETRY: Duration = Duration::from_secs(30);
/// The event types a subscription to an entity type listens for, besides `reset`.
const VERBS: [&str; 3] = ["created", "updated", "deleted"];

struct Subscriber {
    id: u64,
    entities: &'static [&'static str],
    refresh: Rc<dyn Fn()>,
    /// A refresh is already waiting out the debounce.
    scheduled: Rc<Cell<bool>>,
}

/// What a received event makes due: the refresh and its debounce flag.
type Due = (Rc<dyn Fn()>, Rc<Cell<bool>>);

#[derive(Default)]
struct Live {
    source: Option<EventSource>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
    /// The event names listened for on every source (`lead.updated`, …).
    names: Vec<String>,
    subscribers: Vec<Subscriber>,
    next_id: u64,
    last_event_id: Option<String>,
    retry: Option<Duration>,
    wanted: bool,
}

thread_local! {
    static LIVE: RefCell<Live> = RefCell::new(Live::default());
}

/// Keeps the stream open exactly while `session` has a user.
pub fn follow(session: Session) {
    let signed_in = Memo::new(move |_| session.user.with(Option::is_some));
    Effect::new(move |_| {
        if signed_in.get() {
            LIVE.with(|live| live.borrow_mut().wanted = true);
            open();
        } else {
            close(false);
        }
    });
}

/// Calls `refresh` (debounced) when an event about one of `entities` (`"lead"`, `"task"`, …)
/// arrives, for as long as the calling component lives.
pub fn refresh_on(entities: &'static [&'static str], refresh: impl Fn() + 'static) {
    let id = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        live.next_id += 1;
        let id = live.next_id;
        live.subscribers.push(Subscriber {
            id,
            entities,
            refresh: Rc::new(refresh),
            scheduled: Rc::new(Cell::new(false)),
        });
        for entity in entities {
            for verb in VERBS {
                let name = format!("{entity}.{verb}");
                if !live.names.contains(&name) {
                    listen(&live, &name);
                    live.names.push(name);
                }
            }
        }
        id
    });
    on_cleanup(move || {
        // The app may be going away altogether.
        let _ = LIVE.try_with(|live| live.borrow_mut().subscribers.retain(|s| s.id != id));
    });
}

fn listen(live: &Live, name: &str) {
    if let (Some(source), Some(handler)) = (&live.source, &live.on_message) {
        let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
}

fn open() {
    let address = LIVE.with(|live| {
        let live = live.borrow();
        match (&live.source, &live.last_event_id) {
            (Some(_), _) => None,
            (None, Some(id)) => Some(format!("/api/events?lastEventId={id}")),
            (None, None) => Some("/api/events".to_owned()),
        }
    });
    let Some(address) = address else { return };
    let init = EventSourceInit::new();
    init.set_with_credentials(true);
    let Ok(source) = EventSource::new_with_event_source_init_dict(&address, &init) else { return };
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(received);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(failed);
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    LIVE.with(|live| {
        let mut live = live.borrow_mut();
        live.source = Some(source);
        live.on_message = Some(on_message);
        live.on_error = Some(on_error);
        listen(&live, "reset");
        for name in &live.names {
            listen(&live, name);
        }
    });
}

/// Closes the stream; `retrying` keeps the place and the subscribers for a reconnection.
fn close(retrying: bool) {
    LIVE.with(|live| {
        let mut live = live.borrow_mut();
        if let Some(source) = live.source.take() {
            source.close();
        }
        live.on_message = None;
        live.on_error = None;
        if !retrying {
            live.wanted = false;
            live.last_event_id = None;
            live.retry = None;
        }
    });
}

fn received(event: MessageEvent) {
    let reset = event.type_() == "reset";
    let entity = event.data().as_string().and_then(|data| serde_json::from_str::<LiveEvent>(&data).ok());
    let due: Vec<Due> = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        live.retry = None;
        let id = event.last_event_id();
        if !id.is_empty() {
            live.last_event_id = Some(id);
        }
        live.subscribers
            .iter()
            .filter(|s| reset || entity.as_ref().is_some_and(|e| s.entities.contains(&e.entity_type.as_str())))
            .map(|s| (s.refresh.clone(), s.scheduled.clone()))
            .collect()
    });
    for (refresh, scheduled) in due {
        if !scheduled.replace(true) {
            set_timeout(
                move || {
                    scheduled.set(false);
                    refresh();
                },
                DEBOUNCE,
            );
        }
    }
}

/// The browser retries a dropped stream itself (`CONNECTING`); a refused one is `CLOSED`.
fn failed(_: web_sys::Event) {
    let closed =
        LIVE.with(|live| live.borrow().source.as_ref().is_some_and(|s| s.ready_state() == EventSource::CLOSED));
    if closed {
        close(true);
        reconnect_later();
    }
}

/// Opens the stream again after a pause that grows with each failure.
fn reconnect_later() {
    let delay = LIVE.with(|live| {
        let mut live = live.borrow_mut();
        let delay = live.retry.map_or(FIRST_RETRY, |last| (last * 2).min(LAST_RETRY));
        live.retry = Some(delay);
        delay
    });
    set_timeout(|| spawn_local(reconnect()), delay);
}

/// Asks who is signed in: the same user (the stream failed for another reason) reopens
/// at once; an expired access token is refreshed first; no session ends the app's; an
/// unreachable server is asked again later.
async fn reconnect() {
    if !LIVE.with(|live| live.borrow().wanted) {
        return;
    }
    let user = match api::identity::auth::current_user().await {
        Ok(Some(user)) => Some(user),
        Ok(None) if api::has_session_cookie() => api::refresh_session().await.map(|session| session.user),
        Ok(None) => None,
        Err(_) => return reconnect_later(),
    };
    match user {
        Some(user) => {
            crate::session::set_user(Some(user));
            open();
        }
        None => crate::session::expire(),
    }
}
