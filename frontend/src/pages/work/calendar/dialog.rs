//! The event dialog: create, edit (after loading the whole event) and delete after a
//! confirmation; title, type, span or all-day dates, location, attendees, reminders,
//! description and the recurrence editor.

use super::days::{day_start, local_day};
use crate::api;
use crate::kit::format::{differs, from_input, non_empty, to_input};
use crate::kit::{
    choices, field_error, refusal, use_toasts, ConfirmDialog, Dialog, ErrorState, Form, FormDialog, Loading, Opener,
    SelectField, TextField, ToggleChips,
};
use crate::pages::work::recurrence::{OccurrencePreview, RecurrenceEditor, RecurrenceFields};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::work::calendar::{
    Attendee, CalendarEvent, CreateCalendarEventRequest, EventType, Reminder, ReminderMethod,
    UpdateCalendarEventRequest,
};
use domain::Problem;
use futures_util::future::Either;
use leptos::prelude::*;
use uuid::Uuid;

fn type_label(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Event => "Event",
        EventType::Meeting => "Meeting",
        EventType::Call => "Call",
        EventType::Deadline => "Deadline",
        EventType::Reminder => "Reminder",
    }
}

/// Loads the event to edit (occurrences carry only what the grid shows), then the dialog.
#[component]
pub fn EventLoader(target: Result<Uuid, NaiveDate>, on_close: Callback<Option<CalendarEvent>>) -> impl IntoView {
    let id = match target {
        Err(day) => return view! { <EventDialog event=None day on_close /> }.into_any(),
        Ok(id) => id,
    };
    let event = LocalResource::new(move || api::work::calendar::get(id));
    let escape = Callback::new(move |_| on_close.run(None));
    let opened = move || match event.get() {
        None => view! {
            <Dialog title="Loading the event" on_escape=escape small=true>
                <Loading label="Loading the event…" />
            </Dialog>
        }
        .into_any(),
        Some(Err(problem)) => view! {
            <Dialog title="The event could not be opened" on_escape=escape small=true>
                <ErrorState problem />
                <div class="dialog-actions">
                    <button class="button" on:click=move |_| on_close.run(None)>"Close"</button>
                </div>
            </Dialog>
        }
        .into_any(),
        Some(Ok(event)) => {
            let day = local_day(event.start);
            view! { <EventDialog event=Some(event) day on_close /> }.into_any()
        }
    };
    opened.into_any()
}

const REMINDER_CHOICES: [(i32, &str); 5] = [
    (0, "At the start"),
    (10, "10 minutes before"),
    (30, "30 minutes before"),
    (60, "1 hour before"),
    (1440, "1 day before"),
];

fn split_emails(value: &str) -> Vec<String> {
    value.split([',', ';', ' ', '\n']).map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect()
}

fn missing_span() -> Problem {
    refusal("start", "required", "Enter the start and the end", "enter a start and an end")
}

#[component]
fn EventDialog(
    event: Option<CalendarEvent>,
    day: NaiveDate,
    on_close: Callback<Option<CalendarEvent>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let editing = event.is_some();
    let default_start = day_start(day) + chrono::Duration::hours(9);
    let start_at = event.as_ref().map(|e| e.start).unwrap_or(default_start);
    let end_at = event.as_ref().map(|e| e.end).unwrap_or(default_start + chrono::Duration::hours(1));
    let text = |f: fn(&CalendarEvent) -> Option<String>| RwSignal::new(event.as_ref().and_then(f).unwrap_or_default());
    let all_day = RwSignal::new(event.as_ref().is_some_and(|e| e.all_day));
    let title = text(|e| Some(e.title.clone()));
    let description = text(|e| e.description.clone());
    let event_type = RwSignal::new(event.as_ref().map(|e| e.event_type).unwrap_or_default().as_str().to_owned());
    let start = RwSignal::new(to_input(Some(start_at)));
    let end = RwSignal::new(to_input(Some(end_at)));
    let start_day = RwSignal::new(local_day(start_at).to_string());
    let end_day = RwSignal::new(
        if end_at > start_at { local_day(end_at - chrono::Duration::seconds(1)) } else { local_day(start_at) }
            .to_string(),
    );
    let location = text(|e| e.location.clone());
    let initial_emails = event
        .as_ref()
        .map(|e| e.attendees.iter().filter_map(|a| a.email.clone()).collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    let attendees = RwSignal::new(initial_emails.clone());
    let reminders = RwSignal::new(
        event.as_ref().map(|e| e.reminders.iter().map(|r| r.minutes_before).collect::<Vec<_>>()).unwrap_or_default(),
    );
    let recurrence = RecurrenceFields::new(
        event.as_ref().filter(|e| e.is_recurring).and_then(|e| e.recurrence_rule.as_deref()),
        event.as_ref().map(|e| e.recurrence_timezone.as_str()),
    );
    // Field errors show at their fields; only the others become notifications.
    let form = Form::notifying(|p| p.errors.is_empty());
    let deleting = Opener::<CalendarEvent>::new();

    // The span as the API wants it: all-day events run from local midnight to the
    // midnight after their last day.
    let span = move || -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if all_day.get() {
            let first = NaiveDate::parse_from_str(&start_day.get(), "%Y-%m-%d").ok()?;
            let last = NaiveDate::parse_from_str(&end_day.get(), "%Y-%m-%d").ok()?;
            Some((day_start(first), day_start(last + Days::new(1))))
        } else {
            Some((from_input(&start.get())?, from_input(&end.get())?))
        }
    };
    let preview_start = Signal::derive(move || span().map(|(s, _)| s));

    let stored = event.clone();
    let submit = move || {
        let (start, end) = untrack(span).ok_or_else(missing_span)?;
        let rule = recurrence.rule();
        let timezone = recurrence.timezone.get_untracked().trim().to_owned();
        let title = title.get_untracked().trim().to_owned();
        let description = non_empty(&description.get_untracked());
        let location = non_empty(&location.get_untracked());
        let event_type = EventType::parse(&event_type.get_untracked()).unwrap_or_default();
        let emails = attendees.get_untracked();
        let reminders: Vec<Reminder> = reminders
            .get_untracked()
            .into_iter()
            .map(|minutes_before| Reminder { minutes_before, method: ReminderMethod::Popup })
            .collect();
        let all_day = all_day.get_untracked();
        let people = |kept: Vec<Attendee>| {
            kept.into_iter()
                .chain(split_emails(&emails).into_iter().map(|email| Attendee {
                    user_id: None,
                    email: Some(email),
                    response_status: Default::default(),
                }))
                .collect::<Vec<_>>()
        };
        Ok(match &stored {
            None => Either::Left(api::work::calendar::create(&CreateCalendarEventRequest {
                title,
                description,
                start,
                end,
                all_day: Some(all_day),
                location,
                event_type: Some(event_type),
                attendees: Some(people(Vec::new())),
                reminders: Some(reminders),
                meet_link: None,
                is_recurring: Some(rule.is_some()),
                recurrence_timezone: rule.as_ref().map(|_| timezone),
                recurrence_rule: rule,
            })),
            Some(current) => {
                // Attendees known by user id are kept; the text field edits the addresses.
                let kept: Vec<Attendee> = current.attendees.iter().filter(|a| a.email.is_none()).cloned().collect();
                let old_rule = current.recurrence_rule.clone().filter(|_| current.is_recurring);
                let body = UpdateCalendarEventRequest {
                    title: differs(title, &current.title),
                    description: differs(description, &current.description),
                    start: differs(start, &current.start),
                    end: differs(end, &current.end),
                    all_day: differs(all_day, &current.all_day),
                    location: differs(location, &current.location),
                    event_type: differs(event_type, &current.event_type),
                    attendees: (emails != initial_emails).then(|| people(kept)),
                    reminders: differs(reminders, &current.reminders),
                    is_recurring: differs(rule.is_some(), &current.is_recurring),
                    recurrence_timezone: rule.as_ref().and_then(|_| differs(timezone, &current.recurrence_timezone)),
                    recurrence_rule: differs(rule, &old_rule),
                    ..Default::default()
                };
                Either::Right(api::work::calendar::update(current.id, &body))
            }
        })
    };

    // A recurring event goes with all its repetitions.
    let delete = Callback::new(move |event: CalendarEvent| {
        toasts.act(
            api::work::calendar::delete(event.id),
            |_| "The event has been deleted".into(),
            move |_| {
                on_close.try_run(Some(event));
            },
        )
    });
    let delete_button = event.clone().map(|event| {
        ViewFn::from(move || {
            let event = event.clone();
            view! {
                <button class="button button-danger dialog-delete" type="button" on:click=move |_| deleting.open(event.clone())>
                    "Delete"
                </button>
            }
        })
    });

    let heading = if editing { "Edit event" } else { "New event" };
    let problem: Signal<Option<Problem>> = form.problem.into();
    view! {
        <FormDialog
            title=heading
            testid="event-form"
            form
            submit
            name=|e: &CalendarEvent| e.title.clone()
            editing
            on_close
            actions=delete_button
        >
            <TextField label="Title" name="title" value=title problem required=true autocomplete="off" />
            <div class="form-grid">
                <SelectField
                    label="Type"
                    name="type"
                    value=event_type
                    problem
                    options=choices(&EventType::ALL, EventType::as_str, |t| type_label(t).to_owned())
                />
                <label class="inline-field check all-day">
                    <input type="checkbox" id="field-allDay" prop:checked=move || all_day.get() on:change=move |ev| all_day.set(event_target_checked(&ev)) />
                    <span>"All day"</span>
                </label>
                <Show
                    when=move || all_day.get()
                    fallback=move || {
                        view! {
                            <TextField label="Starts" name="start" value=start problem input_type="datetime-local" />
                            <TextField label="Ends" name="end" value=end problem input_type="datetime-local" />
                        }
                    }
                >
                    <TextField label="First day" name="start" value=start_day problem input_type="date" />
                    <TextField label="Last day" name="end" value=end_day problem input_type="date" />
                </Show>
                <TextField label="Location" name="location" value=location problem autocomplete="off" />
                <TextField
                    label="Attendees"
                    name="attendees"
                    value=attendees
                    problem
                    autocomplete="off"
                    hint="Email addresses, separated by commas."
                />
            </div>
            <TextField label="Description" name="description" value=description problem rows=2 />
            <fieldset class="recurrence">
                <legend>"Reminders"</legend>
                <ToggleChips choices=REMINDER_CHOICES.to_vec() chosen=reminders />
                <small class="field-error" role="alert">{move || field_error(&problem.get(), "reminders").unwrap_or_default()}</small>
            </fieldset>
            <RecurrenceEditor fields=recurrence problem=form.problem>
                <OccurrencePreview fields=recurrence start=preview_start />
            </RecurrenceEditor>
        </FormDialog>
        <ConfirmDialog
            target=deleting
            title="Delete event"
            message=|e| {
                if e.is_recurring {
                    "Delete this event and all its repetitions? This cannot be undone.".to_owned()
                } else {
                    "Delete this event? This cannot be undone.".to_owned()
                }
            }
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendees_are_split_on_commas_semicolons_and_spaces() {
        assert_eq!(
            split_emails("a@example.com, b@example.com;c@example.com"),
            vec!["a@example.com".to_owned(), "b@example.com".to_owned(), "c@example.com".to_owned()]
        );
    }
}
