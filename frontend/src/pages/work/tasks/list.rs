//! The filter bar shared by board and list, and the list view: status filter, sort and
//! pages of tasks (`X-Total-Count`), all in the URL.

use super::shared::{is_overdue, priority_label, status_label, use_tasks, TasksCtx, DRAWER};
use crate::api;
use crate::kit::format::short_time;
use crate::kit::{choices, use_scoped_list, Binding, Column, Empty, FilterCheck, FilterSelect, ListView, SearchBox};
use domain::work::tasks::{Task, TaskFilter, TaskStatus};
use leptos::prelude::*;

const PAGE_SIZE: i64 = 25;

/// `due` in the API's spelling of `DueFilter`, relative to the browser's time zone.
const DUE: [(&str, &str); 3] = [("overdue", "Overdue"), ("today", "Today"), ("week", "This week")];

const SORTS: [(&str, &str); 8] = [
    ("-createdAt", "Newest first"),
    ("createdAt", "Oldest first"),
    ("dueDate", "Due soonest"),
    ("-dueDate", "Due latest"),
    ("-priority", "Most urgent"),
    ("priority", "Least urgent"),
    ("title", "Title A–Z"),
    ("-title", "Title Z–A"),
];

fn pairs(options: &[(&str, &str)]) -> Vec<(String, String)> {
    options.iter().map(|(v, l)| ((*v).to_owned(), (*l).to_owned())).collect()
}

#[component]
pub fn FilterBar() -> impl IntoView {
    let ctx = use_tasks();
    let url = ctx.filters;
    let people =
        Signal::derive(move || ctx.people.get().into_iter().map(|p| (p.id.to_string(), p.name)).collect::<Vec<_>>());
    view! {
        <div class="toolbar">
            <SearchBox url id="task-search" label="Search tasks" placeholder="Search title or description" />
            <FilterCheck label="Assigned to me" bind=url.field(|f| &mut f.mine) testid="filter-mine" />
            <Show when=move || !ctx.people.with(Vec::is_empty)>
                <FilterSelect label="Assignee" bind=url.field(|f| &mut f.assigned_to_id) options=people any="Anyone" />
            </Show>
            <FilterSelect label="Due" bind=url.field(|f| &mut f.due) options=pairs(&DUE) any="Any time" testid="filter-due" />
        </div>
    }
}

#[component]
pub fn TaskList() -> impl IntoView {
    let ctx = use_tasks();
    let list = use_scoped_list(
        &[DRAWER],
        PAGE_SIZE,
        move || ctx.scope(),
        |filter: &TaskFilter, (space, _), page| {
            api::work::tasks::list(&TasksCtx::in_space(filter.clone(), space), page)
        },
    );
    crate::kit::live::refresh_on(&["task"], move || list.reload());
    let url = list.url;
    // The API sorts newest first when the URL names no order.
    let sort = Binding {
        value: Signal::derive(move || {
            Some(url.sort()).filter(|s| !s.is_empty()).unwrap_or_else(|| SORTS[0].0.to_owned())
        }),
        set: Callback::new(move |key: String| url.sort_by(&key)),
    };
    let row = move |task: Task| {
        let id = task.id;
        let overdue = is_overdue(&task);
        view! {
            <tr data-testid="task-row">
                <td data-label="Title">
                    <button class="link-button" on:click=move |_| ctx.open(Some(id))>
                        {task.title.clone()}
                    </button>
                    {task.is_recurring.then(|| view! { <span class="muted" title="Repeats">" ↻"</span> })}
                </td>
                <td data-label="Status">
                    <span class=format!("badge status-{}", task.status.as_str())>{status_label(task.status)}</span>
                </td>
                <td data-label="Priority">
                    <span class=format!("priority priority-{}", task.priority.as_str())>{priority_label(task.priority)}</span>
                </td>
                <td data-label="Assignee">{ctx.person(task.assigned_to_id)}</td>
                <td data-label="Due">
                    <span class:due-overdue=overdue>{task.due_date.map(short_time).unwrap_or_else(|| "—".into())}</span>
                </td>
                <td data-label="Space">{ctx.space_name(task.space_id).unwrap_or_else(|| "—".into())}</td>
            </tr>
        }
    };

    view! {
        <div class="toolbar">
            <FilterSelect
                label="Status"
                bind=url.field(|f| &mut f.status)
                options=choices(&TaskStatus::ALL, TaskStatus::as_str, |s| status_label(s).to_owned())
                any="Any status"
                testid="filter-status"
            />
            <FilterSelect label="Sort" bind=sort options=pairs(&SORTS) testid="sort" />
        </div>
        <ListView
            list
            caption="Tasks"
            columns=Column::texts(&["Title", "Status", "Priority", "Assignee", "Due", "Space"], false)
            row
            empty=Empty { title: "No tasks found", message: "Change the filters, or create a task." }
            loading="Loading tasks…"
        />
    }
}
