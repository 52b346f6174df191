//! What the parts of the tasks page share: labels, and the page's state ([`TasksCtx`]).

use crate::api::ApiResult;
use crate::kit::{Opener, Reload, UrlFilter};
use crate::pages::identity::people::Person;
use crate::pages::work::recurrence::browser_timezone;
use chrono::Utc;
use domain::work::tasks::{Task, TaskFilter, TaskPriority, TaskSpace, TaskStatus};
use leptos::prelude::*;
use uuid::Uuid;

/// Statuses shown as board columns (archived tasks only appear in the list).
pub const BOARD_STATUSES: [TaskStatus; 4] =
    [TaskStatus::Todo, TaskStatus::InProgress, TaskStatus::Review, TaskStatus::Completed];

/// The query key of the open task's drawer (`/tasks?task=<id>`).
pub const DRAWER: &str = "task";

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

/// Due before now and still open: shown in red.
pub fn is_overdue(task: &Task) -> bool {
    task.due_date.is_some_and(|d| d < Utc::now())
        && !matches!(task.status, TaskStatus::Completed | TaskStatus::Archived)
}

/// State shared by the parts of the tasks page.
#[derive(Clone, Copy)]
pub struct TasksCtx {
    pub me: i32,
    /// The selected space of the tree; `None` for all tasks.
    pub space: RwSignal<Option<Uuid>>,
    pub spaces: LocalResource<ApiResult<Vec<TaskSpace>>>,
    pub reload_spaces: Reload,
    /// Bumped after every write so the board and the list fetch again.
    pub reload: Reload,
    /// Who tasks can be assigned to (the active users, for user managers; else nobody listed).
    pub people: Signal<Vec<Person>>,
    /// The filters in the URL (search, assigned to me, assignee, due; the list adds status,
    /// sort and page), beside the drawer's `task`.
    pub filters: UrlFilter<TaskFilter>,
    /// `Some(None)` = new task; `Some(Some(task))` = editing.
    pub dialog: Opener<Option<Task>>,
}

impl TasksCtx {
    /// The tasks the board and the list show: `filter` (the URL's) in `space`, with `due`
    /// relative to the browser's time zone (so a shared link means the reader's today).
    pub fn in_space(filter: TaskFilter, space: Option<Uuid>) -> TaskFilter {
        TaskFilter { space_id: space, tz: filter.due.map(|_| browser_timezone()), ..filter }
    }

    /// What the board and the list depend on besides the URL: the space and the writes.
    pub fn scope(&self) -> (Option<Uuid>, u32) {
        (self.space.get(), self.reload.count())
    }

    /// Filters by space (`None` = all tasks), from the list's first page.
    pub fn select_space(&self, space: Option<Uuid>) {
        self.space.try_set(space);
        self.filters.go_to(1);
    }

    /// Opens the drawer of a task (`Some`) or closes it, through the URL.
    pub fn open(&self, task: Option<Uuid>) {
        self.filters.set_other(DRAWER, task.map(|id| id.to_string()).as_deref());
    }

    pub fn person(&self, id: Option<i32>) -> String {
        match id {
            None => "Unassigned".to_owned(),
            Some(id) if id == self.me => "Me".to_owned(),
            Some(id) => self
                .people
                .with(|people| people.iter().find(|p| p.id == id).map(|p| p.name.clone()))
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
        self.reload.bump();
    }
}

pub fn use_tasks() -> TasksCtx {
    expect_context::<TasksCtx>()
}
