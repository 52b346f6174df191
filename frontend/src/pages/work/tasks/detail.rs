//! The task drawer (`/tasks?task=<id>`): status and priority at a click, the checklist,
//! comments and the task's history; the full edit dialog and deletion from its header.

use super::shared::{priority_label, status_label, use_tasks};
use crate::api::{self, Paged};
use crate::kit::format::short_time;
use crate::kit::{field_error, loaded, use_toasts, ConfirmDialog, Form, Opener, Reload, TextField};
use crate::pages::work::rule_words;
use crate::session::use_session;
use domain::activity::{ActivityFilter, ActivityLog};
use domain::work::tasks::{
    ChecklistItem, CreateTaskCommentRequest, Task, TaskComment, TaskPriority, TaskStatus, UpdateTaskRequest,
};
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn TaskDrawer(id: Uuid) -> impl IntoView {
    let ctx = use_tasks();
    let reload = Reload::new();
    // Any write on the page (board moves, the edit dialog, the drawer's own) refreshes it.
    let task = LocalResource::new(move || {
        reload.track();
        ctx.reload.track();
        api::work::tasks::get(id)
    });
    let close = move || ctx.open(None);
    // Escape closes the drawer wherever the focus is, unless the edit dialog is on top.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && ctx.dialog.get_untracked().is_none() {
            close();
        }
    });
    on_cleanup(move || escape.remove());
    // Keyboard users land in the drawer that just opened.
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });

    view! {
        <div class="drawer-backdrop" on:click=move |_| close()></div>
        <aside
            class="drawer"
            role="dialog"
            aria-modal="true"
            aria-label="Task"
            data-testid="task-drawer"
        >
            <button class="icon-button drawer-close" aria-label="Close" node_ref=close_button on:click=move |_| close()>
                "×"
            </button>
            {loaded(task, "Loading the task…", Some(reload), move |task| {
                view! { <TaskDetail task on_change=Callback::new(move |_| ctx.refresh()) /> }
            })}
            // Outside the task's view, so a refresh does not clear a comment being typed.
            <Comments task_id=id />
        </aside>
    }
}

#[component]
fn TaskDetail(task: Task, on_change: Callback<()>) -> impl IntoView {
    let ctx = use_tasks();
    let toasts = use_toasts();
    let id = task.id;
    let deleting = Opener::<Task>::new();

    // A refresh may rebuild this view before the answer: `on_change` is then gone.
    let save = move |patch: UpdateTaskRequest, done: &'static str| {
        toasts.act(
            api::work::tasks::update(id, &patch),
            move |_| done.to_owned(),
            move |_| {
                on_change.try_run(());
            },
        )
    };
    let delete = Callback::new(move |_: Task| {
        toasts.act(
            api::work::tasks::delete(id),
            |_| "The task has been deleted".into(),
            move |_| {
                ctx.open(None);
                ctx.refresh();
            },
        )
    });
    let for_delete = task.clone();
    let for_edit = task.clone();

    view! {
        <header class="drawer-head">
            <h2 data-testid="drawer-title">{task.title.clone()}</h2>
            <div class="drawer-actions">
                <button
                    class="button button-small"
                    data-testid="edit-task"
                    on:click=move |_| ctx.dialog.open(Some(for_edit.clone()))
                >
                    "Edit"
                </button>
                <button class="button button-small button-danger" on:click=move |_| deleting.open(for_delete.clone())>
                    "Delete"
                </button>
            </div>
        </header>
        <div class="quick-fields">
            <label class="inline-field">
                <span>"Status"</span>
                <select
                    data-testid="drawer-status"
                    on:change=move |ev| {
                        if let Some(status) = TaskStatus::parse(&event_target_value(&ev)) {
                            save(UpdateTaskRequest { status: Some(status), ..Default::default() }, "Status changed");
                        }
                    }
                >
                    {TaskStatus::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=s == task.status>{status_label(s)}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="inline-field">
                <span>"Priority"</span>
                <select on:change=move |ev| {
                    if let Some(priority) = TaskPriority::parse(&event_target_value(&ev)) {
                        save(UpdateTaskRequest { priority: Some(priority), ..Default::default() }, "Priority changed");
                    }
                }>
                    {TaskPriority::ALL
                        .into_iter()
                        .map(|p| view! { <option value=p.as_str() selected=p == task.priority>{priority_label(p)}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        <dl class="facts">
            <dt>"Assignee"</dt>
            <dd>{ctx.person(task.assigned_to_id)}</dd>
            <dt>"Space"</dt>
            <dd>{ctx.space_name(task.space_id).unwrap_or_else(|| "—".into())}</dd>
            <dt>"Due"</dt>
            <dd data-testid="drawer-due">{task.due_date.map(short_time).unwrap_or_else(|| "—".into())}</dd>
            <dt>"Repeats"</dt>
            <dd>
                {task
                    .recurrence_rule
                    .clone()
                    .filter(|_| task.is_recurring)
                    .map(|rule| format!("{} ({})", rule_words::describe(&rule), task.recurrence_timezone))
                    .unwrap_or_else(|| "No".into())}
            </dd>
            {(!task.tags.is_empty())
                .then(|| {
                    view! {
                        <dt>"Tags"</dt>
                        <dd>{task.tags.iter().map(|t| view! { <span class="badge">{t.clone()}</span> " " }).collect_view()}</dd>
                    }
                })}
        </dl>
        {task.description.clone().map(|d| view! { <p class="description">{d}</p> })}
        <Checklist task=task.clone() on_change />
        <Activity task=task.clone() />
        <ConfirmDialog
            target=deleting
            title="Delete task"
            message=|t| format!("Delete {} and its comments? This cannot be undone.", t.title)
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}

#[component]
fn Checklist(task: Task, on_change: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let id = task.id;
    let items = RwSignal::new(task.checklist.clone());
    let new_item = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    // Every change sends the whole list, so one write at a time keeps a quick second
    // click from being overwritten by the first; on failure the previous list comes back.
    let busy = RwSignal::new(false);
    let store = move |next: Vec<ChecklistItem>| {
        let previous = items.get_untracked();
        items.set(next.clone());
        busy.set(true);
        let request = api::work::tasks::update(id, &UpdateTaskRequest { checklist: Some(next), ..Default::default() });
        spawn_local(async move {
            let result = request.await;
            // An earlier save's refresh may have rebuilt the drawer meanwhile: its signals are
            // then gone, and writing them must not panic.
            busy.try_set(false);
            match result {
                Ok(_) => {
                    on_change.try_run(());
                }
                Err(p) => {
                    items.try_set(previous);
                    toasts.problem(&p);
                    problem.try_set(Some(p));
                }
            }
        });
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = new_item.get_untracked().trim().to_owned();
        if text.is_empty() || busy.get_untracked() {
            return;
        }
        new_item.set(String::new());
        let mut next = items.get_untracked();
        next.push(ChecklistItem { text, completed: false });
        store(next);
    };
    let progress = move || {
        items.with(|items| {
            let done = items.iter().filter(|i| i.completed).count();
            format!("{done} of {}", items.len())
        })
    };

    view! {
        <section class="drawer-section" aria-label="Checklist">
            <h3>"Checklist " <span class="muted">{progress}</span></h3>
            <ul class="checklist" data-testid="checklist">
                {move || {
                    items
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let label = item.text.clone();
                            view! {
                                <li class:checked=item.completed>
                                    <label>
                                        <input
                                            type="checkbox"
                                            checked=item.completed
                                            disabled=move || busy.get()
                                            on:change=move |ev| {
                                                let mut next = items.get_untracked();
                                                if let Some(entry) = next.get_mut(index) {
                                                    entry.completed = event_target_checked(&ev);
                                                }
                                                store(next);
                                            }
                                        />
                                        <span>{item.text.clone()}</span>
                                    </label>
                                    <button
                                        class="icon-button"
                                        disabled=move || busy.get()
                                        aria-label=format!("Remove {label}")
                                        on:click=move |_| {
                                            let mut next = items.get_untracked();
                                            if index < next.len() {
                                                next.remove(index);
                                            }
                                            store(next);
                                        }
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="inline-add" on:submit=add>
                <label class="visually-hidden" for="checklist-new">
                    "New checklist item"
                </label>
                <input id="checklist-new" placeholder="Add an item" maxlength="500" bind:value=new_item />
                <button class="button button-small" type="submit" disabled=move || busy.get()>
                    "Add"
                </button>
            </form>
            <small class="field-error" role="alert">
                {move || field_error(&problem.get(), "checklist").unwrap_or_default()}
            </small>
        </section>
    }
}

#[component]
fn Comments(task_id: Uuid) -> impl IntoView {
    let ctx = use_tasks();
    let reload = Reload::new();
    let comments = LocalResource::new(move || {
        reload.track();
        api::work::tasks::comments(task_id, api::page(200, 0))
    });
    let text = RwSignal::new(String::new());
    let form = Form::notifying(|p| p.errors.is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateTaskCommentRequest { comment: text.get_untracked().trim().to_owned() };
        form.send(api::work::tasks::comment(task_id, &body), move |_| {
            text.set(String::new());
            reload.bump();
        });
    };

    view! {
        <section class="drawer-section" aria-label="Comments">
            <h3>"Comments"</h3>
            {loaded(comments, "Loading comments…", Some(reload), move |page: Paged<TaskComment>| {
                if page.items.is_empty() {
                    return view! { <p class="muted">"No comments yet."</p> }.into_any();
                }
                view! {
                    <ol class="comments" data-testid="comments">
                        {page
                            .items
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <li>
                                        <div class="comment-head">
                                            <strong>{ctx.person(Some(c.user_id))}</strong>
                                            <span class="muted">{short_time(c.created_at)}</span>
                                        </div>
                                        <p>{c.comment}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            })}
            <form class="form" on:submit=submit novalidate>
                <TextField label="Add a comment" name="comment" value=text problem=form.problem maxlength=5000 rows=3 />
                <div>
                    <button class="button button-primary button-small" type="submit" disabled=move || form.busy.get()>
                        "Comment"
                    </button>
                </div>
            </form>
        </section>
    }
}

fn describe(entry: &ActivityLog) -> &'static str {
    match entry.activity_type.as_str() {
        "task.create" => "created the task",
        "task.complete" => "completed it",
        "task.update" => "updated it",
        "task_comment.create" => "commented",
        _ => "changed it",
    }
}

/// The audit trail for those who may read it (canManageSettings), else the task's own
/// timestamps.
#[component]
fn Activity(task: Task) -> impl IntoView {
    let ctx = use_tasks();
    let session = use_session();
    let audited = session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.permissions.can_manage_settings));
    let id = task.id;
    let entries = LocalResource::new(move || async move {
        if audited {
            let filter = ActivityFilter {
                entity_type: Some("task".into()),
                entity_id: Some(id.to_string()),
                ..Default::default()
            };
            api::activity::list(&filter, api::page(50, 0)).await.ok().map(|page| page.items)
        } else {
            None
        }
    });
    view! {
        <section class="drawer-section" aria-label="Activity">
            <h3>"Activity"</h3>
            <ul class="activity" data-testid="activity">
                <li>{format!("Created {}", short_time(task.created_at))}</li>
                <li>{format!("Last updated {}", short_time(task.updated_at))}</li>
                {task.completed_at.map(|t| view! { <li>{format!("Completed {}", short_time(t))}</li> })}
                {move || {
                    entries
                        .get()
                        .flatten()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| {
                            view! {
                                <li>
                                    <strong>{ctx.person(e.user_id)}</strong>
                                    {format!(" {} · {}", describe(&e), short_time(e.created_at))}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
