//! The pages behind emailed confirmation links: finishing a sign-up, and confirming a
//! new email address. Each sends the link's token once, on opening.

use super::auth::AuthCard;
use crate::api;
use crate::session::use_session;
use domain::identity::auth::ConfirmTokenRequest;
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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
        Outcome::Done => view! {
            <div class="alert alert-success" role="status">{done}</div>
            <p class="form-footer"><A href=next>{next_label}</A></p>
        }
        .into_any(),
        Outcome::Failed(problem) => view! {
            <div class="alert alert-error" role="alert">{problem.detail}</div>
            <p class="form-footer"><A href="/login">"Sign in"</A></p>
        }
        .into_any(),
    }
}

fn incomplete() -> Outcome {
    Outcome::Failed(Problem::new(
        domain::ErrorCode::InvalidToken,
        "This link is incomplete; open the one in the email.",
    ))
}

#[component]
pub fn ConfirmSignupPage() -> impl IntoView {
    let session = use_session();
    let outcome = RwSignal::new(Outcome::Waiting);
    match token() {
        None => outcome.set(incomplete()),
        Some(token) => spawn_local(async move {
            match api::identity::auth::confirm_signup(&ConfirmTokenRequest { token }).await {
                Ok(auth) => {
                    session.user.set(Some(auth.user));
                    outcome.set(Outcome::Done);
                }
                Err(p) => outcome.set(Outcome::Failed(p)),
            }
        }),
    }
    view! {
        <AuthCard title="Finish signing up">
            <Result outcome done="Your account has been created and you are signed in." next="/" next_label="Continue" />
        </AuthCard>
    }
}

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let outcome = RwSignal::new(Outcome::Waiting);
    match token() {
        None => outcome.set(incomplete()),
        Some(token) => spawn_local(async move {
            match api::identity::auth::confirm_email(&ConfirmTokenRequest { token }).await {
                Ok(_) => outcome.set(Outcome::Done),
                Err(p) => outcome.set(Outcome::Failed(p)),
            }
        }),
    }
    view! {
        <AuthCard title="Confirm your email address">
            <Result outcome done="Your email address has been changed." next="/profile" next_label="My profile" />
        </AuthCard>
    }
}
