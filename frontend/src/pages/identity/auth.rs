//! Sign-in, forgotten password and password reset (public pages). Their problems show in
//! the card (and at the fields), not as notifications.

use crate::api;
use crate::kit::format::set_title;
use crate::kit::{refusal, Form, TextField};
use crate::session::use_session;
use domain::identity::auth::{ForgotPasswordRequest, LoginRequest, ResetPasswordRequest};
use domain::Problem;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub(super) fn AuthCard(#[prop(into)] title: String, children: Children) -> impl IntoView {
    set_title(&title);
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

/// A form of a public page: its problems stay in the card.
fn card_form() -> Form {
    Form::notifying(|_| false)
}

#[component]
fn FormError(form: Form) -> impl IntoView {
    move || {
        form.problem.get().map(|p| {
            view! {
                <div class="alert alert-error" role="alert" data-testid="form-error">
                    {p.detail}
                </div>
            }
        })
    }
}

/// "Back to sign in" and the like, under a card's form.
fn footer_link(href: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <p class="form-footer">
            <A href=href>{label}</A>
        </p>
    }
}

/// An outcome shown in the card, and where to go from it.
pub(super) fn notice(
    success: bool,
    message: impl IntoView + 'static,
    href: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <div class=if success { "alert alert-success" } else { "alert alert-error" } role=if success { "status" } else { "alert" }>
            {message}
        </div>
        {footer_link(href, label)}
    }
}

/// A new password and its repetition (named `confirm`); [`mismatch`] refuses a difference.
#[component]
pub(super) fn NewPassword(
    name: &'static str,
    password: RwSignal<String>,
    confirm: RwSignal<String>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    view! {
        <TextField
            label="New password"
            name=name
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
    }
}

fn submit_button(form: Form, label: &'static str, busy_label: &'static str) -> impl IntoView {
    view! {
        <button class="button button-primary button-block" type="submit" disabled=move || form.busy.get()>
            {move || if form.busy.get() { busy_label } else { label }}
        </button>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = card_form();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        let body =
            LoginRequest { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
        // A refused password is typed again; a good one leaves the page.
        password.set(String::new());
        form.send(api::identity::auth::login(&body), move |auth| {
            let portal = auth.user.user.role.is_client_portal();
            crate::session::set_user(Some(auth.user));
            navigate(if portal { "/portal" } else { "/" }, Default::default());
        });
    };

    view! {
        <Show when=move || session.loaded.get() && session.user.with(Option::is_some)>
            <Redirect path="/" />
        </Show>
        <AuthCard title="Sign in">
            <form class="form" on:submit=submit novalidate>
                <FormError form />
                <TextField
                    label="Username or email"
                    name="username"
                    value=username
                    problem=form.problem
                    autocomplete="username"
                    required=true
                />
                <TextField
                    label="Password"
                    name="password"
                    value=password
                    problem=form.problem
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                {submit_button(form, "Sign in", "Signing in…")}
                {footer_link("/forgot-password", "Forgot your password?")}
            </form>
        </AuthCard>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = card_form();
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ForgotPasswordRequest { email: email.get_untracked().trim().to_owned() };
        form.send(api::identity::auth::forgot_password(&body), move |message| sent.set(Some(message.message)));
    };
    view! {
        <AuthCard title="Reset your password">
            {move || match sent.get() {
                Some(message) => notice(true, message, "/login", "Back to sign in").into_any(),
                None => {
                    view! {
                        <form class="form" on:submit=submit novalidate>
                            <p class="muted">"Enter your account's email address and we will send you a reset link."</p>
                            <FormError form />
                            <TextField
                                label="Email"
                                name="email"
                                value=email
                                problem=form.problem
                                input_type="email"
                                autocomplete="email"
                                required=true
                            />
                            {submit_button(form, "Send reset link", "Send reset link")}
                            {footer_link("/login", "Back to sign in")}
                        </form>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}

/// The problem of a repeated password that differs, shown at the repeat field.
pub(super) fn mismatch(field: &str) -> Problem {
    refusal(field, "match", "The passwords do not match", "The passwords do not match")
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.with(|q| q.get("token")).filter(|t| !t.is_empty());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let form = card_form();
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = token() else { return };
        if password.get_untracked() != confirm.get_untracked() {
            form.refuse(mismatch("confirm"));
            return;
        }
        let body = ResetPasswordRequest { token, password: password.get_untracked() };
        form.send(api::identity::auth::reset_password(&body), move |_| done.set(true));
    };
    view! {
        <AuthCard title="Choose a new password">
            {move || {
                if token().is_none() {
                    notice(false, "This reset link is incomplete. Request a new one.", "/forgot-password", "Request a new link")
                        .into_any()
                } else if done.get() {
                    notice(true, "Your password has been changed.", "/login", "Sign in").into_any()
                } else {
                    view! {
                        <form class="form" on:submit=submit novalidate>
                            <FormError form />
                            <NewPassword name="password" password confirm problem=form.problem />
                            {submit_button(form, "Set password", "Set password")}
                        </form>
                    }
                        .into_any()
                }
            }}
        </AuthCard>
    }
}
