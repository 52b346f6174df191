//! The filter bar shared by board and list, and the list view: status filter, sort and
//! pages of tasks (`X-Total-Count`).

use super::{is_overdue, priority_label, short_time, status_label, use_tasks};
use crate::api;
use crate::components::{DataTable, EmptyState, ErrorState, Loading, Pagination};
use domain::work::tasks::{DueFilter, TaskFilter, TaskStatus};
use leptos::prelude::*;
use std::time::Duration;

const PAGE_SIZE: i64 = 25;
/// Typing pauses this long before the search is sent.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

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

#[component]
pub fn FilterBar() -> impl IntoView {
    let ctx = use_tasks();
    let filters = ctx.filters;
    let typed = RwSignal::new(filters.q.get_untracked());
    let generation = StoredValue::new(0u32);
    let on_search = move |ev| {
        let value = event_target_value(&ev);
        typed.set(value.clone());
        let current = generation.get_value() + 1;
        generation.set_value(current);
        set_timeout(
            move || {
                if generation.get_value() == current {
                    filters.q.set(value);
                }
            },
            SEARCH_DELAY,
        );
    };
    let set_due = move |ev| {
        filters.due.set(match event_target_value(&ev).as_str() {
            "overdue" => Some(DueFilter::Overdue),
            "today" => Some(DueFilter::Today),
            "week" => Some(DueFilter::Week),
            _ => None,
        })
    };
    let set_assignee = move |ev| filters.assignee.set(event_target_value(&ev).parse().ok());

    view! {
        <div class="toolbar" role="search">
            <div class="search">
                <label class="visually-hidden" for="task-search">
                    "Search tasks"
                </label>
                <input
                    id="task-search"
                    type="search"
                    placeholder="Search title or description"
                    prop:value=move || typed.get()
                    on:input=on_search
                />
            </div>
            <label class="inline-field check">
                <input
                    type="checkbox"
                    data-testid="filter-mine"
                    prop:checked=move || filters.mine.get()
                    on:change=move |ev| filters.mine.set(event_target_checked(&ev))
                />
                <span>"Assigned to me"</span>
            </label>
            <Show when=move || !ctx.people.with(Vec::is_empty)>
                <label class="inline-field">
                    <span>"Assignee"</span>
                    <select on:change=set_assignee>
                        <option value="">"Anyone"</option>
                        {move || {
                            ctx.people
                                .get()
                                .into_iter()
                                .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </Show>
            <label class="inline-field">
                <span>"Due"</span>
                <select data-testid="filter-due" on:change=set_due>
                    <option value="">"Any time"</option>
                    <option value="overdue">"Overdue"</option>
                    <option value="today">"Today"</option>
                    <option value="week">"This week"</option>
                </select>
            </label>
        </div>
    }
}

#[component]
pub fn TaskList() -> impl IntoView {
    let ctx = use_tasks();
    let status = RwSignal::new(None::<TaskStatus>);
    let sort = RwSignal::new("-createdAt".to_owned());
    let offset = RwSignal::new(0i64);
    // A new filter starts again at the first page.
    Effect::new(move |_| {
        ctx.filters.filter(ctx.space.get());
        status.track();
        sort.track();
        offset.set(0);
    });
    let tasks = LocalResource::new(move || {
        ctx.reload.track();
        let filter = TaskFilter {
            status: status.get(),
            sort: serde_json::from_value(serde_json::Value::String(sort.get())).ok(),
            ..ctx.filters.filter(ctx.space.get())
        };
        api::work::tasks::list(&filter, api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || tasks.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));

    let rows = move || {
        tasks.get().map(|result| match result {
            Err(problem) => view! { <ErrorState problem retry=Callback::new(move |_| ctx.refresh()) /> }.into_any(),
            Ok(page) if page.items.is_empty() => view! {
                <EmptyState title="No tasks found" message="Change the filters, or create a task." />
            }
            .into_any(),
            Ok(page) => view! {
                <DataTable
                    caption="Tasks"
                    columns=vec!["Title", "Status", "Priority", "Assignee", "Due", "Space"]
                >
                    {page
                        .items
                        .into_iter()
                        .map(|task| {
                            let id = task.id;
                            let overdue = is_overdue(&task);
                            view! {
                                <tr data-testid="task-row">
                                    <td data-label="Title">
                                        <button class="link-button" on:click=move |_| ctx.open.run(Some(id))>
                                            {task.title.clone()}
                                        </button>
                                        {task.is_recurring.then(|| view! { <span class="muted" title="Repeats">" ↻"</span> })}
                                    </td>
                                    <td data-label="Status">
                                        <span class=format!("badge status-{}", task.status.as_str())>
                                            {status_label(task.status)}
                                        </span>
                                    </td>
                                    <td data-label="Priority">
                                        <span class=format!("priority priority-{}", task.priority.as_str())>
                                            {priority_label(task.priority)}
                                        </span>
                                    </td>
                                    <td data-label="Assignee">{ctx.person(task.assigned_to_id)}</td>
                                    <td data-label="Due">
                                        <span class:due-overdue=overdue>
                                            {task.due_date.map(short_time).unwrap_or_else(|| "—".into())}
                                        </span>
                                    </td>
                                    <td data-label="Space">{ctx.space_name(task.space_id).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </DataTable>
            }
            .into_any(),
        })
    };

    view! {
        <div class="toolbar">
            <label class="inline-field">
                <span>"Status"</span>
                <select
                    data-testid="filter-status"
                    on:change=move |ev| status.set(TaskStatus::parse(&event_target_value(&ev)))
                >
                    <option value="">"Any status"</option>
                    {TaskStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{status_label(s)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <span>"Sort"</span>
                <select data-testid="sort" on:change=move |ev| sort.set(event_target_value(&ev))>
                    {SORTS.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <section class="panel" aria-busy=move || tasks.get().is_none().to_string()>
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading tasks…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
    }
}
