//! The calendar (`/calendar`): month and week views of the caller's events (recurring
//! ones expanded by the API for the visible window) and of the tasks due in it; a day's `+`
//! or an event's chip opens the event dialog.

use super::days::{covers, day_start, local_day, step, visible_days, Mode};
use super::dialog::EventLoader;
use crate::api;
use crate::kit::{gated_page, loaded, resource_on, Empty, Opener, Reload};
use crate::pages::work::access::staff;
use chrono::{Datelike, Days, Local, NaiveDate};
use domain::work::calendar::{CalendarEvent, CalendarWindow, EventOccurrence};
use domain::work::tasks::Task;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

#[component]
pub fn CalendarPage() -> impl IntoView {
    let refused = Empty { title: "The calendar is for staff", message: "Client accounts do not use it." };
    gated_page("Calendar", staff, refused, || view! { <Calendar /> })
}

#[component]
fn Calendar() -> impl IntoView {
    let today = Local::now().date_naive();
    let mode = RwSignal::new(Mode::Month);
    let anchor = RwSignal::new(today);
    let reload = Reload::new();
    // `Err(day)`: a new event on that day; `Ok(id)`: editing that event.
    let editing = Opener::<Result<Uuid, NaiveDate>>::new();
    let window = Memo::new(move |_| visible_days(mode.get(), anchor.get()));
    let range = |(first, last): (NaiveDate, NaiveDate)| CalendarWindow {
        from: day_start(first),
        to: day_start(last + Days::new(1)),
    };
    let events = resource_on(reload, move || window.get(), move |days| api::work::calendar::events(&range(days)));
    let tasks = resource_on(
        reload,
        move || window.get(),
        move |days| {
            let request = api::work::calendar::tasks(&range(days), api::page(200, 0));
            async move { request.await.map(|p| p.items).unwrap_or_default() }
        },
    );

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

    let grid = move |occurrences: Vec<EventOccurrence>| {
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
                                        on:click=move |_| editing.open(Err(day))
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
                                                        on:click=move |_| editing.open(Ok(id))
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
                <button class="button button-primary" data-testid="new-event" on:click=move |_| editing.open(Err(anchor.get_untracked()))>
                    "New event"
                </button>
            </div>
        </header>
        <section class="panel calendar" aria-busy=move || events.get().is_none().to_string()>
            {loaded(events, "Loading the calendar…", Some(reload), grid)}
        </section>
        {editing.view(move |_: CalendarEvent| reload.bump(), |target, on_close| view! { <EventLoader target on_close /> })}
    }
}
