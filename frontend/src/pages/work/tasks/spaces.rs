//! The task spaces sidebar: a tree (nested through `parentSpaceId`) that expands and
//! collapses, filters the tasks by the selected space, and creates spaces and sub-spaces.

use super::shared::use_tasks;
use crate::api;
use crate::kit::{use_toasts, ConfirmDialog, ErrorState, Form, FormDialog, Opener, TextField};
use domain::work::tasks::{CreateTaskSpaceRequest, TaskSpace};
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

/// One visible row of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub space: TaskSpace,
    pub depth: usize,
    pub has_children: bool,
}

/// The spaces in tree order (each parent before its children, siblings in the API's
/// order), without the descendants of collapsed spaces. Spaces whose parent is missing
/// are shown at the top so nothing becomes unreachable.
pub fn visible_rows(spaces: &[TaskSpace], collapsed: &HashSet<Uuid>) -> Vec<Row> {
    let ids: HashSet<Uuid> = spaces.iter().map(|s| s.id).collect();
    let mut rows = Vec::new();
    let mut stack: Vec<(&TaskSpace, usize)> =
        spaces.iter().rev().filter(|s| s.parent_space_id.is_none_or(|p| !ids.contains(&p))).map(|s| (s, 0)).collect();
    let mut seen = HashSet::new();
    while let Some((space, depth)) = stack.pop() {
        if !seen.insert(space.id) {
            continue;
        }
        let children: Vec<&TaskSpace> = spaces.iter().filter(|c| c.parent_space_id == Some(space.id)).collect();
        rows.push(Row { space: space.clone(), depth, has_children: !children.is_empty() });
        if !collapsed.contains(&space.id) {
            stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
        }
    }
    rows
}

#[component]
pub fn SpaceTree() -> impl IntoView {
    let ctx = use_tasks();
    let toasts = use_toasts();
    let collapsed = RwSignal::new(HashSet::<Uuid>::new());
    // `Some(parent)`: creating a space under `parent` (`None` at the top).
    let creating = Opener::<Option<Uuid>>::new();
    let deleting = Opener::<TaskSpace>::new();

    let delete = Callback::new(move |space: TaskSpace| {
        let (id, name) = (space.id, space.name);
        toasts.act(
            api::work::spaces::delete(id),
            move |_| format!("{name} has been deleted"),
            move |_| {
                if ctx.space.try_get_untracked() == Some(Some(id)) {
                    ctx.select_space(None);
                }
                ctx.reload_spaces.bump();
            },
        )
    });

    let tree = move || {
        ctx.spaces.get().map(|result| match result {
            Err(problem) => view! {
                <ErrorState problem retry=move |_| ctx.reload_spaces.bump() />
            }
            .into_any(),
            Ok(spaces) if spaces.is_empty() => {
                view! { <p class="muted tree-empty">"No spaces yet. Create one to file tasks in."</p> }.into_any()
            }
            Ok(spaces) => {
                let rows = visible_rows(&spaces, &collapsed.get());
                view! {
                    <ul class="tree">
                        {rows
                            .into_iter()
                            .map(|row| {
                                let id = row.space.id;
                                let name = row.space.name.clone();
                                let for_delete = row.space.clone();
                                let expanded = move || !collapsed.with(|c| c.contains(&id));
                                view! {
                                    <li
                                        class="tree-row"
                                        class:tree-selected=move || ctx.space.get() == Some(id)
                                        style=format!("--depth: {}", row.depth)
                                        data-testid="space-row"
                                    >
                                        {if row.has_children {
                                            view! {
                                                <button
                                                    class="tree-toggle"
                                                    aria-label=format!("Show the spaces inside {name}")
                                                    aria-expanded=move || expanded().to_string()
                                                    on:click=move |_| {
                                                        collapsed
                                                            .update(|c| {
                                                                if !c.remove(&id) {
                                                                    c.insert(id);
                                                                }
                                                            })
                                                    }
                                                >
                                                    {move || if expanded() { "▾" } else { "▸" }}
                                                </button>
                                            }
                                                .into_any()
                                        } else {
                                            view! { <span class="tree-toggle" aria-hidden="true"></span> }.into_any()
                                        }}
                                        <button
                                            class="tree-label"
                                            title=row.space.name.clone()
                                            aria-current=move || (ctx.space.get() == Some(id)).then_some("true")
                                            on:click=move |_| ctx.select_space(Some(id))
                                        >
                                            <span
                                                class="space-dot"
                                                style=format!("background: {}", row.space.color)
                                                aria-hidden="true"
                                            ></span>
                                            <span class="tree-name">{row.space.name.clone()}</span>
                                        </button>
                                        <button
                                            class="tree-action"
                                            aria-label=format!("New space inside {}", row.space.name)
                                            title="New sub-space"
                                            on:click=move |_| creating.open(Some(id))
                                        >
                                            "+"
                                        </button>
                                        <button
                                            class="tree-action"
                                            aria-label=format!("Delete space {}", row.space.name)
                                            title="Delete space"
                                            on:click=move |_| deleting.open(for_delete.clone())
                                        >
                                            "×"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
        })
    };

    view! {
        <aside class="spaces panel" aria-label="Spaces">
            <div class="spaces-head">
                <h2>"Spaces"</h2>
                <button class="button button-small" data-testid="new-space" on:click=move |_| creating.open(None)>
                    "New space"
                </button>
            </div>
            <button
                class="tree-all"
                class:tree-selected=move || ctx.space.get().is_none()
                aria-pressed=move || ctx.space.get().is_none().to_string()
                on:click=move |_| ctx.select_space(None)
            >
                "All tasks"
            </button>
            {move || tree().unwrap_or_else(|| view! { <p class="muted tree-empty">"Loading spaces…"</p> }.into_any())}
        </aside>
        {creating
            .view(
                move |space: TaskSpace| {
                    if let Some(parent) = space.parent_space_id {
                        collapsed.update(|c| {
                            c.remove(&parent);
                        });
                    }
                    ctx.select_space(Some(space.id));
                    ctx.reload_spaces.bump();
                },
                |parent, on_close| view! { <SpaceDialog parent on_close /> },
            )}
        <ConfirmDialog
            target=deleting
            title="Delete space"
            message=|s| format!("Delete {}? Only an empty space can be deleted: move its tasks and sub-spaces first.", s.name)
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}

#[component]
fn SpaceDialog(parent: Option<Uuid>, on_close: Callback<Option<TaskSpace>>) -> impl IntoView {
    let ctx = use_tasks();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#3B82F6".to_owned());
    // Every problem shows in the dialog: at its field, or above the buttons.
    let form = Form::notifying(|_| false);
    let parent_name = ctx.space_name(parent);
    let title = if parent.is_some() { "New sub-space" } else { "New space" };
    let submit = move || {
        Ok(api::work::spaces::create(&CreateTaskSpaceRequest {
            name: name.get_untracked().trim().to_owned(),
            // The colour marks a space; emoji icons depend on the system's fonts.
            icon: None,
            color: Some(color.get_untracked()),
            parent_space_id: parent,
            order: None,
        }))
    };
    view! {
        <FormDialog
            title
            testid="space-form"
            form
            submit
            name=|s: &TaskSpace| s.name.clone()
            on_close
            small=true
            save_label="Create"
            busy_label="Creating…"
        >
            {parent_name.map(|p| view! { <p class="muted">{format!("Inside {p}")}</p> })}
            <TextField label="Name" name="name" value=name problem=form.problem required=true autocomplete="off" />
            <TextField label="Colour" name="color" value=color problem=form.problem input_type="color" />
            {move || {
                form.problem
                    .get()
                    .filter(|p| p.errors.is_empty())
                    .map(|p| view! { <p class="alert alert-error" role="alert">{p.detail}</p> })
            }}
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn space(name: &str, parent: Option<Uuid>) -> TaskSpace {
        TaskSpace {
            id: Uuid::from_u128(name.bytes().map(u128::from).sum()),
            name: name.into(),
            icon: "📁".into(),
            color: "#3B82F6".into(),
            parent_space_id: parent,
            order: 0,
            created_by: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn tree_rows_nest_and_collapse() {
        let clients = space("Clients", None);
        let acme = space("Acme", Some(clients.id));
        let launch = space("Launch", Some(acme.id));
        let internal = space("Internal", None);
        let orphan = space("Orphan", Some(Uuid::from_u128(1)));
        // The API lists flat; children may come before their parents.
        let spaces = vec![launch.clone(), clients.clone(), internal.clone(), acme.clone(), orphan.clone()];

        let names = |rows: Vec<Row>| rows.into_iter().map(|r| (r.space.name, r.depth)).collect::<Vec<_>>();
        assert_eq!(
            names(visible_rows(&spaces, &HashSet::new())),
            vec![
                ("Clients".into(), 0),
                ("Acme".into(), 1),
                ("Launch".into(), 2),
                ("Internal".into(), 0),
                ("Orphan".into(), 0)
            ]
        );
        let rows = visible_rows(&spaces, &HashSet::from([clients.id]));
        assert!(rows[0].has_children);
        assert_eq!(names(rows), vec![("Clients".into(), 0), ("Internal".into(), 0), ("Orphan".into(), 0)]);
    }
}
