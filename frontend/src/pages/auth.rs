//! Sign-in, forgotten password and password reset (public pages).

use crate::api;
use crate::components::TextField;
use crate::session::use_session;
use domain::identity::auth::{ForgotPasswordRequest, LoginRequest, ResetPasswordRequest};
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub(super) fn AuthCard(#[prop(into)] title: String, children: Children) -> impl IntoView {
    super::set_title(&title);
    view! {
        <main class="auth-page">
            <div class="auth-card">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"M"</span>
                    "MarketingOS"
                </div>
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}

#[component]
fn FormError(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    move || {
        problem.get().map(|p| {
            view! {
                <div class="alert alert-error" role="alert" data-testid="form-error">
                    {p.detail}
                </div>
            }
        })
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        busy.set(true);
        problem.set(None);
        let body =
            LoginRequest { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
        spawn_local(async move {
            match api::identity::auth::login(&body).await {
                Ok(auth) => {
                    let portal = auth.user.user.role.is_client_portal();
                    crate::session::set_user(Some(auth.user));
                    navigate(if portal { "/portal" } else { "/" }, Default::default());
                }
                Err(p) => {
                    password.set(String::new());
                    problem.set(Some(p));
                }
            }
            busy.set(false);
        });
    };

    view! {
        <Show when=move || session.loaded.get() && session.user.with(Option::is_some)>
            <Redirect path="/" />
        </Show>
        <AuthCard title="Sign in">
            <form class="form" on:submit=submit novalidate>
                <FormError problem />
                <TextField
                    label="Username or email"
                    name="username"
                    value=username
                    problem
                    autocomplete="username"
                    required=true
                />
                <TextField
                    label="Password"
                    name="password"
                    value=password
                    problem
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <button class="button button-primary button-block" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="form-footer">
                    <A href="/forgot-password">"Forgot your password?"</A>
                </p>
            </form>
        </AuthCard>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let sent = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let body = ForgotPasswordRequest { email: email.get_untracked().trim().to_owned() };
        spawn_local(async move {
            match api::identity::auth::forgot_password(&body).await {
                Ok(message) => sent.set(Some(message.message)),
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    view! {
        <AuthCard title="Reset your password">
            {move || match sent.get() {
                Some(message) => {
                    view! {
                        <div class="alert alert-success" role="status">
                            {message}
                        </div>
                        <p class="form-footer">
                            <A href="/login">"Back to sign in"</A>
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <form class="form" on:submit=submit novalidate>
                            <p class="muted">"Enter your account's email address and we will send you a reset link."</p>
                            <FormError problem />
                            <TextField
                                label="Email"
                                name="email"
                                value=email
                                problem
                                input_type="email"
                                autocomplete="email"
                                required=true
                            />
                            <button
                                class="button button-primary button-block"
                                type="submit"
                                disabled=move || busy.get()
                            >
                                "Send reset link"
                            </button>
                            <p class="form-footer">
                                <A href="/login">"Back to sign in"</A>
                            </p>
                        </form>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).filter(|t| !t.is_empty());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        if password.get_untracked() != confirm.get_untracked() {
            let mismatch = domain::FieldError {
                field: "confirm".into(),
                code: "match".into(),
                message: "The passwords do not match".into(),
            };
            problem.set(Some(
                Problem::new(domain::ErrorCode::ValidationError, "The passwords do not match")
                    .with_errors(vec![mismatch]),
            ));
            return;
        }
        busy.set(true);
        problem.set(None);
        let body = ResetPasswordRequest { token, password: password.get_untracked() };
        spawn_local(async move {
            match api::identity::auth::reset_password(&body).await {
                Ok(_) => done.set(true),
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    view! {
        <AuthCard title="Choose a new password">
            {move || {
                if token().is_none() {
                    view! {
                        <div class="alert alert-error" role="alert">
                            "This reset link is incomplete. Request a new one."
                        </div>
                        <p class="form-footer">
                            <A href="/forgot-password">"Request a new link"</A>
                        </p>
                    }
                        .into_any()
                } else if done.get() {
                    view! {
                        <div class="alert alert-success" role="status">
                            "Your password has been changed."
                        </div>
                        <p class="form-footer">
                            <A href="/login">"Sign in"</A>
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <form class="form" on:submit=submit novalidate>
                            <FormError problem />
                            <TextField
                                label="New password"
                                name="password"
                                value=password
                                problem
                                input_type="password"
                                autocomplete="new-password"
                                required=true
                                hint="At least 8 characters."
                            />
                            <TextField
                                label="Repeat the new password"
                                name="confirm"
                                value=confirm
                                problem
                                input_type="password"
                                autocomplete="new-password"
                                required=true
                            />
                            <button
                                class="button button-primary button-block"
                                type="submit"
                                disabled=move || busy.get()
                            >
                                "Set password"
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}
