//! One lead: its fields, the stage, the activity timeline (newest first, stage changes
//! recorded by the server) with a form to log calls, emails, meetings and notes, and the
//! conversion into a client.

use super::crm::{format_amount, format_day, humanize, non_empty, person_name, use_people, Gate};
use super::leads::{stage_class, stage_options, LeadDialog};
use crate::api;
use crate::components::{
    use_toasts, ConfirmDialog, EmptyState, ErrorState, Loading, SelectField, TextAreaField, TextField,
};
use domain::crm::leads::{
    CreateLeadActivityRequest, Lead, LeadActivity, LeadActivityType, LoggedActivityType, UpdateLeadRequest,
};
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

#[component]
pub fn LeadDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    view! {
        <Gate
            allowed=|p| p.can_manage_leads
            title="You cannot see leads"
            message="Leads are open to holders of the canManageLeads permission."
        >
            {move || match id() {
                Some(id) => view! { <LeadDetail id /> }.into_any(),
                None => view! { <EmptyState title="No such lead" message="The address does not name a lead." /> }.into_any(),
            }}
        </Gate>
    }
}

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

#[component]
fn LeadDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let people = use_people();
    let reload = RwSignal::new(0u32);
    let timeline_reload = RwSignal::new(0u32);
    let editing = RwSignal::new(false);
    let confirm_convert = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let converting = RwSignal::new(false);

    let lead = LocalResource::new(move || {
        reload.track();
        api::crm::leads::get(id)
    });
    let activities = LocalResource::new(move || {
        reload.track();
        timeline_reload.track();
        api::crm::leads::activities(id, api::page(100, 0))
    });
    let current = move || lead.get().and_then(Result::ok);
    Effect::new(move |_| {
        if let Some(lead) = current() {
            super::set_title(&lead.name);
        }
    });

    let change_stage = move |ev: leptos::ev::Event| {
        let Some(stage) = domain::crm::leads::LeadStage::parse(&event_target_value(&ev)) else { return };
        let request = api::crm::leads::update(id, &UpdateLeadRequest { stage: Some(stage), ..Default::default() });
        spawn_local(async move {
            match request.await {
                Ok(saved) => {
                    toasts.success(format!("{} moved to {}", saved.name, stage.label()));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => {
                    toasts.problem(&problem);
                    reload.update(|n| *n += 1);
                }
            }
        });
    };
    let convert = Callback::new(move |_| {
        converting.set(true);
        spawn_local(async move {
            let result = api::crm::leads::convert(id).await;
            converting.set(false);
            match result {
                Ok(client) => {
                    toasts.success(format!("Converted: {} is now a client", client.name));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });
    let remove = Callback::new(move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::crm::leads::delete(id).await {
                Ok(()) => {
                    toasts.success("The lead has been deleted");
                    navigate("/leads", Default::default());
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });

    let details = move || {
        lead.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(lead) => {
                let people = people.get().unwrap_or_default();
                let field = |label: &'static str, value: String| {
                    view! {
                        <div>
                            <dt>{label}</dt>
                            <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
                        </div>
                    }
                };
                let converted = lead.converted_client_id;
                view! {
                    <header class="page-header">
                        <div>
                            <p class="breadcrumb">
                                <A href="/leads">"Leads"</A>
                            </p>
                            <h1>{lead.name.clone()}</h1>
                            <p class="muted">
                                <span class=stage_class(lead.stage) data-testid="lead-stage">
                                    {lead.stage.label()}
                                </span>
                                " "
                                {lead.company.clone().unwrap_or_default()}
                            </p>
                        </div>
                        <div class="header-actions">
                            <button class="button" on:click=move |_| editing.set(true)>
                                "Edit"
                            </button>
                            {match converted {
                                Some(client) => view! {
                                    <A href=format!("/clients/{client}") attr:class="button" attr:data-testid="converted-client">
                                        "Open client"
                                    </A>
                                }
                                .into_any(),
                                None => view! {
                                    <button
                                        class="button button-primary"
                                        data-testid="convert-lead"
                                        disabled=move || converting.get()
                                        on:click=move |_| confirm_convert.set(true)
                                    >
                                        {move || if converting.get() { "Converting…" } else { "Convert to client" }}
                                    </button>
                                }
                                .into_any(),
                            }}
                            <button class="button button-danger" on:click=move |_| confirm_delete.set(true)>
                                "Delete"
                            </button>
                        </div>
                    </header>
                    {converted
                        .map(|client| {
                            view! {
                                <div class="alert alert-success" data-testid="converted-note">
                                    <p>
                                        {format!("Converted to a client on {}. ", format_day(lead.converted_at))}
                                        <A href=format!("/clients/{client}")>"Open the client"</A>
                                    </p>
                                </div>
                            }
                        })}
                    <div class="detail-grid">
                        <section class="panel">
                            <h2>"Details"</h2>
                            <label class="field">
                                <span>"Stage"</span>
                                <select id="lead-stage" on:change=change_stage prop:value=lead.stage.as_str()>
                                    {stage_options()
                                        .into_iter()
                                        .map(|(v, l)| {
                                            let selected = v == lead.stage.as_str();
                                            view! { <option value=v selected=selected>{l}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <dl class="facts">
                                {field("Email", lead.email.clone().unwrap_or_default())}
                                {field("Phone", lead.phone.clone().unwrap_or_default())}
                                {field("Job title", lead.job_title.clone().unwrap_or_default())}
                                {field("Website", lead.website.clone().unwrap_or_default())}
                                {field("Score", humanize(lead.score.as_str()))}
                                {field("Status", lead.status.clone())}
                                {field("Source", humanize(lead.source.as_str()))}
                                {field("Value", lead.value.map(|v| format_amount(Some(v))).unwrap_or_default())}
                                {field("Owner", person_name(&people, lead.assigned_to_id))}
                                {field("Next follow-up", lead.next_follow_up_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                                {field("Created", format_day(Some(lead.created_at)))}
                            </dl>
                            {lead.notes.clone().map(|notes| view! { <h3>"Notes"</h3> <p class="notes">{notes}</p> })}
                        </section>
                        <section class="panel">
                            <h2>"Activity"</h2>
                            <LogActivity lead=id on_logged=Callback::new(move |_| timeline_reload.update(|n| *n += 1)) />
                            <Timeline activities />
                        </section>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        {move || details().unwrap_or_else(|| view! { <Loading label="Loading the lead…" /> }.into_any())}
        {move || {
            editing
                .get()
                .then(current)
                .flatten()
                .map(|lead| {
                    view! {
                        <LeadDialog
                            lead=Some(lead)
                            people=Signal::derive(move || people.get().unwrap_or_default())
                            on_close=Callback::new(move |saved: Option<Lead>| {
                                editing.set(false);
                                if saved.is_some() {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
        <ConfirmDialog
            open=confirm_convert
            title="Convert to client"
            message=Signal::derive(move || {
                current()
                    .map(|l| {
                        format!(
                            "A client will be created from {}’s contact details and the lead will move to Closed won.",
                            l.name,
                        )
                    })
                    .unwrap_or_default()
            })
            confirm_label="Convert"
            on_confirm=convert
        />
        <ConfirmDialog
            open=confirm_delete
            title="Delete lead"
            message=Signal::derive(move || {
                current().map(|l| format!("{} and its activity timeline will be deleted for good.", l.name)).unwrap_or_default()
            })
            confirm_label="Delete"
            on_confirm=remove
        />
    }
}

#[component]
fn Timeline(activities: LocalResource<Result<api::Paged<LeadActivity>, Problem>>) -> impl IntoView {
    move || {
        activities.get().map(|result| match result {
            Err(problem) => view! { <ErrorState problem /> }.into_any(),
            Ok(page) if page.items.is_empty() => {
                view! { <EmptyState title="No activity yet" message="Log the first call, email, meeting or note." /> }
                    .into_any()
            }
            Ok(page) => view! {
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
                                        <small class="muted">{super::format_time(Some(activity.created_at))}</small>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
            .into_any(),
        })
    }
}

fn logged_options() -> Vec<(String, String)> {
    [
        LoggedActivityType::Call,
        LoggedActivityType::Email,
        LoggedActivityType::Sms,
        LoggedActivityType::Meeting,
        LoggedActivityType::Note,
    ]
    .into_iter()
    .map(|kind| {
        let name = LeadActivityType::from(kind).as_str();
        (name.to_owned(), humanize(name))
    })
    .collect()
}

#[component]
fn LogActivity(lead: Uuid, on_logged: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let kind = RwSignal::new("call".to_owned());
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let activity_type = match kind.get_untracked().as_str() {
            "email" => LoggedActivityType::Email,
            "sms" => LoggedActivityType::Sms,
            "meeting" => LoggedActivityType::Meeting,
            "note" => LoggedActivityType::Note,
            _ => LoggedActivityType::Call,
        };
        let body = CreateLeadActivityRequest {
            activity_type,
            subject: non_empty(&subject.get_untracked()),
            description: non_empty(&description.get_untracked()),
        };
        busy.set(true);
        problem.set(None);
        let request = api::crm::leads::log_activity(lead, &body);
        spawn_local(async move {
            let result = request.await;
            busy.set(false);
            match result {
                Ok(_) => {
                    subject.set(String::new());
                    description.set(String::new());
                    toasts.success("Activity logged");
                    on_logged.run(());
                }
                Err(p) => {
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
        });
    };

    view! {
        <form class="form log-activity" on:submit=submit novalidate data-testid="log-activity">
            <div class="form-grid">
                <SelectField label="Type" name="type" value=kind problem options=logged_options() />
                <TextField label="Subject" name="subject" value=subject problem autocomplete="off" />
                <TextAreaField label="What happened" name="description" value=description problem rows=2 />
            </div>
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Logging…" } else { "Log activity" }}
                </button>
            </div>
        </form>
    }
}
