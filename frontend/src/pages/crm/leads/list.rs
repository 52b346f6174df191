//! Leads (canManageLeads): the list with a debounced search, filters, sortable columns
//! and pages, all in the URL; CSV export of what it shows and import; the create/edit dialog.

use super::dialog::{source_options, LeadDialog};
use super::import::ImportDialog;
use crate::api;
use crate::kit::format::{format_amount, format_day};
use crate::kit::{
    use_list, Binding, Column, Empty, FilterInput, FilterSelect, ListView, Opener, PageHeader, SearchBox,
};
use crate::pages::crm::shared::{crm_page, stage_class, stage_options, LeadViews, Part};
use crate::pages::identity::people::{person_name, use_people, Person};
use crate::session::use_session;
use domain::crm::leads::Lead;
use leptos::prelude::*;
use leptos_router::components::A;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn LeadsPage() -> impl IntoView {
    crm_page(Part::Leads, "Leads", || view! { <LeadsList /> })
}

#[component]
fn LeadsList() -> impl IntoView {
    let session = use_session();
    let people = use_people();
    let list = use_list(PAGE_SIZE, api::crm::leads::list);
    crate::kit::live::refresh_on(&["lead"], move || list.reload());
    let url = list.url;
    let editor = Opener::<Option<Lead>>::new();
    let importing = Opener::<()>::new();

    // "Me" is the caller's own id in the URL, so a shared link shows its sender's leads.
    let me = move || session.user.with(|u| u.as_ref().map(|u| u.user.id));
    let owner = Binding {
        value: Signal::derive(move || match url.filter().assigned_to_id {
            Some(id) if Some(id) == me() => "me".to_owned(),
            id => id.map(|id| id.to_string()).unwrap_or_default(),
        }),
        set: Callback::new(move |value: String| {
            url.update(|f| f.assigned_to_id = if value == "me" { me() } else { value.parse().ok() })
        }),
    };
    let owners = Signal::derive(move || {
        let me = me();
        std::iter::once(("me".to_owned(), "Me".to_owned()))
            .chain(
                people
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p| Some(p.id) != me)
                    .map(|p| (p.id.to_string(), p.name)),
            )
            .collect::<Vec<_>>()
    });

    view! {
        <PageHeader title="Leads" note="Prospects on their way to becoming clients.">
            <LeadViews />
            // The export carries the list's filters and sort.
            <a class="button" href=move || api::crm::leads::export_href(&url.filter()) download data-testid="export-leads">
                "Export CSV"
            </a>
            <button class="button" data-testid="import-leads" on:click=move |_| importing.open(())>
                "Import CSV"
            </button>
            <button class="button button-primary" data-testid="new-lead" on:click=move |_| editor.open(None)>
                "New lead"
            </button>
        </PageHeader>
        <div class="toolbar">
            <SearchBox url id="lead-search" label="Search leads" placeholder="Search name, email, company or phone" />
            <FilterSelect label="Stage" id="lead-stage-filter" bind=url.field(|f| &mut f.stage) options=stage_options() any="Any stage" />
            <FilterSelect label="Source" id="lead-source-filter" bind=url.field(|f| &mut f.source) options=source_options() any="Any source" />
            <FilterSelect label="Owner" id="lead-owner-filter" bind=owner options=owners any="Anyone" />
            <FilterInput label="Status" id="lead-status-filter" bind=url.field(|f| &mut f.status) placeholder="e.g. new" />
            <FilterInput label="Created from" id="lead-from-filter" bind=url.field(|f| &mut f.created_from) input_type="date" />
            <FilterInput label="to" id="lead-to-filter" bind=url.field(|f| &mut f.created_to) input_type="date" />
            <Show when=move || url.is_filtered()>
                <button class="button button-ghost" type="button" on:click=move |_| url.clear()>
                    "Clear filters"
                </button>
            </Show>
        </div>
        <ListView
            list
            caption="Leads"
            columns=vec![
                Column::Sorted("Name", "name"),
                Column::Text("Company"),
                Column::Text("Stage"),
                Column::Text("Owner"),
                Column::Sorted("Value", "value"),
                Column::Sorted("Follow-up", "nextFollowUpDate"),
                Column::Sorted("Created", "createdAt"),
                Column::Actions,
            ]
            row=move |lead| lead_row(lead, &people.get().unwrap_or_default(), editor)
            empty=Empty { title: "No leads yet", message: "Create the first lead with “New lead”." }
            no_match=Empty { title: "No leads match", message: "Change the search or the filters." }
            loading="Loading leads…"
            default_sort="-createdAt"
        />
        {importing.view(move |_: ()| list.reload(), |_, on_close| view! { <ImportDialog on_close /> })}
        {editor
            .view(
                move |_: Lead| list.reload(),
                move |lead, on_close| {
                    view! { <LeadDialog lead people=Signal::derive(move || people.get().unwrap_or_default()) on_close /> }
                },
            )}
    }
}

fn lead_row(lead: Lead, people: &[Person], editor: Opener<Option<Lead>>) -> impl IntoView {
    let href = format!("/leads/{}", lead.id);
    let contact = lead.email.clone().or_else(|| lead.phone.clone()).unwrap_or_default();
    let owner = person_name(people, lead.assigned_to_id);
    let edit_label = format!("Edit {}", lead.name);
    let name = lead.name.clone();
    view! {
        <tr data-testid="lead-row">
            <td data-label="Name">
                <span class="cell-stack">
                    <A href=href>{name}</A>
                    <small class="cell-note">{contact}</small>
                </span>
            </td>
            <td data-label="Company">{lead.company.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Stage">
                <span class=stage_class(lead.stage)>{lead.stage.label()}</span>
            </td>
            <td data-label="Owner">{owner}</td>
            <td data-label="Value" class="numeric">
                {format_amount(lead.value)}
            </td>
            <td data-label="Follow-up">{format_day(lead.next_follow_up_date)}</td>
            <td data-label="Created">{format_day(Some(lead.created_at))}</td>
            <td class="row-actions">
                <button class="button button-small" aria-label=edit_label on:click=move |_| editor.open(Some(lead.clone()))>
                    "Edit"
                </button>
            </td>
        </tr>
    }
}
