//! A lead's activity timeline (newest first; the server records the stage changes) and
//! the form that logs a call, email, SMS, meeting or note.

use crate::api::{self, ApiResult, Paged};
use crate::kit::format::{format_time, humanize, non_empty};
use crate::kit::{loaded, use_toasts, EmptyState, Form, SelectField, TextField};
use domain::crm::leads::{CreateLeadActivityRequest, LeadActivity, LeadActivityType, LoggedActivityType};
use leptos::prelude::*;
use uuid::Uuid;

const LOGGED: [LoggedActivityType; 5] = [
    LoggedActivityType::Call,
    LoggedActivityType::Email,
    LoggedActivityType::Sms,
    LoggedActivityType::Meeting,
    LoggedActivityType::Note,
];

fn activity_icon(kind: LeadActivityType) -> &'static str {
    match kind {
        LeadActivityType::Call => "☎",
        LeadActivityType::Email => "✉",
        LeadActivityType::Sms => "✆",
        LeadActivityType::Meeting => "◷",
        LeadActivityType::Note => "✎",
        LeadActivityType::StageChange => "➜",
    }
}

fn logged_options() -> Vec<(String, String)> {
    LOGGED
        .into_iter()
        .map(|kind| {
            let name = LeadActivityType::from(kind).as_str();
            (name.to_owned(), humanize(name))
        })
        .collect()
}

#[component]
pub fn Timeline(activities: LocalResource<ApiResult<Paged<LeadActivity>>>) -> impl IntoView {
    loaded(activities, "Loading the activity…", None, |page: Paged<LeadActivity>| {
        if page.items.is_empty() {
            return view! { <EmptyState title="No activity yet" message="Log the first call, email, meeting or note." /> }
                .into_any();
        }
        view! {
            <ol class="timeline" data-testid="timeline">
                {page
                    .items
                    .into_iter()
                    .map(|activity| {
                        let kind = activity.activity_type;
                        view! {
                            <li class=format!("timeline-item timeline-{}", kind.as_str()) data-testid="activity">
                                <span class="timeline-icon" aria-hidden="true">
                                    {activity_icon(kind)}
                                </span>
                                <div>
                                    <p class="timeline-title">
                                        <strong>{humanize(kind.as_str())}</strong>
                                        {activity.subject.clone().map(|s| format!(" · {s}"))}
                                    </p>
                                    {activity.description.clone().map(|d| view! { <p class="notes">{d}</p> })}
                                    <small class="muted">{format_time(Some(activity.created_at))}</small>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    })
}

#[component]
pub fn LogActivity(lead: Uuid, on_logged: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let kind = RwSignal::new("call".to_owned());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let form = Form::new();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = kind.get_untracked();
        let activity_type = LOGGED
            .into_iter()
            .find(|k| LeadActivityType::from(*k).as_str() == chosen)
            .unwrap_or(LoggedActivityType::Call);
        let body = CreateLeadActivityRequest {
            activity_type,
            subject: non_empty(&subject.get_untracked()),
            description: non_empty(&description.get_untracked()),
        };
        form.send(api::crm::leads::log_activity(lead, &body), move |_| {
            subject.set(String::new());
            description.set(String::new());
            toasts.success("Activity logged");
            on_logged.run(());
        });
    };

    view! {
        <form class="form log-activity" on:submit=submit novalidate data-testid="log-activity">
            <div class="form-grid">
                <SelectField label="Type" name="type" value=kind problem=form.problem options=logged_options() />
                <TextField label="Subject" name="subject" value=subject problem=form.problem autocomplete="off" />
                <TextField label="What happened" name="description" value=description problem=form.problem rows=2 />
            </div>
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Logging…" } else { "Log activity" }}
                </button>
            </div>
        </form>
    }
}
