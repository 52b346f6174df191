//! The kanban board: one column per status. Cards move by HTML5 drag and drop or, from
//! the keyboard, with each card's status menu. Moves show at once and are rolled back
//! with a notification when the API refuses them.

use super::shared::{is_overdue, priority_label, status_label, use_tasks, TasksCtx, BOARD_STATUSES};
use crate::api;
use crate::kit::format::short_time;
use crate::kit::query::{filter_pairs, parse_filter};
use crate::kit::{resource_on, use_toasts, EmptyState, ErrorState, Loading, Toasts};
use domain::work::tasks::{Task, TaskFilter, TaskSort, TaskStatus, UpdateTaskRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use uuid::Uuid;

/// Cards per board; the list view pages through the rest.
const BOARD_LIMIT: i64 = 200;
const DRAG_TYPE: &str = "application/x-mos-task";

/// Changes a task's status: shown at once through `moves`, confirmed by the API, and
/// rolled back with a notification when it fails.
pub fn move_task(
    ctx: TasksCtx,
    toasts: Toasts,
    moves: RwSignal<HashMap<Uuid, TaskStatus>>,
    task: Task,
    to: TaskStatus,
) {
    if task.status == to && !moves.with_untracked(|m| m.contains_key(&task.id)) {
        return;
    }
    moves.update(|m| {
        m.insert(task.id, to);
    });
    let request = api::work::tasks::update(task.id, &UpdateTaskRequest { status: Some(to), ..Default::default() });
    spawn_local(async move {
        match request.await {
            Ok(_) => {
                if to == TaskStatus::Completed && task.is_recurring {
                    toasts.success(format!("{} is done; the next one is scheduled", task.title));
                } else {
                    toasts.success(format!("{} moved to {}", task.title, status_label(to)));
                }
            }
            Err(problem) => {
                // The board may have been left meanwhile.
                moves.try_update(|m| {
                    m.remove(&task.id);
                });
                toasts.problem(&problem);
            }
        }
        ctx.refresh();
    });
}

#[component]
pub fn Board() -> impl IntoView {
    let ctx = use_tasks();
    let toasts = use_toasts();
    // Optimistic statuses by task, until the next fetch shows the server's.
    let moves = RwSignal::new(HashMap::<Uuid, TaskStatus>::new());
    let dragging = RwSignal::new(None::<Uuid>);
    let over = RwSignal::new(None::<TaskStatus>);
    let tasks = resource_on(
        ctx.reload,
        move || (filter_pairs(&ctx.filters.filter()), ctx.space.get()),
        |(pairs, space)| {
            // Every status has its column: the list's status filter does not apply here.
            let filter = TaskFilter { status: None, sort: Some(TaskSort::PriorityDesc), ..parse_filter(&pairs) };
            api::work::tasks::list(&TasksCtx::in_space(filter, space), api::page(BOARD_LIMIT, 0))
        },
    );
    Effect::new(move |_| {
        if tasks.with(|t| t.is_some()) {
            moves.set(HashMap::new());
        }
    });

    let board = move || {
        tasks.get().map(|result| match result {
            Err(problem) => view! { <ErrorState problem retry=move |_| ctx.refresh() /> }.into_any(),
            Ok(page) => {
                let moved = moves.get();
                let items: Vec<Task> = page
                    .items
                    .into_iter()
                    .map(|mut t| {
                        if let Some(status) = moved.get(&t.id) {
                            t.status = *status;
                        }
                        t
                    })
                    .filter(|t| t.status != TaskStatus::Archived)
                    .collect();
                let truncated = page.total > BOARD_LIMIT;
                let all_empty = items.is_empty();
                view! {
                    {all_empty
                        .then(|| {
                            view! {
                                <EmptyState
                                    title="No tasks here"
                                    message="Create a task, or change the space or the filters."
                                />
                            }
                        })}
                    {truncated
                        .then(|| {
                            view! {
                                <p class="muted">
                                    {format!("Showing {BOARD_LIMIT} of {} tasks; use the list view for all.", page.total)}
                                </p>
                            }
                        })}
                    <div class="board" data-testid="board">
                        {BOARD_STATUSES
                            .into_iter()
                            .map(|status| {
                                let cards: Vec<Task> = items.iter().filter(|t| t.status == status).cloned().collect();
                                let count = cards.len();
                                let drop_target = items.clone();
                                view! {
                                    <section
                                        class="column"
                                        class:column-over=move || over.get() == Some(status)
                                        aria-label=status_label(status)
                                        data-status=status.as_str()
                                        on:dragover=move |ev| {
                                            ev.prevent_default();
                                            over.set(Some(status));
                                        }
                                        on:dragleave=move |_| over.set(None)
                                        on:drop=move |ev| {
                                            ev.prevent_default();
                                            over.set(None);
                                            let id = ev
                                                .data_transfer()
                                                .and_then(|d| d.get_data(DRAG_TYPE).ok())
                                                .and_then(|id| Uuid::parse_str(&id).ok())
                                                .or(dragging.get_untracked());
                                            dragging.set(None);
                                            if let Some(task) = id.and_then(|id| drop_target.iter().find(|t| t.id == id)) {
                                                move_task(ctx, toasts, moves, task.clone(), status);
                                            }
                                        }
                                    >
                                        <header class="column-head">
                                            <h2>{status_label(status)}</h2>
                                            <span class="badge">{count}</span>
                                        </header>
                                        <div class="column-cards">
                                            {cards
                                                .into_iter()
                                                .map(|task| view! { <Card task moves dragging /> })
                                                .collect_view()}
                                        </div>
                                    </section>
                                }
                            })
                            .collect_view()}
                    </div>
                }
                    .into_any()
            }
        })
    };

    view! {
        <section aria-busy=move || tasks.get().is_none().to_string()>
            {move || board().unwrap_or_else(|| view! { <Loading label="Loading tasks…" /> }.into_any())}
        </section>
    }
}

#[component]
fn Card(task: Task, moves: RwSignal<HashMap<Uuid, TaskStatus>>, dragging: RwSignal<Option<Uuid>>) -> impl IntoView {
    let ctx = use_tasks();
    let toasts = use_toasts();
    let id = task.id;
    let overdue = is_overdue(&task);
    let done = task.checklist.iter().filter(|i| i.completed).count();
    let checklist = (!task.checklist.is_empty()).then(|| format!("☑ {done}/{}", task.checklist.len()));
    let for_select = task.clone();
    let priority = task.priority;
    view! {
        <article
            class="task-card"
            class:task-dragging=move || dragging.get() == Some(id)
            draggable="true"
            data-testid="task-card"
            data-task-id=id.to_string()
            on:dragstart=move |ev| {
                if let Some(data) = ev.data_transfer() {
                    let _ = data.set_data(DRAG_TYPE, &id.to_string());
                    data.set_effect_allowed("move");
                }
                dragging.set(Some(id));
            }
            on:dragend=move |_| dragging.set(None)
        >
            <button class="task-title" on:click=move |_| ctx.open(Some(id))>
                {task.title.clone()}
            </button>
            <div class="task-meta">
                <span class=format!("priority priority-{}", priority.as_str())>{priority_label(priority)}</span>
                {task.is_recurring.then(|| view! { <span class="badge" title="Repeats">"↻ repeats"</span> })}
                {task
                    .due_date
                    .map(|due| {
                        view! {
                            <span class="due" class:due-overdue=overdue>
                                {short_time(due)}
                            </span>
                        }
                    })}
                {checklist.map(|c| view! { <span class="muted">{c}</span> })}
            </div>
            <div class="task-foot">
                <span class="muted">{ctx.person(task.assigned_to_id)}</span>
                <label class="visually-hidden" for=format!("move-{id}")>
                    {format!("Status of {}", task.title)}
                </label>
                <select
                    id=format!("move-{id}")
                    class="move-select"
                    data-testid="move-select"
                    on:change=move |ev| {
                        if let Some(status) = TaskStatus::parse(&event_target_value(&ev)) {
                            move_task(ctx, toasts, moves, for_select.clone(), status);
                        }
                    }
                >
                    {TaskStatus::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=s == task.status>
                                    {status_label(s)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </article>
    }
}
