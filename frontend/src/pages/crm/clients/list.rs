//! Clients (canManageClients): the list (debounced search, status filter, archived toggle,
//! sortable columns, pages, all in the URL), CSV export, create/edit, archive after a
//! confirmation.

use super::dialog::ClientDialog;
use crate::api;
use crate::kit::format::format_day;
use crate::kit::{
    use_list, use_toasts, Column, ConfirmDialog, Empty, FilterCheck, FilterSelect, ListView, Opener, PageHeader,
    SearchBox,
};
use crate::pages::crm::shared::{client_status_badge, client_status_options, crm_page, Part};
use crate::pages::identity::people::{person_name, use_people, Person};
use domain::crm::clients::{Client, ClientStatus};
use leptos::prelude::*;
use leptos_router::components::A;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn ClientsPage() -> impl IntoView {
    crm_page(Part::Clients, "Clients", || view! { <ClientsList /> })
}

#[component]
fn ClientsList() -> impl IntoView {
    let toasts = use_toasts();
    let people = use_people();
    let list = use_list(PAGE_SIZE, api::crm::clients::list);
    crate::kit::live::refresh_on(&["client"], move || list.reload());
    let url = list.url;
    let editor = Opener::<Option<Client>>::new();
    let archiving = Opener::<Client>::new();
    let archive = Callback::new(move |client: Client| {
        toasts.act(
            api::crm::clients::archive(client.id),
            move |_| format!("{} has been archived", client.name),
            move |_| list.reload(),
        )
    });

    view! {
        <PageHeader title="Clients" note="The agency’s customers and their contacts.">
            // The export carries the list's filters and sort.
            <a class="button" href=move || api::crm::clients::export_href(&url.filter()) download data-testid="export-clients">
                "Export CSV"
            </a>
            <button class="button button-primary" data-testid="new-client" on:click=move |_| editor.open(None)>
                "New client"
            </button>
        </PageHeader>
        <div class="toolbar">
            <SearchBox url id="client-search" label="Search clients" placeholder="Search name, email, company or phone" />
            <FilterSelect
                label="Status"
                id="client-status-filter"
                bind=url.field(|f| &mut f.status)
                options=client_status_options()
                any="Active and inactive"
            />
            <FilterCheck label="Include archived" bind=url.field(|f| &mut f.include_archived) />
        </div>
        <ListView
            list
            caption="Clients"
            columns=vec![
                Column::Sorted("Name", "name"),
                Column::Text("Contact"),
                Column::Text("Status"),
                Column::Text("Owner"),
                Column::Sorted("Order", "displayOrder"),
                Column::Sorted("Created", "createdAt"),
                Column::Actions,
            ]
            row=move |client| client_row(client, &people.get().unwrap_or_default(), editor, archiving)
            empty=Empty {
                title: "No clients found",
                message: "Change the search or the filters, create a client, or convert a lead.",
            }
            loading="Loading clients…"
            default_sort="-createdAt"
        />
        {editor
            .view(
                move |_: Client| list.reload(),
                move |client, on_close| {
                    view! { <ClientDialog client people=Signal::derive(move || people.get().unwrap_or_default()) on_close /> }
                },
            )}
        <ConfirmDialog
            target=archiving
            title="Archive client"
            message=|c| format!("{} will be archived and hidden from the list. Its history is kept.", c.name)
            confirm_label="Archive"
            on_confirm=archive
        />
    }
}

fn client_row(
    client: Client,
    people: &[Person],
    editor: Opener<Option<Client>>,
    archiving: Opener<Client>,
) -> impl IntoView {
    let href = format!("/clients/{}", client.id);
    let owner = person_name(people, client.assigned_to_id);
    let edit_label = format!("Edit {}", client.name);
    let archive_label = format!("Archive {}", client.name);
    let archived = client.status == ClientStatus::Archived;
    let for_edit = client.clone();
    let for_archive = client.clone();
    view! {
        <tr data-testid="client-row">
            <td data-label="Name">
                <span class="cell-stack">
                    <A href=href>{client.name.clone()}</A>
                    <small class="cell-note">{client.company.clone().unwrap_or_default()}</small>
                </span>
            </td>
            <td data-label="Contact">{client.email.clone().or(client.phone.clone()).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Status">{client_status_badge(client.status)}</td>
            <td data-label="Owner">{owner}</td>
            <td data-label="Order" class="numeric">
                {client.display_order}
            </td>
            <td data-label="Created">{format_day(Some(client.created_at))}</td>
            <td class="row-actions">
                <button class="button button-small" aria-label=edit_label on:click=move |_| editor.open(Some(for_edit.clone()))>
                    "Edit"
                </button>
                {(!archived)
                    .then(|| {
                        view! {
                            <button
                                class="button button-small button-danger"
                                aria-label=archive_label
                                on:click=move |_| archiving.open(for_archive.clone())
                            >
                                "Archive"
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}
