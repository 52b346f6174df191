//! One lead: its fields, the stage, the activity timeline with a form to log calls,
//! emails, meetings and notes, deletion, and the conversion into a client.

use super::dialog::LeadDialog;
use super::timeline::{LogActivity, Timeline};
use crate::api;
use crate::kit::format::{format_amount, format_day, humanize};
use crate::kit::{fact, loaded, use_record, use_toasts, ConfirmDialog, Form, Opener, RecordHeader, Reload};
use crate::pages::crm::shared::{crm_record, stage_class, stage_options, Part};
use crate::pages::identity::people::{person_name, use_people};
use domain::crm::leads::{Lead, LeadStage, UpdateLeadRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

#[component]
pub fn LeadDetailPage() -> impl IntoView {
    crm_record(Part::Leads, "lead", |id| view! { <LeadDetail id /> })
}

#[component]
fn LeadDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let people = use_people();
    let (lead, reload) = use_record(move || api::crm::leads::get(id), |l: &Lead| l.name.clone());
    let timeline_reload = Reload::new();
    crate::kit::live::refresh_on(&["lead"], move || reload.bump());
    let editor = Opener::<Lead>::new();
    let converting = Opener::<Lead>::new();
    let deleting = Opener::<Lead>::new();
    let convert_form = Form::new();

    let activities = LocalResource::new(move || {
        reload.track();
        timeline_reload.track();
        api::crm::leads::activities(id, api::page(100, 0))
    });

    // The select shows the choice at once; the lead is fetched again either way, so a
    // refused move shows the stored stage.
    let change_stage = move |ev: leptos::ev::Event| {
        let Some(stage) = LeadStage::parse(&event_target_value(&ev)) else { return };
        let request = api::crm::leads::update(id, &UpdateLeadRequest { stage: Some(stage), ..Default::default() });
        spawn_local(async move {
            match request.await {
                Ok(saved) => toasts.success(format!("{} moved to {}", saved.name, stage.label())),
                Err(problem) => toasts.problem(&problem),
            }
            reload.bump();
        });
    };
    let convert = Callback::new(move |_: Lead| {
        convert_form.send(api::crm::leads::convert(id), move |client| {
            toasts.success(format!("Converted: {} is now a client", client.name));
            reload.bump();
        })
    });
    let remove = Callback::new(move |_: Lead| {
        let navigate = navigate.clone();
        toasts.act(
            api::crm::leads::delete(id),
            |_| "The lead has been deleted".into(),
            move |_| navigate("/leads", Default::default()),
        )
    });

    let details = move |lead: Lead| {
        let people = people.get().unwrap_or_default();
        let converted = lead.converted_client_id;
        let for_edit = lead.clone();
        let for_actions = lead.clone();
        view! {
            <RecordHeader
                back=("/leads", "Leads")
                title=lead.name.clone()
                note=view! {
                    <span class=stage_class(lead.stage) data-testid="lead-stage">
                        {lead.stage.label()}
                    </span>
                    " "
                    {lead.company.clone().unwrap_or_default()}
                }
                .into_any()
            >
                    <button class="button" on:click=move |_| editor.open(for_edit.clone())>
                        "Edit"
                    </button>
                    {match converted {
                        Some(client) => view! {
                            <A href=format!("/clients/{client}") attr:class="button" attr:data-testid="converted-client">
                                "Open client"
                            </A>
                        }
                        .into_any(),
                        None => {
                            let lead = for_actions.clone();
                            view! {
                                <button
                                    class="button button-primary"
                                    data-testid="convert-lead"
                                    disabled=move || convert_form.busy.get()
                                    on:click=move |_| converting.open(lead.clone())
                                >
                                    {move || if convert_form.busy.get() { "Converting…" } else { "Convert to client" }}
                                </button>
                            }
                            .into_any()
                        }
                    }}
                <button class="button button-danger" on:click=move |_| deleting.open(for_actions.clone())>
                    "Delete"
                </button>
            </RecordHeader>
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
                        {fact("Email", lead.email.clone().unwrap_or_default())}
                        {fact("Phone", lead.phone.clone().unwrap_or_default())}
                        {fact("Job title", lead.job_title.clone().unwrap_or_default())}
                        {fact("Website", lead.website.clone().unwrap_or_default())}
                        {fact("Score", humanize(lead.score.as_str()))}
                        {fact("Status", lead.status.clone())}
                        {fact("Source", humanize(lead.source.as_str()))}
                        {fact("Value", lead.value.map(|v| format_amount(Some(v))).unwrap_or_default())}
                        {fact("Owner", person_name(&people, lead.assigned_to_id))}
                        {fact("Next follow-up", lead.next_follow_up_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                        {fact("Created", format_day(Some(lead.created_at)))}
                    </dl>
                    {lead.notes.clone().map(|notes| view! { <h3>"Notes"</h3> <p class="notes">{notes}</p> })}
                </section>
                <section class="panel">
                    <h2>"Activity"</h2>
                    <LogActivity lead=id on_logged=Callback::new(move |_| timeline_reload.bump()) />
                    <Timeline activities />
                </section>
            </div>
        }
    };

    view! {
        {loaded(lead, "Loading the lead…", Some(reload), details)}
        {editor
            .view(
                move |_: Lead| reload.bump(),
                move |lead, on_close| {
                    view! { <LeadDialog lead=Some(lead) people=Signal::derive(move || people.get().unwrap_or_default()) on_close /> }
                },
            )}
        <ConfirmDialog
            target=converting
            title="Convert to client"
            message=|l| format!("A client will be created from {}’s contact details and the lead will move to Closed won.", l.name)
            confirm_label="Convert"
            on_confirm=convert
        />
        <ConfirmDialog
            target=deleting
            title="Delete lead"
            message=|l| format!("{} and its activity timeline will be deleted for good.", l.name)
            confirm_label="Delete"
            on_confirm=remove
        />
    }
}
