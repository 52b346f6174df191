//! A client's page: its details, edit, archive after a confirmation, and the panels of
//! what belongs to it (each shown to those who may see it).

use super::dialog::ClientDialog;
use super::panels::{ClientCampaigns, ClientDocuments, ClientHistory, ClientLeads};
use crate::api;
use crate::kit::format::format_day;
use crate::kit::{fact, loaded, use_record, use_toasts, ConfirmDialog, Opener, RecordHeader};
use crate::pages::crm::shared::{client_status_badge, crm_record, Part};
use crate::pages::identity::people::{person_name, use_people};
use crate::session::use_session;
use domain::crm::clients::{Client, ClientStatus};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ClientDetailPage() -> impl IntoView {
    crm_record(Part::Clients, "client", |id| view! { <ClientDetail id /> })
}

#[component]
fn ClientDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let people = use_people();
    let flags = move || session.user.with(|u| u.as_ref().map(|u| u.permissions).unwrap_or_default());
    let (client, reload) = use_record(move || api::crm::clients::get(id), |c: &Client| c.name.clone());
    let editor = Opener::<Client>::new();
    let archiving = Opener::<Client>::new();
    let archive = Callback::new(move |_: Client| {
        toasts.act(api::crm::clients::archive(id), |_| "The client has been archived".into(), move |_| reload.bump())
    });

    let details = move |client: Client| {
        let people = people.get().unwrap_or_default();
        let archived = client.status == ClientStatus::Archived;
        let for_edit = client.clone();
        let for_archive = client.clone();
        view! {
            <RecordHeader
                back=("/clients", "Clients")
                title=client.name.clone()
                testid="client-name"
                note=client_status_badge(client.status).into_any()
            >
                <button class="button" on:click=move |_| editor.open(for_edit.clone())>
                    "Edit"
                </button>
                {(!archived)
                    .then(|| {
                        view! {
                            <button class="button button-danger" on:click=move |_| archiving.open(for_archive.clone())>
                                "Archive"
                            </button>
                        }
                    })}
            </RecordHeader>
            <div class="detail-grid">
                <section class="panel">
                    <h2>"Details"</h2>
                    <dl class="facts">
                        {fact("Company", client.company.clone().unwrap_or_default())}
                        {fact("Email", client.email.clone().unwrap_or_default())}
                        {fact("Phone", client.phone.clone().unwrap_or_default())}
                        {fact("Website", client.website.clone().unwrap_or_default())}
                        {fact("Services", client.service_tags.join(", "))}
                        {fact("Owner", person_name(&people, client.assigned_to_id))}
                        {fact("Created", format_day(Some(client.created_at)))}
                        {fact("Archived", client.archived_at.map(|d| format_day(Some(d))).unwrap_or_default())}
                    </dl>
                    {client.notes.clone().map(|notes| view! { <h3>"Notes"</h3> <p class="notes">{notes}</p> })}
                </section>
                <div>
                    <Show when=move || flags().can_manage_campaigns>
                        <ClientCampaigns client=id />
                    </Show>
                    <ClientDocuments client=id />
                    <Show when=move || flags().can_manage_leads>
                        <ClientLeads client=id />
                    </Show>
                    <Show when=move || flags().can_manage_settings>
                        <ClientHistory client=id reload />
                    </Show>
                </div>
            </div>
        }
    };

    view! {
        {loaded(client, "Loading the client…", Some(reload), details)}
        {editor
            .view(
                move |_: Client| reload.bump(),
                move |client, on_close| {
                    view! { <ClientDialog client=Some(client) people=Signal::derive(move || people.get().unwrap_or_default()) on_close /> }
                },
            )}
        <ConfirmDialog
            target=archiving
            title="Archive client"
            message=|c| format!("{} will be archived. Its history is kept.", c.name)
            confirm_label="Archive"
            on_confirm=archive
        />
    }
}
