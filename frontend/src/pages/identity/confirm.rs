//! The pages behind emailed confirmation links: finishing a sign-up, and confirming a
//! new email address. Each sends the link's token once, on opening; the answer may come
//! after the visitor has moved on, so it is written with `try_set`.

use super::auth::{notice, AuthCard};
use crate::api::{self, ApiResult};
use crate::session::use_session;
use domain::identity::auth::ConfirmTokenRequest;
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use std::future::Future;

#[derive(Clone)]
enum Outcome {
    Waiting,
    Done,
    Failed(Problem),
}

fn token() -> Option<String> {
    use_query_map().with_untracked(|q| q.get("token")).filter(|t| !t.is_empty())
}

#[component]
fn Result(
    outcome: RwSignal<Outcome>,
    done: &'static str,
    next: &'static str,
    next_label: &'static str,
) -> impl IntoView {
    move || match outcome.get() {
        Outcome::Waiting => view! { <p class="muted">"One moment…"</p> }.into_any(),
        Outcome::Done => notice(true, done, next, next_label).into_any(),
        Outcome::Failed(problem) => notice(false, problem.detail, "/login", "Sign in").into_any(),
    }
}

fn incomplete() -> Outcome {
    Outcome::Failed(Problem::new(
        domain::ErrorCode::InvalidToken,
        "This link is incomplete; open the one in the email.",
    ))
}

/// Sends the link's token once and follows the answer; `done` runs after a success.
fn send_token<T: 'static, Fut>(
    send: impl FnOnce(&ConfirmTokenRequest) -> Fut,
    done: impl FnOnce(T) + 'static,
) -> RwSignal<Outcome>
where
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let outcome = RwSignal::new(Outcome::Waiting);
    match token() {
        None => outcome.set(incomplete()),
        Some(token) => {
            let request = send(&ConfirmTokenRequest { token });
            spawn_local(async move {
                let next = match request.await {
                    Ok(answer) => {
                        done(answer);
                        Outcome::Done
                    }
                    Err(problem) => Outcome::Failed(problem),
                };
                outcome.try_set(next);
            });
        }
    }
    outcome
}

#[component]
pub fn ConfirmSignupPage() -> impl IntoView {
    let session = use_session();
    let outcome = send_token(api::identity::auth::confirm_signup, move |auth| session.user.set(Some(auth.user)));
    view! {
        <AuthCard title="Finish signing up">
            <Result outcome done="Your account has been created and you are signed in." next="/" next_label="Continue" />
        </AuthCard>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let outcome = send_token(api::identity::auth::confirm_email, |_| {});
    view! {
        <AuthCard title="Confirm your email address">
            <Result outcome done="Your email address has been changed." next="/profile" next_label="My profile" />
        </AuthCard>
    }
}
