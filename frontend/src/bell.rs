//! The topbar's notification bell: the unread count, kept current by the event stream
//! (`notification.*` events, also from the user's other tabs), and a panel of the newest
//! notifications that marks one read as it is opened.

use crate::api;
use crate::kit::format::short_time;
use crate::kit::{live, resource_on, use_toasts, Reload};
use domain::notifications::{Notification, NotificationFilter, Severity};
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// How many notifications the panel shows; the page has the rest.
const NEWEST: i64 = 8;

#[component]
pub fn NotificationBell() -> impl IntoView {
    let reload = Reload::new();
    live::refresh_on(&["notification"], move || reload.bump());
    let open = RwSignal::new(false);
    let unread = resource_on(reload, || (), |_| api::notifications::unread_count());
    let newest = resource_on(
        reload,
        move || open.get(),
        |open| async move {
            match open {
                true => Some(api::notifications::list(&NotificationFilter::default(), api::page(NEWEST, 0)).await),
                false => None,
            }
        },
    );
    let count = move || unread.get().and_then(Result::ok).map(|c| c.unread).unwrap_or(0);
    let button = NodeRef::<html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    let label = move || match count() {
        0 => "Notifications".to_owned(),
        n => format!("Notifications, {n} unread"),
    };
    view! {
        <div class="bell" on:keydown=on_key>
            <button
                class="icon-button"
                node_ref=button
                data-testid="bell"
                aria-label=label
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "🔔"
                <Show when=move || { count() > 0 }>
                    <span class="bell-badge" data-testid="bell-badge" aria-hidden="true">
                        {move || if count() > 99 { "99+".to_owned() } else { count().to_string() }}
                    </span>
                </Show>
            </button>
            <Show when=move || open.get()>
                <div class="bell-backdrop" on:click=move |_| close()></div>
                <div class="bell-panel" role="dialog" aria-label="Newest notifications" data-testid="bell-panel">
                    <div class="bell-head">
                        <h2>"Notifications"</h2>
                        <MarkAllRead on_done=Callback::new(move |_| reload.bump()) disabled=Signal::derive(move || count() == 0) />
                    </div>
                    {move || match newest.get().flatten() {
                        None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                        Some(Err(problem)) => view! { <p class="error">{problem.detail}</p> }.into_any(),
                        Some(Ok(page)) if page.items.is_empty() => {
                            view! { <p class="muted">"Nothing yet. You will see assignments, reminders and alerts here."</p> }
                                .into_any()
                        }
                        Some(Ok(page)) => {
                            view! {
                                <ul class="bell-list">
                                    {page.items.into_iter().map(|n| view! { <BellItem notification=n reload on_open=Callback::new(move |_| open.set(false)) /> }).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }}
                    <div class="bell-foot">
                        <a href="/notifications" on:click=move |_| open.set(false)>"All notifications"</a>
                        <a href="/notifications/preferences" on:click=move |_| open.set(false)>"Preferences"</a>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// The CSS class that colours a notification by its severity.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "notice notice-info",
        Severity::Success => "notice notice-success",
        Severity::Warning => "notice notice-warning",
        Severity::Error => "notice notice-error",
    }
}

#[component]
fn BellItem(notification: Notification, reload: Reload, on_open: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let toasts = use_toasts();
    let unread = notification.read_at.is_none();
    let (id, target) = (notification.id, notification.action_url.clone());
    let open = move |_| {
        on_open.run(());
        if unread {
            spawn_local(async move {
                match api::notifications::mark_read(id).await {
                    Ok(_) => reload.bump(),
                    Err(problem) => toasts.problem(&problem),
                }
            });
        }
        if let Some(url) = &target {
            navigate(url, Default::default());
        }
    };
    view! {
        <li class=severity_class(notification.severity) class:unread=unread data-testid="bell-item">
            <button class="bell-item" on:click=open>
                <strong>{notification.title.clone()}</strong>
                <span>{notification.message.clone()}</span>
                <small class="muted">{short_time(notification.created_at)}</small>
            </button>
        </li>
    }
}

/// "Mark all read", shared by the panel and the notifications page.
#[component]
pub fn MarkAllRead(on_done: Callback<()>, #[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let mark = move |_| {
        toasts.act(
            api::notifications::mark_all_read(),
            |marked| format!("{} marked read", marked.updated),
            move |_| {
                on_done.try_run(());
            },
        )
    };
    view! {
        <button class="button button-small" data-testid="mark-all-read" disabled=disabled on:click=mark>
            "Mark all read"
        </button>
    }
}
