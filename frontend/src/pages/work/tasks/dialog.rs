//! Create or edit a task, with the recurrence editor; the API's field errors appear under
//! their fields.

use super::shared::{priority_label, status_label, use_tasks};
use crate::api;
use crate::kit::format::{differs, from_input, non_empty, to_input};
use crate::kit::{choices, refusal, Form, FormDialog, SelectField, TextField};
use crate::pages::work::recurrence::{OccurrencePreview, RecurrenceEditor, RecurrenceFields};
use domain::work::tasks::{CreateTaskRequest, ScheduleFrom, Task, TaskPriority, TaskStatus, UpdateTaskRequest};
use domain::Problem;
use futures_util::future::Either;
use leptos::prelude::*;
use uuid::Uuid;

/// "a, b , ,c" → ["a", "b", "c"].
pub fn parse_tags(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The problem of a repeating task without a due date (its first occurrence), at the field.
fn needs_due_date() -> Problem {
    refusal(
        "dueDate",
        "required",
        "A repeating task needs a due date",
        "a repeating task needs a due date: its first occurrence",
    )
}

#[component]
pub fn TaskDialog(task: Option<Task>, on_close: Callback<Option<Task>>) -> impl IntoView {
    let ctx = use_tasks();
    let editing = task.is_some();
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
    // Field errors show at their fields; only the others become notifications.
    let form = Form::notifying(|p| p.errors.is_empty());

    let mut people = vec![(String::new(), "Unassigned".to_owned()), (ctx.me.to_string(), "Me".to_owned())];
    people.extend(
        ctx.people
            .get_untracked()
            .into_iter()
            .filter(|p| p.id != ctx.me && p.active)
            .map(|p| (p.id.to_string(), p.name)),
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

    let submit = move || {
        let rule = recurrence.rule();
        let due_date = from_input(&due.get_untracked());
        if rule.is_some() && due_date.is_none() {
            return Err(needs_due_date());
        }
        let title = title.get_untracked().trim().to_owned();
        let description = non_empty(&description.get_untracked());
        let status = TaskStatus::parse(&status.get_untracked()).unwrap_or_default();
        let priority = TaskPriority::parse(&priority.get_untracked()).unwrap_or_default();
        let assignee = assignee.get_untracked().parse::<i32>().ok();
        let space = Uuid::parse_str(&space.get_untracked()).ok();
        let tags = parse_tags(&tags.get_untracked());
        let timezone = recurrence.timezone.get_untracked().trim().to_owned();
        let schedule = ScheduleFrom::parse(&schedule_from.get_untracked()).unwrap_or_default();
        Ok(match &task {
            None => Either::Left(api::work::tasks::create(&CreateTaskRequest {
                title,
                description,
                status: Some(status),
                priority: Some(priority),
                assigned_to_id: assignee,
                space_id: space,
                client_id: None,
                campaign_id: None,
                due_date,
                start_date: None,
                checklist: None,
                tags: Some(tags),
                estimated_hours: None,
                task_progress: None,
                blocks_completion: None,
                is_recurring: Some(rule.is_some()),
                recurrence_timezone: rule.as_ref().map(|_| timezone),
                schedule_from: rule.as_ref().map(|_| schedule),
                recurrence_rule: rule,
            })),
            Some(current) => {
                let old_rule = current.recurrence_rule.clone().filter(|_| current.is_recurring);
                let body = UpdateTaskRequest {
                    title: differs(title, &current.title),
                    description: differs(description, &current.description),
                    status: differs(status, &current.status),
                    priority: differs(priority, &current.priority),
                    assigned_to_id: differs(assignee, &current.assigned_to_id),
                    space_id: differs(space, &current.space_id),
                    due_date: differs(due_date, &current.due_date),
                    tags: differs(tags, &current.tags),
                    is_recurring: differs(rule.is_some(), &current.is_recurring),
                    recurrence_timezone: rule.as_ref().and_then(|_| differs(timezone, &current.recurrence_timezone)),
                    schedule_from: rule.as_ref().and_then(|_| differs(schedule, &current.schedule_from)),
                    recurrence_rule: differs(rule, &old_rule),
                    ..Default::default()
                };
                Either::Right(api::work::tasks::update(current.id, &body))
            }
        })
    };

    let heading = if editing { "Edit task" } else { "New task" };
    let problem: Signal<Option<Problem>> = form.problem.into();
    view! {
        <FormDialog title=heading testid="task-form" form submit name=|t: &Task| t.title.clone() editing on_close>
            <TextField label="Title" name="title" value=title problem required=true autocomplete="off" />
            <TextField label="Description" name="description" value=description problem rows=3 />
            <div class="form-grid">
                <SelectField
                    label="Status"
                    name="status"
                    value=status
                    problem
                    options=choices(&TaskStatus::ALL, TaskStatus::as_str, |s| status_label(s).to_owned())
                />
                <SelectField
                    label="Priority"
                    name="priority"
                    value=priority
                    problem
                    options=choices(&TaskPriority::ALL, TaskPriority::as_str, |p| priority_label(p).to_owned())
                />
                <SelectField label="Assignee" name="assignedToId" value=assignee problem options=people />
                <SelectField label="Space" name="spaceId" value=space problem options=spaces />
                <TextField label="Due" name="dueDate" value=due problem input_type="datetime-local" />
                <TextField label="Tags" name="tags" value=tags problem autocomplete="off" hint="Separate with commas." />
            </div>
            <RecurrenceEditor fields=recurrence problem=form.problem>
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
        </FormDialog>
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
