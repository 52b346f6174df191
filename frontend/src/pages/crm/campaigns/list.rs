//! Campaigns (canManageCampaigns): the list (client and status filters, sortable columns,
//! pages, all in the URL) and the create/edit dialog.

use super::dialog::{status_options, CampaignDialog};
use crate::api;
use crate::kit::format::{format_amount, format_day, humanize};
use crate::kit::{use_list, Column, Empty, FilterSelect, ListView, Opener, PageHeader};
use crate::pages::crm::shared::{campaign_status_badge, crm_page, use_client_options, Part};
use domain::crm::campaigns::Campaign;
use leptos::prelude::*;
use leptos_router::components::A;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn CampaignsPage() -> impl IntoView {
    crm_page(Part::Campaigns, "Campaigns", || view! { <CampaignsList /> })
}

#[component]
fn CampaignsList() -> impl IntoView {
    let clients = use_client_options();
    let list = use_list(PAGE_SIZE, api::crm::campaigns::list);
    crate::kit::live::refresh_on(&["campaign"], move || list.reload());
    let url = list.url;
    let editor = Opener::<Option<Campaign>>::new();
    let client_name = move |id: String| {
        clients
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(v, _)| *v == id)
            .map_or_else(|| "—".into(), |(_, name)| name)
    };
    let row = move |campaign: Campaign| {
        let edit_label = format!("Edit {}", campaign.name);
        let name = campaign.name.clone();
        let client = campaign.client_id.to_string();
        view! {
            <tr data-testid="campaign-row">
                <td data-label="Name">
                    <A href=format!("/campaigns/{}", campaign.id)>{name}</A>
                </td>
                <td data-label="Client">
                    <A href=format!("/clients/{client}")>{client_name(client.clone())}</A>
                </td>
                <td data-label="Type">{humanize(&campaign.campaign_type)}</td>
                <td data-label="Status">{campaign_status_badge(campaign.status)}</td>
                <td data-label="Budget" class="numeric">
                    {format_amount(campaign.budget)}
                </td>
                <td data-label="Starts">{format_day(campaign.start_date)}</td>
                <td data-label="Created">{format_day(Some(campaign.created_at))}</td>
                <td class="row-actions">
                    <button
                        class="button button-small"
                        aria-label=edit_label
                        on:click=move |_| editor.open(Some(campaign.clone()))
                    >
                        "Edit"
                    </button>
                </td>
            </tr>
        }
    };

    view! {
        <PageHeader title="Campaigns" note="Marketing campaigns run for clients.">
            <button class="button button-primary" data-testid="new-campaign" on:click=move |_| editor.open(None)>
                "New campaign"
            </button>
        </PageHeader>
        <div class="toolbar">
            <FilterSelect
                label="Client"
                id="campaign-client-filter"
                bind=url.field(|f| &mut f.client_id)
                options=Signal::derive(move || clients.get().unwrap_or_default())
                any="All clients"
            />
            <FilterSelect
                label="Status"
                id="campaign-status-filter"
                bind=url.field(|f| &mut f.status)
                options=status_options()
                any="Any status"
            />
        </div>
        <ListView
            list
            caption="Campaigns"
            columns=vec![
                Column::Sorted("Name", "name"),
                Column::Text("Client"),
                Column::Text("Type"),
                Column::Text("Status"),
                Column::Text("Budget"),
                Column::Sorted("Starts", "startDate"),
                Column::Sorted("Created", "createdAt"),
                Column::Actions,
            ]
            row
            empty=Empty { title: "No campaigns found", message: "Change the filters or create a campaign." }
            loading="Loading campaigns…"
            default_sort="-createdAt"
        />
        {editor.view(move |_: Campaign| list.reload(), |campaign, on_close| view! { <CampaignDialog campaign client=None on_close /> })}
    }
}
