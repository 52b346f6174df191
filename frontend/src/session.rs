//! The signed-in user, shared by the whole app and by the API client, which renews it on a
//! refresh and ends it when the server no longer accepts the session. Loading it is the
//! shell's job (`app.rs`), so this module needs nothing from the API client.

use domain::identity::users::CurrentUser;
use leptos::prelude::*;
use std::cell::Cell;

#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// False while the first `GET /api/user` is in flight.
    pub loaded: RwSignal<bool>,
    pub user: RwSignal<Option<CurrentUser>>,
}

thread_local! {
    static SESSION: Cell<Option<Session>> = const { Cell::new(None) };
}

impl Session {
    pub fn new() -> Self {
        let session = Session { loaded: RwSignal::new(false), user: RwSignal::new(None) };
        SESSION.with(|s| s.set(Some(session)));
        session
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

pub fn set_user(user: Option<CurrentUser>) {
    if let Some(session) = SESSION.with(Cell::get) {
        // A refresh returns the same user; setting it anyway would re-render the open page
        // and restart its requests in the middle of the call that triggered the refresh
        // (a list reloaded before a retried delete had committed).
        if session.user.with_untracked(|current| current != &user) {
            session.user.set(user);
        }
        if !session.loaded.get_untracked() {
            session.loaded.set(true);
        }
    }
}

/// The server rejected the session: forget the user; the shell then shows sign-in.
pub fn expire() {
    set_user(None);
}
