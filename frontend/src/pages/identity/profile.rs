//! My profile: name and email, and the password change.

use super::auth::{mismatch, NewPassword};
use crate::api;
use crate::kit::format::{non_empty, set_title};
use crate::kit::{use_toasts, Form, TextField};
use crate::session::use_session;
use domain::identity::auth::ChangePasswordRequest;
use domain::identity::users::{CurrentUser, UpdateProfileRequest};
use leptos::prelude::*;

fn save_button(form: Form, label: &'static str) -> impl IntoView {
    view! {
        <button class="button button-primary" type="submit" disabled=move || form.busy.get()>
            {label}
        </button>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    set_title("My profile");
    let session = use_session();
    let toasts = use_toasts();
    let current = session.user.get_untracked();
    let get = |f: fn(&CurrentUser) -> Option<String>| current.as_ref().and_then(f).unwrap_or_default();
    let email = RwSignal::new(get(|u| u.user.email.clone()));
    let first_name = RwSignal::new(get(|u| u.user.first_name.clone()));
    let last_name = RwSignal::new(get(|u| u.user.last_name.clone()));
    let email_password = RwSignal::new(String::new());
    let profile = Form::new();

    let save_profile = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateProfileRequest {
            email: Some(non_empty(&email.get_untracked())),
            first_name: Some(non_empty(&first_name.get_untracked())),
            last_name: Some(non_empty(&last_name.get_untracked())),
            profile_image_url: None,
            current_password: non_empty(&email_password.get_untracked()),
        };
        let requested = body.email.clone().flatten();
        profile.send(api::identity::auth::update_profile(&body), move |user| {
            // A new address waits for the link emailed to it (the answer is 202).
            let pending =
                requested.is_some_and(|e| !user.user.email.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&e)));
            session.user.set(Some(user));
            email_password.set(String::new());
            toasts.success(if pending {
                "Saved. Open the link we emailed to the new address to confirm it"
            } else {
                "Your profile has been saved"
            });
        });
    };

    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let password = Form::new();
    let change_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if new_password.get_untracked() != confirm.get_untracked() {
            password.refuse(mismatch("confirm"));
            return;
        }
        let body = ChangePasswordRequest {
            current_password: current_password.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        password.send(api::identity::auth::change_password(&body), move |auth| {
            session.user.set(Some(auth.user));
            for field in [current_password, new_password, confirm] {
                field.set(String::new());
            }
            toasts.success("Your password has been changed; other sessions were signed out");
        });
    };

    let username = current.as_ref().map(|u| u.user.username.clone()).unwrap_or_default();
    let role = current.as_ref().map(|u| u.user.role.as_str().replace('_', " ")).unwrap_or_default();
    view! {
        <header class="page-header">
            <div>
                <h1>"My profile"</h1>
                <p class="muted">{format!("{username} · {role}")}</p>
            </div>
        </header>
        <div class="columns">
            <section class="panel">
                <h2>"Details"</h2>
                <form class="form" on:submit=save_profile novalidate>
                    <TextField label="Email" name="email" value=email problem=profile.problem input_type="email" autocomplete="email" />
                    <TextField
                        label="Current password"
                        name="currentPassword"
                        value=email_password
                        problem=profile.problem
                        input_type="password"
                        autocomplete="current-password"
                        hint="Needed only to change the email address."
                    />
                    <TextField label="First name" name="firstName" value=first_name problem=profile.problem autocomplete="given-name" />
                    <TextField label="Last name" name="lastName" value=last_name problem=profile.problem autocomplete="family-name" />
                    {save_button(profile, "Save")}
                </form>
            </section>
            <section class="panel">
                <h2>"Password"</h2>
                <form class="form" on:submit=change_password novalidate>
                    <TextField
                        label="Current password"
                        name="currentPassword"
                        value=current_password
                        problem=password.problem
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                    />
                    <NewPassword name="newPassword" password=new_password confirm problem=password.problem />
                    {save_button(password, "Change password")}
                </form>
            </section>
        </div>
    }
}
