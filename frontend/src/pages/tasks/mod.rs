//! Work management: the task spaces tree, a kanban board and a filtered list of tasks, the
//! task drawer (`/tasks?task=<id>`) and the create/edit dialog with the recurrence editor.

mod board;
mod detail;
mod dialog;
mod list;
mod spaces;

use crate::api::{self, ApiResult};
use crate::components::recurrence::browser_timezone;
use crate::components::EmptyState;
use crate::session::use_session;
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use domain::identity::users::{User, UserFilter};
use domain::work::tasks::{DueFilter, Task, TaskFilter, TaskPriority, TaskSpace, TaskStatus};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

/// Statuses shown as board columns (archived tasks only appear in the list).
pub const BOARD_STATUSES: [TaskStatus; 4] =
    [TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::Review, TaskStatus::Completed];

pub fn status_label(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Todo => "To do",
        TaskStatus::InProgress => "In progress",
        TaskStatus::Review => "Review",
        TaskStatus::Completed => "Completed",
        TaskStatus::Archived => "Archived",
    }
}

pub fn priority_label(priority: TaskPriority) -> &'static str {
    match priority {
        TaskPriority::Low => "Low",
        TaskPriority::Normal => "Normal",
        TaskPriority::High => "High",
        TaskPriority::Urgent => "Urgent",
    }
}

/// A `datetime-local` input value in the browser's time zone.
pub fn to_input(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.with_timezone(&Local).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default()
}

/// Reads a `datetime-local` value (browser time zone); blank or unreadable is `None`.
pub fn from_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
}

/// "Nov 25, 09:00" (this year) or "Nov 25 2027, 09:00", in the browser's time zone.
pub fn short_time(time: DateTime<Utc>) -> String {
    let local = time.with_timezone(&Local);
    if local.format("%Y").to_string() == Local::now().format("%Y").to_string() {
        local.format("%b %-d, %H:%M").to_string()
    } else {
        local.format("%b %-d %Y, %H:%M").to_string()
    }
}

/// Due before now and still open: shown in red.
pub fn is_overdue(task: &Task) -> bool {
    task.due_date.is_some_and(|d| d < Utc::now())
        && !matches!(task.status, TaskStatus::Completed | TaskStatus::Archived)
}

/// The filters of the board and the list (the list adds status, sort and paging).
#[derive(Debug, Clone, Copy)]
pub struct Filters {
    pub mine: RwSignal<bool>,
    pub assignee: RwSignal<Option<i32>>,
    pub due: RwSignal<Option<DueFilter>>,
    pub q: RwSignal<String>,
}

impl Filters {
    /// The shared filters of the tasks in `space`; `due` is relative to the browser's time zone.
    pub fn filter(&self, space: Option<Uuid>) -> TaskFilter {
        let due = self.due.get();
        let q = self.q.get();
        TaskFilter {
            space_id: space,
            mine: self.mine.get().then_some(true),
            assigned_to_id: self.assignee.get(),
            due,
            tz: due.map(|_| browser_timezone()),
            q: Some(q.trim().to_owned()).filter(|q| !q.is_empty()),
            ..Default::default()
        }
    }
}

/// State shared by the parts of the tasks page.
#[derive(Clone, Copy)]
pub struct TasksCtx {
    pub me: i32,
    pub space: RwSignal<Option<Uuid>>,
    pub spaces: LocalResource<ApiResult<Vec<TaskSpace>>>,
    pub reload_spaces: RwSignal<u32>,
    /// Bumped after every write so the board and the list fetch again.
    pub reload: RwSignal<u32>,
    /// Known people by id (all users for user managers, else only the caller).
    pub people: Signal<Vec<(i32, String)>>,
    pub filters: Filters,
    /// `None` = closed; `Some(None)` = new task; `Some(Some(task))` = editing.
    pub dialog: RwSignal<Option<Option<Task>>>,
    /// Opens the drawer of a task (`Some`) or closes it, through the URL.
    pub open: Callback<Option<Uuid>>,
}

impl TasksCtx {
    pub fn person(&self, id: Option<i32>) -> String {
        match id {
            None => "Unassigned".to_owned(),
            Some(id) if id == self.me => "Me".to_owned(),
            Some(id) => self
                .people
                .with(|people| people.iter().find(|(p, _)| *p == id).map(|(_, name)| name.clone()))
                .unwrap_or_else(|| format!("User #{id}")),
        }
    }

    pub fn space_name(&self, id: Option<Uuid>) -> Option<String> {
        let id = id?;
        self.spaces.with(|spaces| {
            spaces
                .as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|spaces| spaces.iter().find(|s| s.id == id))
                .map(|s| s.name.clone())
        })
    }

    pub fn refresh(&self) {
        self.reload.update(|n| *n += 1);
    }
}

pub fn use_tasks() -> TasksCtx {
    expect_context::<TasksCtx>()
}

fn display_name(user: &User) -> String {
    match (&user.first_name, &user.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.clone(),
        _ => user.username.clone(),
    }
}

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
    super::set_title("Tasks");
    let session = use_session();
    let allowed = move || session.user.with(|u| u.as_ref().is_some_and(|u| !u.user.role.is_client_portal()));
    view! {
        <Show
            when=allowed
            fallback=|| view! { <EmptyState title="Tasks are for staff" message="Client accounts do not use tasks." /> }
        >
            <TasksWorkspace />
        </Show>
    }
}

#[component]
fn TasksWorkspace() -> impl IntoView {
    let session = use_session();
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.user.id).unwrap_or_default());
    let manages_users = session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.permissions.can_manage_users));
    let reload_spaces = RwSignal::new(0u32);
    let spaces = LocalResource::new(move || {
        reload_spaces.track();
        api::work::spaces::list()
    });
    // Only user managers may list users; everyone else assigns to themselves or nobody.
    let users = LocalResource::new(move || async move {
        if manages_users {
            let active = UserFilter { is_active: Some(true), ..Default::default() };
            api::identity::users::list(&active, api::page(200, 0)).await.map(|page| page.items).unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let people = Signal::derive(move || {
        users.get().unwrap_or_default().iter().map(|u| (u.id, display_name(u))).collect::<Vec<_>>()
    });
    let navigate = use_navigate();
    let open = Callback::new(move |id: Option<Uuid>| {
        let path = id.map(|id| format!("/tasks?task={id}")).unwrap_or_else(|| "/tasks".to_owned());
        navigate(&path, Default::default());
    });
    let ctx = TasksCtx {
        me,
        space: RwSignal::new(None),
        spaces,
        reload_spaces,
        reload: RwSignal::new(0),
        people,
        filters: Filters {
            mine: RwSignal::new(false),
            assignee: RwSignal::new(None),
            due: RwSignal::new(None),
            q: RwSignal::new(String::new()),
        },
        dialog: RwSignal::new(None),
        open,
    };
    provide_context(ctx);

    let query = use_query_map();
    let open_id = Memo::new(move |_| query.with(|q| q.get("task")).and_then(|id| Uuid::parse_str(&id).ok()));
    let view_mode = RwSignal::new(stored_view());
    let set_view = move |mode: &'static str| {
        store_view(mode);
        view_mode.set(mode.to_owned());
    };
    let heading = move || ctx.space_name(ctx.space.get()).unwrap_or_else(|| "All tasks".to_owned());

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
                            <button
                                class="button"
                                aria-pressed=move || (view_mode.get() == "board").to_string()
                                on:click=move |_| set_view("board")
                            >
                                "Board"
                            </button>
                            <button
                                class="button"
                                aria-pressed=move || (view_mode.get() == "list").to_string()
                                on:click=move |_| set_view("list")
                            >
                                "List"
                            </button>
                        </div>
                        <button
                            class="button button-primary"
                            data-testid="new-task"
                            on:click=move |_| ctx.dialog.set(Some(None))
                        >
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
        {move || {
            ctx.dialog
                .get()
                .map(|task| {
                    view! {
                        <dialog::TaskDialog
                            task
                            on_close=Callback::new(move |saved: Option<Task>| {
                                ctx.dialog.set(None);
                                if saved.is_some() {
                                    ctx.refresh();
                                }
                            })
                        />
                    }
                })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_inputs_round_trip() {
        assert_eq!(from_input(""), None);
        assert_eq!(from_input("tomorrow"), None);
        let time = from_input("2026-11-25T09:30").unwrap();
        assert_eq!(to_input(Some(time)), "2026-11-25T09:30");
        assert_eq!(to_input(None), "");
    }
}
