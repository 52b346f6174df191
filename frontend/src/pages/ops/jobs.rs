//! The job queue (canManageSettings): counts by state, the jobs filtered by state and kind
//! (in the URL), retrying a dead job and cancelling a queued one.

use crate::api;
use crate::kit::format::{format_time, humanize};
use crate::kit::{
    choices, gated_page, use_list, use_toasts, Column, ConfirmDialog, Empty, FilterSelect, ListView, Opener, PageHeader,
};
use domain::ops::jobs::{Job, JobState};
use leptos::prelude::*;
use leptos::task::spawn_local;

const PAGE_SIZE: i64 = 25;

#[component]
pub fn JobsPage() -> impl IntoView {
    let refused = Empty {
        title: "You cannot see the job queue",
        message: "The job queue is for holders of the canManageSettings permission.",
    };
    gated_page("Background jobs", |u| u.permissions.can_manage_settings, refused, || view! { <JobsAdmin /> })
}

fn state_badge(state: JobState) -> impl IntoView {
    let class = match state {
        JobState::Succeeded => "status status-on",
        JobState::Dead => "status status-danger",
        JobState::Running => "status status-info",
        JobState::Queued | JobState::Cancelled => "status status-off",
    };
    view! { <span class=class>{humanize(state.as_str())}</span> }
}

const KINDS: [(&str, &str); 6] = [
    ("lead_import", "Lead import"),
    ("auth.signup", "Sign-up mail"),
    ("auth.reset_link", "Password-reset mail"),
    ("cleanup", "Cleanup"),
    ("email.send", "E-mail delivery"),
    ("webhooks.deliver", "Webhook delivery"),
];

#[component]
fn QueueFigures(reload: RwSignal<u32>) -> impl IntoView {
    let summary = RwSignal::new(None);
    Effect::new(move |_| {
        reload.track();
        spawn_local(async move {
            if let Ok(figures) = api::ops::jobs::summary().await {
                let _ = summary.try_set(Some(figures));
            }
        });
    });
    move || {
        summary.get().map(|s: domain::ops::jobs::QueueSummary| {
            let waited = if s.oldest_due_secs >= 1.0 {
                format!(" · the oldest due job has waited {:.0} s", s.oldest_due_secs)
            } else {
                String::new()
            };
            view! {
                <p class="muted" data-testid="queue-figures">
                    {format!("{} queued · {} running · {} dead{waited}", s.queued, s.running, s.dead)}
                </p>
            }
        })
    }
}

#[component]
fn JobsAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let list = use_list(PAGE_SIZE, api::ops::jobs::list);
    let url = list.url;
    let figures = RwSignal::new(0u32);
    let cancelling = Opener::<Job>::new();
    let refresh = move || {
        list.reload();
        figures.update(|n| *n += 1);
    };
    let retry = move |job: Job| {
        toasts.act(
            api::ops::jobs::retry(job.id),
            move |_| format!("Job #{} is queued again", job.id),
            move |_| refresh(),
        )
    };
    let cancel = Callback::new(move |job: Job| {
        toasts.act(
            api::ops::jobs::cancel(job.id),
            move |_| format!("Job #{} was cancelled", job.id),
            move |_| refresh(),
        )
    });
    let kinds = KINDS.iter().map(|(value, label)| ((*value).to_owned(), (*label).to_owned())).collect::<Vec<_>>();

    let row = move |job: Job| {
        let action = match job.state {
            JobState::Dead => {
                let target = job.clone();
                Some(
                    view! {
                        <button class="button button-small" on:click=move |_| retry(target.clone())>"Retry"</button>
                    }
                    .into_any(),
                )
            }
            JobState::Queued => {
                let target = job.clone();
                Some(view! {
                    <button class="button button-small button-danger" on:click=move |_| cancelling.open(target.clone())>
                        "Cancel"
                    </button>
                }
                .into_any())
            }
            _ => None,
        };
        let kind =
            KINDS.iter().find(|(value, _)| *value == job.kind).map_or(job.kind.clone(), |(_, l)| (*l).to_owned());
        view! {
            <tr data-testid="job-row">
                <td data-label="Job">{format!("#{}", job.id)}</td>
                <td data-label="Kind">{kind}</td>
                <td data-label="State">{state_badge(job.state)}</td>
                <td data-label="Attempts" class="numeric">{format!("{} of {}", job.attempts, job.max_attempts)}</td>
                <td data-label="Runs at">{format_time(Some(job.run_at))}</td>
                <td data-label="Finished">{format_time(job.finished_at)}</td>
                <td data-label="Last error" class="wrap">{job.last_error.clone().unwrap_or_default()}</td>
                <td class="row-actions">{action}</td>
            </tr>
        }
    };

    view! {
        <PageHeader title="Background jobs" note="Imports, mails, webhooks and periodic cleanup run on this queue.">
            <button class="button" on:click=move |_| refresh()>"Refresh"</button>
        </PageHeader>
        <QueueFigures reload=figures />
        <div class="toolbar">
            <FilterSelect
                label="State"
                id="job-state-filter"
                bind=url.field(|f| &mut f.state)
                options=choices(&JobState::ALL, JobState::as_str, |s| humanize(s.as_str()))
                any="Any state"
            />
            <FilterSelect label="Kind" id="job-kind-filter" bind=url.field(|f| &mut f.kind) options=kinds any="Any kind" />
        </div>
        <ListView
            list
            caption="Jobs"
            columns=vec![
                Column::Text("Job"),
                Column::Text("Kind"),
                Column::Text("State"),
                Column::Text("Attempts"),
                Column::Text("Runs at"),
                Column::Text("Finished"),
                Column::Text("Last error"),
                Column::Actions,
            ]
            row
            empty=Empty { title: "No jobs found", message: "Change the filters, or wait for work to be queued." }
            loading="Loading jobs…"
        />
        <ConfirmDialog
            target=cancelling
            title="Cancel job"
            message=|job: &Job| format!("Job #{} ({}) will not run.", job.id, job.kind)
            confirm_label="Cancel job"
            on_confirm=cancel
        />
    }
}
