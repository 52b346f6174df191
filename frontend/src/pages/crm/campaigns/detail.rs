//! A campaign's page: its facts, edit, and delete after a confirmation.

use super::dialog::CampaignDialog;
use crate::api;
use crate::kit::format::{format_amount, format_day, humanize};
use crate::kit::{fact, loaded, use_record, use_toasts, ConfirmDialog, Opener, RecordHeader};
use crate::pages::crm::shared::{campaign_status_badge, crm_record, Part};
use domain::crm::campaigns::Campaign;
use domain::crm::clients::Client;
use domain::Problem;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

#[component]
pub fn CampaignDetailPage() -> impl IntoView {
    crm_record(Part::Campaigns, "campaign", |id| view! { <CampaignDetail id /> })
}

#[component]
fn CampaignDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let editor = Opener::<Campaign>::new();
    let deleting = Opener::<Campaign>::new();
    let fetch = move || async move {
        let campaign = api::crm::campaigns::get(id).await?;
        let client = api::crm::clients::get(campaign.client_id).await.ok();
        Ok::<_, Problem>((campaign, client))
    };
    let (campaign, reload) = use_record(fetch, |(c, _): &(Campaign, Option<Client>)| c.name.clone());
    let remove = Callback::new(move |_: Campaign| {
        let navigate = navigate.clone();
        toasts.act(
            api::crm::campaigns::delete(id),
            |_| "The campaign has been deleted".into(),
            move |_| navigate("/campaigns", Default::default()),
        )
    });

    let details = move |(campaign, client): (Campaign, Option<Client>)| {
        let for_edit = campaign.clone();
        let for_delete = campaign.clone();
        view! {
            <RecordHeader
                back=("/campaigns", "Campaigns")
                title=campaign.name.clone()
                note=view! {
                    {campaign_status_badge(campaign.status)}
                    " for "
                    <A href=format!("/clients/{}", campaign.client_id)>
                        {client.map(|c| c.name).unwrap_or_else(|| "its client".into())}
                    </A>
                }
                .into_any()
            >
                <button class="button" on:click=move |_| editor.open(for_edit.clone())>
                    "Edit"
                </button>
                <button class="button button-danger" on:click=move |_| deleting.open(for_delete.clone())>
                    "Delete"
                </button>
            </RecordHeader>
            <section class="panel">
                <dl class="facts">
                    {fact("Type", humanize(&campaign.campaign_type))}
                    {fact("Budget", campaign.budget.map(|b| format_amount(Some(b))).unwrap_or_default())}
                    {fact("Starts", campaign.start_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                    {fact("Ends", campaign.end_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                    {fact("Created", format_day(Some(campaign.created_at)))}
                    {fact("Updated", format_day(Some(campaign.updated_at)))}
                </dl>
                {campaign.description.clone().map(|d| view! { <h3>"Description"</h3> <p class="notes">{d}</p> })}
                {campaign.goals.clone().map(|g| view! { <h3>"Goals"</h3> <p class="notes">{g}</p> })}
            </section>
        }
    };

    view! {
        {loaded(campaign, "Loading the campaign…", Some(reload), details)}
        {editor
            .view(
                move |_: Campaign| reload.bump(),
                |campaign, on_close| view! { <CampaignDialog campaign=Some(campaign) client=None on_close /> },
            )}
        <ConfirmDialog
            target=deleting
            title="Delete campaign"
            message=|c| format!("{} will be deleted.", c.name)
            confirm_label="Delete"
            on_confirm=remove
        />
    }
}
