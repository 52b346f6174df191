//! The user's switches: for each kind of notification, whether it shows in the app, is
//! e-mailed and is pushed; a test notification; and push for this browser.

use super::push;
use crate::api;
use crate::kit::{resource_on, use_toasts, ErrorState, Loading, PageHeader, Reload};
use domain::notifications::{Channel, NotificationPreference, UpdatePreferencesRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn NotificationPreferencesPage() -> impl IntoView {
    crate::kit::format::set_title("Notification preferences");
    let reload = Reload::new();
    let stored = resource_on(reload, || (), |_| api::notifications::preferences());
    view! {
        <PageHeader title="Notification preferences" note="Every kind is on everywhere until you turn it off.">
            <a class="button" href="/notifications">"All notifications"</a>
        </PageHeader>
        {move || match stored.get() {
            None => view! { <Loading label="Loading your preferences…" /> }.into_any(),
            Some(Err(problem)) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.bump()) /> }.into_any()
            }
            Some(Ok(preferences)) => view! { <Switches preferences /> }.into_any(),
        }}
        <PushPanel />
    }
}

#[component]
fn Switches(preferences: Vec<NotificationPreference>) -> impl IntoView {
    let toasts = use_toasts();
    let edited = RwSignal::new(preferences);
    let busy = RwSignal::new(false);
    let toggle = move |index: usize, channel: Channel| {
        edited.update(|all| {
            let preference = &mut all[index];
            preference.set(channel, !preference.allows(channel));
        })
    };
    let save = move |_| {
        busy.set(true);
        let body = UpdatePreferencesRequest { preferences: edited.get_untracked() };
        spawn_local(async move {
            match api::notifications::save_preferences(&body).await {
                Ok(saved) => {
                    let _ = edited.try_set(saved);
                    toasts.success("Preferences saved");
                }
                Err(problem) => toasts.problem(&problem),
            }
            let _ = busy.try_set(false);
        });
    };
    let send_test = move |_| {
        toasts.act(api::notifications::send_test(), |_| "Test notification sent".to_owned(), |_| {});
    };
    let cell = move |index: usize, channel: Channel, label: String| {
        view! {
            <td class="check">
                <input
                    type="checkbox"
                    aria-label=label
                    prop:checked=move || edited.with(|all| all[index].allows(channel))
                    on:change=move |_| toggle(index, channel)
                />
            </td>
        }
    };
    view! {
        <section class="panel">
            <table class="table preferences" data-testid="preferences">
                <caption class="visually-hidden">"Notification preferences"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Notify me when"</th>
                        <th scope="col">"In the app"</th>
                        <th scope="col">"By e-mail"</th>
                        <th scope="col">"By push"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        edited
                            .with(|all| all.iter().map(|p| p.kind).collect::<Vec<_>>())
                            .into_iter()
                            .enumerate()
                            .map(|(index, kind)| {
                                view! {
                                    <tr>
                                        <th scope="row">{kind.label()}</th>
                                        {cell(index, Channel::InApp, format!("{}: in the app", kind.label()))}
                                        {cell(index, Channel::Email, format!("{}: by e-mail", kind.label()))}
                                        {cell(index, Channel::Push, format!("{}: by push", kind.label()))}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <div class="form-actions">
                <button class="button" on:click=send_test>"Send me a test notification"</button>
                <button class="button button-primary" data-testid="save-preferences" disabled=move || busy.get() on:click=save>
                    {move || if busy.get() { "Saving…" } else { "Save preferences" }}
                </button>
            </div>
        </section>
    }
}

/// Push for this browser: what stops it (no key on the server, an unsupported browser),
/// or a switch.
#[component]
fn PushPanel() -> impl IntoView {
    let toasts = use_toasts();
    let reload = Reload::new();
    let key = resource_on(reload, || (), |_| api::notifications::vapid_key());
    let subscribed = resource_on(reload, || (), |_| push::current_endpoint());
    let enable = move |public_key: String| {
        spawn_local(async move {
            let outcome = match push::subscribe(&public_key).await {
                Ok(subscription) => api::notifications::subscribe(subscription).await.map_err(|p| p.detail),
                Err(message) => Err(message),
            };
            match outcome {
                Ok(()) => toasts.success("Push notifications are on in this browser"),
                Err(message) => toasts.problem(&domain::Problem::new(domain::ErrorCode::ServiceUnavailable, message)),
            }
            reload.bump();
        });
    };
    let disable = move |_| {
        spawn_local(async move {
            match push::unsubscribe().await {
                Ok(Some(endpoint)) => {
                    let _ = api::notifications::unsubscribe(endpoint).await;
                    toasts.success("Push notifications are off in this browser");
                }
                Ok(None) => {}
                Err(message) => toasts.problem(&domain::Problem::new(domain::ErrorCode::ServiceUnavailable, message)),
            }
            reload.bump();
        });
    };
    view! {
        <section class="panel" data-testid="push-panel">
            <h2>"Push notifications in this browser"</h2>
            {move || match (key.get(), push::unsupported()) {
                (None, _) => view! { <p class="muted">"Checking…"</p> }.into_any(),
                (Some(Ok(key)), _) if key.public_key.is_none() => {
                    view! {
                        <p class="muted" data-testid="push-off">
                            "Web push is not set up on this server (VAPID_PRIVATE_KEY is not configured)."
                        </p>
                    }
                        .into_any()
                }
                (Some(Err(problem)), _) => view! { <p class="error">{problem.detail}</p> }.into_any(),
                (_, Some(reason)) => view! { <p class="muted">{reason}</p> }.into_any(),
                (Some(Ok(key)), None) => {
                    let public_key = key.public_key.unwrap_or_default();
                    match subscribed.get().flatten() {
                        Some(_) => {
                            view! {
                                <p>"This browser receives push notifications."</p>
                                <button class="button" on:click=disable>"Turn off in this browser"</button>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <p class="muted">"Get notified even when MarketingOS is not open."</p>
                                <button class="button button-primary" on:click=move |_| enable(public_key.clone())>
                                    "Turn on in this browser"
                                </button>
                            }
                                .into_any()
                        }
                    }
                }
            }}
        </section>
    }
}
