//! The MarketingOS web app: a Leptos single-page app rendered in the browser. The server
//! serves the built files (see `cargo xtask run`); every call goes to the same-origin API.

// API calls fail with the decoded `domain::Problem` itself: failures are rare, and the
// pages keep the problem in signals to show its field errors.
#![allow(clippy::result_large_err)]

mod api;
mod app;
mod bell;
mod kit;
mod pages;
mod routes;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
