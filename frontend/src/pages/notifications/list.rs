//! Every notification of the user, newest first; unread ones only with the filter (in the
//! URL); read, open, delete, or mark all read. Live: a new one appears as it is created.

use crate::api;
use crate::bell::{severity_class, MarkAllRead};
use crate::kit::format::format_time;
use crate::kit::{live, use_list, use_toasts, Column, ConfirmDialog, Empty, FilterCheck, ListView, Opener, PageHeader};
use domain::notifications::Notification;
use leptos::prelude::*;

const PAGE_SIZE: i64 = 25;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    crate::kit::format::set_title("Notifications");
    let list = use_list(PAGE_SIZE, api::notifications::list);
    let url = list.url;
    live::refresh_on(&["notification"], move || list.reload());
    let toasts = use_toasts();
    let deleting = Opener::<Notification>::new();
    let row = move |n: Notification| {
        let unread = n.read_at.is_none();
        let id = n.id;
        let target = n.clone();
        let mark = move |_| {
            toasts.act(api::notifications::mark_read(id), |_| "Marked read".to_owned(), move |_| list.reload())
        };
        view! {
            <tr data-testid="notification-row" class:unread=unread>
                <td data-label="Notification" class="wrap">
                    <span class=severity_class(n.severity)>
                        {match n.action_url.clone() {
                            Some(url) => view! { <a href=url><strong>{n.title.clone()}</strong></a> }.into_any(),
                            None => view! { <strong>{n.title.clone()}</strong> }.into_any(),
                        }}
                    </span>
                    <br />
                    {n.message.clone()}
                </td>
                <td data-label="Kind">{n.kind.label()}</td>
                <td data-label="When">{format_time(Some(n.created_at))}</td>
                <td data-label="Read">{if unread { "Unread".to_owned() } else { format_time(n.read_at) }}</td>
                <td class="row-actions">
                    <Show when=move || unread>
                        <button class="button button-small" aria-label=format!("Mark {} read", n.title) on:click=mark>
                            "Mark read"
                        </button>
                    </Show>
                    <button
                        class="button button-small button-danger"
                        aria-label=format!("Delete {}", target.title)
                        on:click=move |_| deleting.open(target.clone())
                    >
                        "Delete"
                    </button>
                </td>
            </tr>
        }
    };
    let delete = Callback::new(move |n: Notification| {
        toasts.act(api::notifications::remove(n.id), |_| "Notification deleted".to_owned(), move |_| list.reload())
    });
    view! {
        <PageHeader title="Notifications" note="Assignments, reminders and alerts. Choose what reaches you where in Preferences.">
            <a class="button" href="/notifications/preferences">"Preferences"</a>
            <MarkAllRead on_done=Callback::new(move |_| list.reload()) disabled=Signal::derive(|| false) />
        </PageHeader>
        <div class="toolbar">
            <FilterCheck label="Unread only" bind=url.field(|f| &mut f.unread) testid="unread-only" />
        </div>
        <ListView
            list
            caption="Notifications"
            columns=vec![Column::Text("Notification"), Column::Text("Kind"), Column::Text("When"), Column::Text("Read"), Column::Actions]
            row
            empty=Empty { title: "No notifications", message: "Assignments, reminders and alerts will appear here." }
            no_match=Empty { title: "Nothing unread", message: "You have read everything." }
            loading="Loading notifications…"
        />
        <ConfirmDialog
            target=deleting
            title="Delete this notification?"
            message=|n: &Notification| format!("“{}” will be gone for good.", n.title)
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}
