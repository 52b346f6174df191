//! The tasks page: the spaces tree beside a board or a list of the tasks (the choice is
//! remembered in the browser), the drawer of the task the URL names, and the task dialog.

use super::shared::{TasksCtx, DRAWER};
use super::{board, detail, dialog, list, spaces};
use crate::api;
use crate::kit::{gated_page, use_url_filter, Empty, Opener, Reload};
use crate::pages::identity::people::use_people;
use crate::pages::work::access::staff;
use crate::session::use_session;
use domain::work::tasks::{Task, TaskFilter};
use leptos::prelude::*;
use uuid::Uuid;

const VIEW_KEY: &str = "mos-tasks-view";

fn stored_view() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(VIEW_KEY).ok().flatten())
        .filter(|v| v == "list")
        .unwrap_or_else(|| "board".to_owned())
}

fn store_view(view: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(VIEW_KEY, view);
    }
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let refused = Empty { title: "Tasks are for staff", message: "Client accounts do not use tasks." };
    gated_page("Tasks", staff, refused, || view! { <TasksWorkspace /> })
}

#[component]
fn TasksWorkspace() -> impl IntoView {
    let session = use_session();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.user.id).unwrap_or_default());
    let manages_users = session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.permissions.can_manage_users));
    let reload_spaces = Reload::new();
    let spaces = LocalResource::new(move || {
        reload_spaces.track();
        api::work::spaces::list()
    });
    // Only user managers may list users; everyone else assigns to themselves or nobody.
    let people = use_people();
    let people = Signal::derive(move || if manages_users { people.get().unwrap_or_default() } else { Vec::new() });
    let ctx = TasksCtx {
        me,
        space: RwSignal::new(None),
        spaces,
        reload_spaces,
        reload: Reload::new(),
        people,
        filters: use_url_filter::<TaskFilter>(&[DRAWER]),
        dialog: Opener::new(),
    };
    provide_context(ctx);
    crate::kit::live::refresh_on(&["task"], move || ctx.reload.bump());
    crate::kit::live::refresh_on(&["task_space"], move || reload_spaces.bump());

    let open_id = Memo::new(move |_| ctx.filters.other(DRAWER).and_then(|id| Uuid::parse_str(&id).ok()));
    let view_mode = RwSignal::new(stored_view());
    let set_view = move |mode: &'static str| {
        store_view(mode);
        view_mode.set(mode.to_owned());
    };
    let heading = move || ctx.space_name(ctx.space.get()).unwrap_or_else(|| "All tasks".to_owned());
    let view_button = move |mode: &'static str, label: &'static str| {
        view! {
            <button class="button" aria-pressed=move || (view_mode.get() == mode).to_string() on:click=move |_| set_view(mode)>
                {label}
            </button>
        }
    };

    view! {
        <div class="work">
            <spaces::SpaceTree />
            <div class="work-main">
                <header class="page-header">
                    <div>
                        <h1>"Tasks"</h1>
                        <p class="muted" data-testid="tasks-scope">{heading}</p>
                    </div>
                    <div class="header-actions">
                        <div class="segmented" role="group" aria-label="View">
                            {view_button("board", "Board")}
                            {view_button("list", "List")}
                        </div>
                        <button class="button button-primary" data-testid="new-task" on:click=move |_| ctx.dialog.open(None)>
                            "New task"
                        </button>
                    </div>
                </header>
                <list::FilterBar />
                {move || {
                    if view_mode.get() == "list" {
                        view! { <list::TaskList /> }.into_any()
                    } else {
                        view! { <board::Board /> }.into_any()
                    }
                }}
            </div>
        </div>
        {move || open_id.get().map(|id| view! { <detail::TaskDrawer id /> })}
        {ctx.dialog.view(move |_: Task| ctx.refresh(), |task, on_close| view! { <dialog::TaskDialog task on_close /> })}
    }
}
