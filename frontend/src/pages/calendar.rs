//! The calendar (`/calendar`): month and week views of the caller's events (recurring
//! ones expanded by the API for the visible window) and of the tasks due in it, with a
//! dialog to create, edit and delete events.

use crate::api;
use crate::components::recurrence::{OccurrencePreview, RecurrenceEditor, RecurrenceFields};
use crate::components::{use_toasts, ConfirmDialog, EmptyState, ErrorState, Loading, SelectField, TextField};
use crate::session::use_session;
use chrono::{DateTime, Datelike, Days, Local, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use domain::work::calendar::{
    Attendee, CalendarEvent, CalendarWindow, CreateCalendarEventRequest, EventOccurrence, EventType, Reminder,
    ReminderMethod, UpdateCalendarEventRequest,
};
use domain::work::tasks::Task;
use domain::{ErrorCode, FieldError, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Month,
    Week,
}

/// The first and last (inclusive) day the view shows: whole weeks from Monday, six of
/// them for a month so every month fits.
pub fn visible_days(mode: Mode, anchor: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    match mode {
        Mode::Month => {
            let first = monday(anchor.with_day(1).unwrap_or(anchor));
            (first, first + Days::new(41))
        }
        Mode::Week => {
            let first = monday(anchor);
            (first, first + Days::new(6))
        }
    }
}

/// One step back or forward.
pub fn step(mode: Mode, anchor: NaiveDate, forward: bool) -> NaiveDate {
    match (mode, forward) {
        (Mode::Month, true) => anchor.with_day(1).unwrap_or(anchor) + Months::new(1),
        (Mode::Month, false) => anchor.with_day(1).unwrap_or(anchor) - Months::new(1),
        (Mode::Week, true) => anchor + Days::new(7),
        (Mode::Week, false) => anchor - Days::new(7),
    }
}

/// Local midnight at the start of `day`, in UTC.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    Local
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| day.and_time(NaiveTime::MIN).and_utc())
}

fn local_day(time: DateTime<Utc>) -> NaiveDate {
    time.with_timezone(&Local).date_naive()
}

/// The local days an occurrence covers; an end at midnight does not cover that day.
pub fn covers(start: DateTime<Utc>, end: DateTime<Utc>, day: NaiveDate) -> bool {
    let first = local_day(start);
    let last = if end > start { local_day(end - chrono::Duration::seconds(1)) } else { first };
    first <= day && day <= last
}

fn type_label(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Event => "Event",
        EventType::Meeting => "Meeting",
        EventType::Call => "Call",
        EventType::Deadline => "Deadline",
        EventType::Reminder => "Reminder",
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    super::set_title("Calendar");
    let session = use_session();
    let allowed = move || session.user.with(|u| u.as_ref().is_some_and(|u| !u.user.role.is_client_portal()));
    view! {
        <Show
            when=allowed
            fallback=|| view! { <EmptyState title="The calendar is for staff" message="Client accounts do not use it." /> }
        >
            <Calendar />
        </Show>
    }
}

#[component]
fn Calendar() -> impl IntoView {
    let today = Local::now().date_naive();
    let mode = RwSignal::new(Mode::Month);
    let anchor = RwSignal::new(today);
    let reload = RwSignal::new(0u32);
    // `None` = closed; `Some(Err(day))` = a new event on that day; `Some(Ok(id))` = editing.
    let editing = RwSignal::new(None::<Result<Uuid, NaiveDate>>);
    let window = Memo::new(move |_| visible_days(mode.get(), anchor.get()));
    let range = move || {
        let (first, last) = window.get();
        CalendarWindow { from: day_start(first), to: day_start(last + Days::new(1)) }
    };
    let events = LocalResource::new(move || {
        reload.track();
        api::work::calendar::events(&range())
    });
    let tasks = LocalResource::new(move || {
        reload.track();
        let request = api::work::calendar::tasks(&range(), api::page(200, 0));
        async move { request.await.map(|p| p.items).unwrap_or_default() }
    });

    let title = move || {
        let (first, last) = window.get();
        match mode.get() {
            Mode::Month => anchor.get().format("%B %Y").to_string(),
            Mode::Week if first.month() == last.month() => {
                format!("{} – {}", first.format("%b %-d"), last.format("%-d, %Y"))
            }
            Mode::Week => format!("{} – {}", first.format("%b %-d"), last.format("%b %-d, %Y")),
        }
    };

    let grid = move || {
        events.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(occurrences) => {
                let due = tasks.get().unwrap_or_default();
                let (first, last) = window.get();
                let month = anchor.get().month();
                let week = mode.get() == Mode::Week;
                let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
                view! {
                    <div class="calendar-grid" class:calendar-week=week data-testid="calendar-grid">
                        {["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
                            .into_iter()
                            .map(|d| view! { <div class="calendar-weekday" aria-hidden="true">{d}</div> })
                            .collect_view()}
                        {days
                            .into_iter()
                            .map(|day| {
                                let mut todays: Vec<&EventOccurrence> =
                                    occurrences.iter().filter(|o| covers(o.start, o.end, day)).collect();
                                todays.sort_by_key(|o| (!o.all_day, o.start));
                                let due_today: Vec<&Task> =
                                    due.iter().filter(|t| t.due_date.is_some_and(|d| local_day(d) == day)).collect();
                                let label = day.format("%A, %B %-d").to_string();
                                view! {
                                    <section
                                        class="calendar-day"
                                        class:calendar-other=!week && day.month() != month
                                        class:calendar-today=day == today
                                        aria-label=label.clone()
                                        data-date=day.to_string()
                                    >
                                        <header class="calendar-day-head">
                                            <span class="calendar-date">
                                                {if week { day.format("%a %-d").to_string() } else { day.day().to_string() }}
                                            </span>
                                            <button
                                                class="tree-action calendar-add"
                                                aria-label=format!("New event on {label}")
                                                on:click=move |_| editing.set(Some(Err(day)))
                                            >
                                                "+"
                                            </button>
                                        </header>
                                        <ul class="calendar-items">
                                            {todays
                                                .into_iter()
                                                .map(|o| {
                                                    let id = o.event_id;
                                                    let time = if o.all_day {
                                                        "All day".to_owned()
                                                    } else {
                                                        o.start.with_timezone(&Local).format("%H:%M").to_string()
                                                    };
                                                    view! {
                                                        <li>
                                                            <button
                                                                class=format!("event-chip event-{}", o.event_type.as_str())
                                                                data-testid="event-chip"
                                                                title=o.location.clone().unwrap_or_default()
                                                                on:click=move |_| editing.set(Some(Ok(id)))
                                                            >
                                                                <span class="event-time">{time}</span>
                                                                " "
                                                                {o.title.clone()}
                                                                {o.is_recurring.then_some(" ↻")}
                                                            </button>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                            {due_today
                                                .into_iter()
                                                .map(|t| {
                                                    view! {
                                                        <li>
                                                            <A href=format!("/tasks?task={}", t.id) attr:class="task-chip">
                                                                {format!("☐ {}", t.title)}
                                                            </A>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
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
        <header class="page-header">
            <div>
                <h1>"Calendar"</h1>
                <p class="muted" data-testid="calendar-title" aria-live="polite">{title}</p>
            </div>
            <div class="header-actions">
                <div class="segmented" role="group" aria-label="Move">
                    <button class="button" aria-label="Previous" on:click=move |_| anchor.update(|a| *a = step(mode.get_untracked(), *a, false))>
                        "‹"
                    </button>
                    <button class="button" on:click=move |_| anchor.set(today)>"Today"</button>
                    <button class="button" aria-label="Next" on:click=move |_| anchor.update(|a| *a = step(mode.get_untracked(), *a, true))>
                        "›"
                    </button>
                </div>
                <div class="segmented" role="group" aria-label="View">
                    <button class="button" aria-pressed=move || (mode.get() == Mode::Month).to_string() on:click=move |_| mode.set(Mode::Month)>
                        "Month"
                    </button>
                    <button class="button" aria-pressed=move || (mode.get() == Mode::Week).to_string() on:click=move |_| mode.set(Mode::Week)>
                        "Week"
                    </button>
                </div>
                <button class="button button-primary" data-testid="new-event" on:click=move |_| editing.set(Some(Err(anchor.get_untracked())))>
                    "New event"
                </button>
            </div>
        </header>
        <section class="panel calendar" aria-busy=move || events.get().is_none().to_string()>
            {move || grid().unwrap_or_else(|| view! { <Loading label="Loading the calendar…" /> }.into_any())}
        </section>
        {move || {
            editing
                .get()
                .map(|target| {
                    view! {
                        <EventLoader
                            target
                            on_close=Callback::new(move |saved: bool| {
                                editing.set(None);
                                if saved {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
    }
}

/// Loads the event to edit (occurrences carry only what the grid shows), then the dialog.
#[component]
fn EventLoader(target: Result<Uuid, NaiveDate>, on_close: Callback<bool>) -> impl IntoView {
    match target {
        Err(day) => view! { <EventDialog event=None day on_close /> }.into_any(),
        Ok(id) => {
            let event = LocalResource::new(move || api::work::calendar::get(id));
            view! {
                {move || match event.get() {
                    None => view! { <div class="overlay"><div class="dialog dialog-small"><Loading label="Loading the event…" /></div></div> }.into_any(),
                    Some(Err(problem)) => view! {
                        <div class="overlay">
                            <div class="dialog dialog-small" role="alertdialog" aria-label="The event could not be opened">
                                <ErrorState problem />
                                <div class="dialog-actions">
                                    <button class="button" on:click=move |_| on_close.run(false)>"Close"</button>
                                </div>
                            </div>
                        </div>
                    }
                    .into_any(),
                    Some(Ok(event)) => {
                        let day = local_day(event.start);
                        view! { <EventDialog event=Some(event) day on_close /> }.into_any()
                    }
                }}
            }
            .into_any()
        }
    }
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

#[component]
fn EventDialog(event: Option<CalendarEvent>, day: NaiveDate, on_close: Callback<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let existing = event.clone();
    let editing = event.is_some();
    let default_start = day_start(day) + chrono::Duration::hours(9);
    let start_at = event.as_ref().map(|e| e.start).unwrap_or(default_start);
    let end_at = event.as_ref().map(|e| e.end).unwrap_or(default_start + chrono::Duration::hours(1));
    let all_day = RwSignal::new(event.as_ref().is_some_and(|e| e.all_day));
    let title = RwSignal::new(event.as_ref().map(|e| e.title.clone()).unwrap_or_default());
    let description = RwSignal::new(event.as_ref().and_then(|e| e.description.clone()).unwrap_or_default());
    let event_type = RwSignal::new(event.as_ref().map(|e| e.event_type).unwrap_or_default().as_str().to_owned());
    let start = RwSignal::new(super::tasks::to_input(Some(start_at)));
    let end = RwSignal::new(super::tasks::to_input(Some(end_at)));
    let start_day = RwSignal::new(local_day(start_at).to_string());
    let end_day = RwSignal::new(
        if end_at > start_at { local_day(end_at - chrono::Duration::seconds(1)) } else { local_day(start_at) }
            .to_string(),
    );
    let location = RwSignal::new(event.as_ref().and_then(|e| e.location.clone()).unwrap_or_default());
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
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let confirm_open = RwSignal::new(false);

    // The span as the API wants it: all-day events run from local midnight to the
    // midnight after their last day.
    let span = move || -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if all_day.get() {
            let first = NaiveDate::parse_from_str(&start_day.get(), "%Y-%m-%d").ok()?;
            let last = NaiveDate::parse_from_str(&end_day.get(), "%Y-%m-%d").ok()?;
            Some((day_start(first), day_start(last + Days::new(1))))
        } else {
            Some((super::tasks::from_input(&start.get())?, super::tasks::from_input(&end.get())?))
        }
    };
    let preview_start = Signal::derive(move || span().map(|(s, _)| s));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((start_value, end_value)) = span() else {
            problem.set(Some(Problem::new(ErrorCode::ValidationError, "Enter the start and the end").with_errors(
                vec![FieldError {
                    field: "start".into(),
                    code: "required".into(),
                    message: "enter a start and an end".into(),
                }],
            )));
            return;
        };
        busy.set(true);
        problem.set(None);
        let rule = recurrence.rule();
        let timezone = recurrence.timezone.get_untracked().trim().to_owned();
        let title_value = title.get_untracked().trim().to_owned();
        let description_value = Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let location_value = Some(location.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        let type_value = EventType::parse(&event_type.get_untracked()).unwrap_or_default();
        let emails = attendees.get_untracked();
        let reminder_list: Vec<Reminder> = reminders
            .get_untracked()
            .into_iter()
            .map(|minutes_before| Reminder { minutes_before, method: ReminderMethod::Popup })
            .collect();
        let all_day_value = all_day.get_untracked();
        let existing = existing.clone();
        let initial_emails = initial_emails.clone();
        spawn_local(async move {
            let people = |kept: Vec<Attendee>| {
                kept.into_iter()
                    .chain(split_emails(&emails).into_iter().map(|email| Attendee {
                        user_id: None,
                        email: Some(email),
                        response_status: Default::default(),
                    }))
                    .collect::<Vec<_>>()
            };
            let result = match &existing {
                None => {
                    let body = CreateCalendarEventRequest {
                        title: title_value,
                        description: description_value,
                        start: start_value,
                        end: end_value,
                        all_day: Some(all_day_value),
                        location: location_value,
                        event_type: Some(type_value),
                        attendees: Some(people(Vec::new())),
                        reminders: Some(reminder_list),
                        meet_link: None,
                        is_recurring: Some(rule.is_some()),
                        recurrence_timezone: rule.as_ref().map(|_| timezone),
                        recurrence_rule: rule,
                    };
                    api::work::calendar::create(&body).await
                }
                Some(current) => {
                    // Attendees known by user id are kept; the text field edits the addresses.
                    let kept: Vec<Attendee> = current.attendees.iter().filter(|a| a.email.is_none()).cloned().collect();
                    let old_rule = current.recurrence_rule.clone().filter(|_| current.is_recurring);
                    let body = UpdateCalendarEventRequest {
                        title: (title_value != current.title).then_some(title_value),
                        description: (description_value != current.description).then_some(description_value),
                        start: (start_value != current.start).then_some(start_value),
                        end: (end_value != current.end).then_some(end_value),
                        all_day: (all_day_value != current.all_day).then_some(all_day_value),
                        location: (location_value != current.location).then_some(location_value),
                        event_type: (type_value != current.event_type).then_some(type_value),
                        attendees: (emails != initial_emails).then(|| people(kept)),
                        reminders: (reminder_list != current.reminders).then_some(reminder_list),
                        is_recurring: (rule.is_some() != current.is_recurring).then_some(rule.is_some()),
                        recurrence_timezone: rule
                            .as_ref()
                            .filter(|_| timezone != current.recurrence_timezone)
                            .map(|_| timezone),
                        recurrence_rule: (rule != old_rule).then_some(rule),
                        ..Default::default()
                    };
                    api::work::calendar::update(current.id, &body).await
                }
            };
            busy.set(false);
            match result {
                Ok(saved) => {
                    toasts.success(if editing {
                        format!("{} has been updated", saved.title)
                    } else {
                        format!("{} has been created", saved.title)
                    });
                    on_close.run(true);
                }
                Err(p) => {
                    if p.errors.is_empty() {
                        toasts.problem(&p);
                    }
                    problem.set(Some(p));
                }
            }
        });
    };

    let delete_id = event.as_ref().map(|e| e.id);
    let delete_message = if event.as_ref().is_some_and(|e| e.is_recurring) {
        "Delete this event and all its repetitions? This cannot be undone."
    } else {
        "Delete this event? This cannot be undone."
    };
    let delete = Callback::new(move |_| {
        let Some(id) = delete_id else { return };
        spawn_local(async move {
            match api::work::calendar::delete(id).await {
                Ok(()) => {
                    toasts.success("The event has been deleted");
                    on_close.run(true);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });

    let heading = if editing { "Edit event" } else { "New event" };
    let error_of = move |field: &'static str| move || crate::components::form::field_error(&problem.get(), field);
    view! {
        <div class="overlay" on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(false) }>
            <div class="dialog" role="dialog" aria-modal="true" aria-label=heading>
                <form class="form" on:submit=submit novalidate data-testid="event-form">
                    <h2>{heading}</h2>
                    <TextField label="Title" name="title" value=title problem required=true autocomplete="off" />
                    <div class="form-grid">
                        <SelectField
                            label="Type"
                            name="type"
                            value=event_type
                            problem
                            options=EventType::ALL.iter().map(|t| (t.as_str().to_owned(), type_label(*t).to_owned())).collect()
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
                    <div class="field" class:field-invalid=move || error_of("description")().is_some()>
                        <label for="field-description">"Description"</label>
                        <textarea id="field-description" rows="2" bind:value=description></textarea>
                        <small class="field-error" role="alert">{move || error_of("description")().unwrap_or_default()}</small>
                    </div>
                    <fieldset class="recurrence">
                        <legend>"Reminders"</legend>
                        <div class="weekdays">
                            {REMINDER_CHOICES
                                .into_iter()
                                .map(|(minutes, label)| {
                                    let on = move || reminders.with(|r| r.contains(&minutes));
                                    view! {
                                        <button
                                            type="button"
                                            class="chip"
                                            aria-pressed=move || on().to_string()
                                            on:click=move |_| {
                                                reminders.update(|r| {
                                                    if let Some(i) = r.iter().position(|m| *m == minutes) {
                                                        r.remove(i);
                                                    } else {
                                                        r.push(minutes);
                                                    }
                                                })
                                            }
                                        >
                                            {label}
                                        </button>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <small class="field-error" role="alert">{move || error_of("reminders")().unwrap_or_default()}</small>
                    </fieldset>
                    <RecurrenceEditor fields=recurrence problem>
                        <OccurrencePreview fields=recurrence start=preview_start />
                    </RecurrenceEditor>
                    <div class="dialog-actions">
                        {editing
                            .then(|| {
                                view! {
                                    <button class="button button-danger dialog-delete" type="button" on:click=move |_| confirm_open.set(true)>
                                        "Delete"
                                    </button>
                                }
                            })}
                        <button class="button" type="button" on:click=move |_| on_close.run(false)>
                            "Cancel"
                        </button>
                        <button class="button button-primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save" }}
                        </button>
                    </div>
                </form>
            </div>
        </div>
        <ConfirmDialog
            open=confirm_open
            title="Delete event"
            message=Signal::derive(move || delete_message.to_owned())
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn views_cover_whole_weeks() {
        // November 2026 starts on a Sunday: the grid starts on Monday, October 26.
        assert_eq!(visible_days(Mode::Month, date("2026-11-25")), (date("2026-10-26"), date("2026-12-06")));
        assert_eq!(visible_days(Mode::Week, date("2026-11-25")), (date("2026-11-23"), date("2026-11-29")));
        assert_eq!(step(Mode::Month, date("2026-01-31"), true), date("2026-02-01"));
        assert_eq!(step(Mode::Month, date("2026-01-31"), false), date("2025-12-01"));
        assert_eq!(step(Mode::Week, date("2026-11-25"), true), date("2026-12-02"));
    }

    #[test]
    fn occurrences_cover_their_days() {
        let start = day_start(date("2026-11-25"));
        let end = day_start(date("2026-11-27"));
        assert!(covers(start, end, date("2026-11-25")));
        assert!(covers(start, end, date("2026-11-26")));
        // Ending at midnight does not spill into the next day.
        assert!(!covers(start, end, date("2026-11-27")));
        assert!(covers(start, start, date("2026-11-25")));
        assert_eq!(
            split_emails("a@example.com, b@example.com;c@example.com"),
            vec!["a@example.com".to_owned(), "b@example.com".to_owned(), "c@example.com".to_owned()]
        );
    }
}
