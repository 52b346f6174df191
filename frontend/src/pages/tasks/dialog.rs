//! Create or edit a task, with the recurrence editor; the API's field errors appear under
//! their fields.

use super::{from_input, priority_label, status_label, to_input, use_tasks};
use crate::api;
use crate::components::recurrence::{OccurrencePreview, RecurrenceEditor, RecurrenceFields};
use crate::components::{use_toasts, SelectField, TextField};
use domain::work::tasks::{CreateTaskRequest, ScheduleFrom, Task, TaskPriority, TaskStatus, UpdateTaskRequest};
use domain::{ErrorCode, FieldError, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// "a, b , ,c" → ["a", "b", "c"].
pub fn parse_tags(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn changed<T: PartialEq>(new: T, old: T) -> Option<T> {
    (new != old).then_some(new)
}

#[component]
pub fn TaskDialog(task: Option<Task>, on_close: Callback<Option<Task>>) -> impl IntoView {
    let ctx = use_tasks();
    let toasts = use_toasts();
    let editing = task.is_some();
    let existing = task.clone();
    let title = RwSignal::new(task.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let description = RwSignal::new(task.as_ref().and_then(|t| t.description.clone()).unwrap_or_default());
    let status = RwSignal::new(task.as_ref().map(|t| t.status).unwrap_or_default().as_str().to_owned());
    let priority = RwSignal::new(task.as_ref().map(|t| t.priority).unwrap_or_default().as_str().to_owned());
    let assignee = RwSignal::new(
        match &task {
            Some(t) => t.assigned_to_id,
            None => Some(ctx.me),
        }
        .map(|id| id.to_string())
        .unwrap_or_default(),
    );
    let space = RwSignal::new(
        match &task {
            Some(t) => t.space_id,
            None => ctx.space.get_untracked(),
        }
        .map(|id| id.to_string())
        .unwrap_or_default(),
    );
    let due = RwSignal::new(to_input(task.as_ref().and_then(|t| t.due_date)));
    let tags = RwSignal::new(task.as_ref().map(|t| t.tags.join(", ")).unwrap_or_default());
    let recurrence = RecurrenceFields::new(
        task.as_ref().filter(|t| t.is_recurring).and_then(|t| t.recurrence_rule.as_deref()),
        task.as_ref().map(|t| t.recurrence_timezone.as_str()),
    );
    let schedule_from = RwSignal::new(task.as_ref().map(|t| t.schedule_from).unwrap_or_default().as_str().to_owned());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let mut people = vec![(String::new(), "Unassigned".to_owned()), (ctx.me.to_string(), "Me".to_owned())];
    people.extend(
        ctx.people.get_untracked().into_iter().filter(|(id, _)| *id != ctx.me).map(|(id, n)| (id.to_string(), n)),
    );
    if let Some(id) =
        task.as_ref().and_then(|t| t.assigned_to_id).filter(|id| !people.iter().any(|(p, _)| *p == id.to_string()))
    {
        people.push((id.to_string(), ctx.person(Some(id))));
    }
    let mut spaces = vec![(String::new(), "No space".to_owned())];
    spaces.extend(
        ctx.spaces
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.id.to_string(), s.name)),
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rule = recurrence.rule();
        let due_date = from_input(&due.get_untracked());
        if rule.is_some() && due_date.is_none() {
            problem.set(Some(
                Problem::new(ErrorCode::ValidationError, "A repeating task needs a due date").with_errors(vec![
                    FieldError {
                        field: "dueDate".into(),
                        code: "required".into(),
                        message: "a repeating task needs a due date: its first occurrence".into(),
                    },
                ]),
            ));
            return;
        }
        busy.set(true);
        problem.set(None);
        let title_value = title.get_untracked().trim().to_owned();
        let description_value = Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let status_value = TaskStatus::parse(&status.get_untracked()).unwrap_or_default();
        let priority_value = TaskPriority::parse(&priority.get_untracked()).unwrap_or_default();
        let assignee_value = assignee.get_untracked().parse::<i32>().ok();
        let space_value = Uuid::parse_str(&space.get_untracked()).ok();
        let tags_value = parse_tags(&tags.get_untracked());
        let timezone = recurrence.timezone.get_untracked().trim().to_owned();
        let schedule = ScheduleFrom::parse(&schedule_from.get_untracked()).unwrap_or_default();
        let existing = existing.clone();
        spawn_local(async move {
            let result = match &existing {
                None => {
                    let body = CreateTaskRequest {
                        title: title_value,
                        description: description_value,
                        status: Some(status_value),
                        priority: Some(priority_value),
                        assigned_to_id: assignee_value,
                        space_id: space_value,
                        client_id: None,
                        campaign_id: None,
                        due_date,
                        start_date: None,
                        checklist: None,
                        tags: Some(tags_value),
                        estimated_hours: None,
                        task_progress: None,
                        blocks_completion: None,
                        is_recurring: Some(rule.is_some()),
                        recurrence_timezone: rule.as_ref().map(|_| timezone),
                        schedule_from: rule.as_ref().map(|_| schedule),
                        recurrence_rule: rule,
                    };
                    api::work::tasks::create(&body).await
                }
                Some(current) => {
                    let old_rule = current.recurrence_rule.clone().filter(|_| current.is_recurring);
                    let body = UpdateTaskRequest {
                        title: changed(title_value, current.title.clone()),
                        description: changed(description_value, current.description.clone()),
                        status: changed(status_value, current.status),
                        priority: changed(priority_value, current.priority),
                        assigned_to_id: changed(assignee_value, current.assigned_to_id),
                        space_id: changed(space_value, current.space_id),
                        due_date: changed(due_date, current.due_date),
                        tags: changed(tags_value, current.tags.clone()),
                        is_recurring: changed(rule.is_some(), current.is_recurring),
                        recurrence_timezone: rule
                            .as_ref()
                            .and_then(|_| changed(timezone, current.recurrence_timezone.clone())),
                        schedule_from: rule.as_ref().and_then(|_| changed(schedule, current.schedule_from)),
                        recurrence_rule: changed(rule, old_rule),
                        ..Default::default()
                    };
                    api::work::tasks::update(current.id, &body).await
                }
            };
            busy.try_set(false);
            match result {
                Ok(saved) => {
                    toasts.success(if editing {
                        format!("{} has been updated", saved.title)
                    } else {
                        format!("{} has been created", saved.title)
                    });
                    on_close.run(Some(saved));
                }
                Err(p) => {
                    if p.errors.is_empty() {
                        toasts.problem(&p);
                    }
                    problem.try_set(Some(p));
                }
            }
        });
    };

    let heading = if editing { "Edit task" } else { "New task" };
    let description_error = move || crate::components::form::field_error(&problem.get(), "description");
    view! {
        <div class="overlay" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(None) }>
            <div class="dialog" role="dialog" aria-modal="true" aria-label=heading>
                <form class="form" on:submit=submit novalidate data-testid="task-form">
                    <h2>{heading}</h2>
                    <TextField label="Title" name="title" value=title problem required=true autocomplete="off" />
                    <div class="field" class:field-invalid=move || description_error().is_some()>
                        <label for="field-description">"Description"</label>
                        <textarea id="field-description" rows="3" bind:value=description></textarea>
                        <small class="field-error" role="alert">{move || description_error().unwrap_or_default()}</small>
                    </div>
                    <div class="form-grid">
                        <SelectField
                            label="Status"
                            name="status"
                            value=status
                            problem
                            options=TaskStatus::ALL.iter().map(|s| (s.as_str().to_owned(), status_label(*s).to_owned())).collect()
                        />
                        <SelectField
                            label="Priority"
                            name="priority"
                            value=priority
                            problem
                            options=TaskPriority::ALL.iter().map(|p| (p.as_str().to_owned(), priority_label(*p).to_owned())).collect()
                        />
                        <SelectField label="Assignee" name="assignedToId" value=assignee problem options=people />
                        <SelectField label="Space" name="spaceId" value=space problem options=spaces />
                        <TextField label="Due" name="dueDate" value=due problem input_type="datetime-local" />
                        <TextField label="Tags" name="tags" value=tags problem autocomplete="off" hint="Separate with commas." />
                    </div>
                    <RecurrenceEditor fields=recurrence problem>
                        <OccurrencePreview fields=recurrence start=Signal::derive(move || from_input(&due.get())) />
                        <Show when=move || recurrence.preset.get() != "none">
                            <SelectField
                                label="Next one is scheduled from"
                                name="scheduleFrom"
                                value=schedule_from
                                problem
                                options=vec![
                                    ("due_date".to_owned(), "The due date".to_owned()),
                                    ("completion_date".to_owned(), "The day it is completed".to_owned()),
                                ]
                            />
                        </Show>
                    </RecurrenceEditor>
                    <div class="dialog-actions">
                        <button class="button" type="button" on:click=move |_| on_close.run(None)>
                            "Cancel"
                        </button>
                        <button class="button button-primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save" }}
                        </button>
                    </div>
                </form>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_on_commas() {
        assert_eq!(parse_tags(" seo, launch ,, "), vec!["seo".to_owned(), "launch".to_owned()]);
        assert!(parse_tags("").is_empty());
    }
}
