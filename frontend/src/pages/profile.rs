//! My profile: name and email, and the password change.

use crate::api;
use crate::components::{use_toasts, TextField};
use crate::session::use_session;
use domain::identity::auth::ChangePasswordRequest;
use domain::identity::users::{CurrentUser, UpdateProfileRequest};
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn non_empty(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    super::set_title("My profile");
    let session = use_session();
    let toasts = use_toasts();
    let current = session.user.get_untracked();
    let get = |f: fn(&CurrentUser) -> Option<String>| current.as_ref().and_then(f).unwrap_or_default();
    let email = RwSignal::new(get(|u| u.user.email.clone()));
    let first_name = RwSignal::new(get(|u| u.user.first_name.clone()));
    let last_name = RwSignal::new(get(|u| u.user.last_name.clone()));
    let email_password = RwSignal::new(String::new());
    let profile_problem = RwSignal::new(None::<Problem>);
    let profile_busy = RwSignal::new(false);

    let save_profile = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        profile_busy.set(true);
        profile_problem.set(None);
        let body = UpdateProfileRequest {
            email: Some(non_empty(email.get_untracked())),
            first_name: Some(non_empty(first_name.get_untracked())),
            last_name: Some(non_empty(last_name.get_untracked())),
            profile_image_url: None,
            current_password: non_empty(email_password.get_untracked()),
        };
        let requested = body.email.clone().flatten();
        spawn_local(async move {
            match api::identity::auth::update_profile(&body).await {
                Ok(user) => {
                    // A new address waits for the link emailed to it (the answer is 202).
                    let pending = requested
                        .is_some_and(|e| !user.user.email.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&e)));
                    session.user.set(Some(user));
                    email_password.set(String::new());
                    if pending {
                        toasts.success("Saved. Open the link we emailed to the new address to confirm it");
                    } else {
                        toasts.success("Your profile has been saved");
                    }
                }
                Err(p) => {
                    toasts.problem(&p);
                    profile_problem.set(Some(p));
                }
            }
            profile_busy.set(false);
        });
    };

    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let password_problem = RwSignal::new(None::<Problem>);
    let password_busy = RwSignal::new(false);
    let change_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if new_password.get_untracked() != confirm.get_untracked() {
            let mismatch = domain::FieldError {
                field: "confirm".into(),
                code: "match".into(),
                message: "The passwords do not match".into(),
            };
            password_problem.set(Some(
                Problem::new(domain::ErrorCode::ValidationError, "The passwords do not match")
                    .with_errors(vec![mismatch]),
            ));
            return;
        }
        password_busy.set(true);
        password_problem.set(None);
        let body = ChangePasswordRequest {
            current_password: current_password.get_untracked(),
            new_password: new_password.get_untracked(),
        };
        spawn_local(async move {
            match api::identity::auth::change_password(&body).await {
                Ok(auth) => {
                    session.user.set(Some(auth.user));
                    for field in [current_password, new_password, confirm] {
                        field.set(String::new());
                    }
                    toasts.success("Your password has been changed; other sessions were signed out");
                }
                Err(p) => {
                    toasts.problem(&p);
                    password_problem.set(Some(p));
                }
            }
            password_busy.set(false);
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
                    <TextField label="Email" name="email" value=email problem=profile_problem input_type="email" autocomplete="email" />
                    <TextField
                        label="Current password"
                        name="currentPassword"
                        value=email_password
                        problem=profile_problem
                        input_type="password"
                        autocomplete="current-password"
                        hint="Needed only to change the email address."
                    />
                    <TextField label="First name" name="firstName" value=first_name problem=profile_problem autocomplete="given-name" />
                    <TextField label="Last name" name="lastName" value=last_name problem=profile_problem autocomplete="family-name" />
                    <button class="button button-primary" type="submit" disabled=move || profile_busy.get()>
                        "Save"
                    </button>
                </form>
            </section>
            <section class="panel">
                <h2>"Password"</h2>
                <form class="form" on:submit=change_password novalidate>
                    <TextField
                        label="Current password"
                        name="currentPassword"
                        value=current_password
                        problem=password_problem
                        input_type="password"
                        autocomplete="current-password"
                        required=true
                    />
                    <TextField
                        label="New password"
                        name="newPassword"
                        value=new_password
                        problem=password_problem
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                        hint="At least 8 characters."
                    />
                    <TextField
                        label="Repeat the new password"
                        name="confirm"
                        value=confirm
                        problem=password_problem
                        input_type="password"
                        autocomplete="new-password"
                        required=true
                    />
                    <button class="button button-primary" type="submit" disabled=move || password_busy.get()>
                        "Change password"
                    </button>
                </form>
            </section>
        </div>
    }
}
