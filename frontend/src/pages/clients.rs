//! Clients (canManageClients): the list (debounced search, status filter, archived
//! toggle, sortable columns, pages), create/edit, archive after a confirmation, and the
//! client's page with its campaigns, documents, leads and history.

use super::campaigns::{campaign_status_class, CampaignDialog};
use super::crm::{
    changed, format_amount, format_day, humanize, non_empty, parse_sort, person_name, stored_sort, use_people, Gate,
    Person, SortHeader, SEARCH_DELAY,
};
use super::leads::stage_class;
use crate::api;
use crate::components::{
    use_toasts, ConfirmDialog, EmptyState, ErrorState, Loading, Pagination, SelectField, TextAreaField, TextField,
};
use crate::session::use_session;
use domain::activity::ActivityFilter;
use domain::crm::campaigns::{Campaign, CampaignFilter};
use domain::crm::clients::{
    Client, ClientDocument, ClientFilter, ClientSort, ClientStatus, CreateClientDocumentRequest, CreateClientRequest,
    UpdateClientRequest,
};
use domain::crm::leads::LeadFilter;
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

const PAGE_SIZE: i64 = 20;
const SORT_STORAGE: &str = "mos-clients-sort";
const STATUSES: [ClientStatus; 3] = [ClientStatus::Active, ClientStatus::Inactive, ClientStatus::Archived];

fn status_options() -> Vec<(String, String)> {
    STATUSES.iter().map(|s| (s.as_str().to_owned(), humanize(s.as_str()))).collect()
}

fn status_badge(status: ClientStatus) -> impl IntoView {
    view! {
        <span
            class=format!("status status-{}", status.as_str())
            class:status-on=status == ClientStatus::Active
            class:status-off=status != ClientStatus::Active
        >
            {humanize(status.as_str())}
        </span>
    }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    super::set_title("Clients");
    view! {
        <Gate
            allowed=|p| p.can_manage_clients
            title="You cannot see clients"
            message="Clients are open to holders of the canManageClients permission."
        >
            <ClientsList />
        </Gate>
    }
}

#[component]
fn ClientsList() -> impl IntoView {
    let people = use_people();
    let search_input = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let include_archived = RwSignal::new(false);
    let sort = RwSignal::new(stored_sort::<ClientSort>(SORT_STORAGE, "-createdAt"));
    let offset = RwSignal::new(0i64);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Option<Client>>);
    let to_archive = RwSignal::new(None::<Client>);
    let confirm_open = RwSignal::new(false);
    let toasts = use_toasts();

    let filter = move || ClientFilter {
        q: non_empty(&q.get()),
        status: ClientStatus::parse(&status.get()),
        include_archived: include_archived.get().then_some(true),
        sort: parse_sort(&sort.get()),
        ..Default::default()
    };
    let clients = LocalResource::new(move || {
        reload.track();
        api::crm::clients::list(&filter(), api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || clients.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));
    // The export carries the list's filters and sort.
    let export_href = move || api::crm::clients::export_href(&filter());

    let apply_search = debounce(SEARCH_DELAY, move |value: String| {
        offset.set(0);
        q.set(value);
    });
    let apply_search = StoredValue::new_local(apply_search);

    let archive = Callback::new(move |_| {
        let Some(client) = to_archive.get_untracked() else { return };
        spawn_local(async move {
            match api::crm::clients::archive(client.id).await {
                Ok(()) => {
                    toasts.success(format!("{} has been archived", client.name));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });

    let rows = move || {
        clients.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(page) if page.items.is_empty() => view! {
                <EmptyState
                    title="No clients found"
                    message="Change the search or the filters, create a client, or convert a lead."
                />
            }
            .into_any(),
            Ok(page) => {
                let people = people.get().unwrap_or_default();
                view! {
                    <div class="table-wrap">
                        <table class="table">
                            <caption class="visually-hidden">"Clients"</caption>
                            <thead>
                                <tr>
                                    <SortHeader label="Name" key="name" sort storage_key=SORT_STORAGE offset />
                                    <th scope="col">"Contact"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Owner"</th>
                                    <SortHeader label="Order" key="displayOrder" sort storage_key=SORT_STORAGE offset />
                                    <SortHeader label="Created" key="createdAt" sort storage_key=SORT_STORAGE offset />
                                    <th scope="col">
                                        <span class="visually-hidden">"Actions"</span>
                                    </th>
                                </tr>
                            </thead>
                            <tbody>
                                {page
                                    .items
                                    .into_iter()
                                    .map(|client| client_row(client, &people, editing, to_archive, confirm_open))
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"Clients"</h1>
                <p class="muted">"The agency’s customers and their contacts."</p>
            </div>
            <div class="header-actions">
                <a class="button" href=export_href download data-testid="export-clients">
                    "Export CSV"
                </a>
                <button class="button button-primary" data-testid="new-client" on:click=move |_| editing.set(Some(None))>
                    "New client"
                </button>
            </div>
        </header>
        <div class="toolbar">
            <form class="search" role="search" on:submit=move |ev| {
                ev.prevent_default();
                offset.set(0);
                q.set(search_input.get_untracked());
            }>
                <label class="visually-hidden" for="client-search">
                    "Search clients"
                </label>
                <input
                    id="client-search"
                    type="search"
                    placeholder="Search name, email, company or phone"
                    prop:value=move || search_input.get()
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        search_input.set(value.clone());
                        apply_search.update_value(|apply| apply(value));
                    }
                />
            </form>
            <label class="inline-field">
                <span>"Status"</span>
                <select
                    id="client-status-filter"
                    prop:value=move || status.get()
                    on:change=move |ev| {
                        offset.set(0);
                        status.set(event_target_value(&ev));
                    }
                >
                    <option value="">"Active and inactive"</option>
                    {status_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
            <label class="inline-field checkbox-field">
                <input
                    type="checkbox"
                    prop:checked=move || include_archived.get()
                    on:change=move |ev| {
                        offset.set(0);
                        include_archived.set(event_target_checked(&ev));
                    }
                />
                <span>"Include archived"</span>
            </label>
        </div>
        <section class="panel" aria-busy=move || clients.get().is_none().to_string()>
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading clients…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
        {move || {
            editing
                .get()
                .map(|client| {
                    view! {
                        <ClientDialog
                            client
                            people=Signal::derive(move || people.get().unwrap_or_default())
                            on_close=Callback::new(move |saved: Option<Client>| {
                                editing.set(None);
                                if saved.is_some() {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
        <ConfirmDialog
            open=confirm_open
            title="Archive client"
            message=Signal::derive(move || {
                to_archive
                    .get()
                    .map(|c| format!("{} will be archived and hidden from the list. Its history is kept.", c.name))
                    .unwrap_or_default()
            })
            confirm_label="Archive"
            on_confirm=archive
        />
    }
}

fn client_row(
    client: Client,
    people: &[Person],
    editing: RwSignal<Option<Option<Client>>>,
    to_archive: RwSignal<Option<Client>>,
    confirm_open: RwSignal<bool>,
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
            <td data-label="Status">{status_badge(client.status)}</td>
            <td data-label="Owner">{owner}</td>
            <td data-label="Order" class="numeric">
                {client.display_order}
            </td>
            <td data-label="Created">{format_day(Some(client.created_at))}</td>
            <td class="row-actions">
                <button
                    class="button button-small"
                    aria-label=edit_label
                    on:click=move |_| editing.set(Some(Some(for_edit.clone())))
                >
                    "Edit"
                </button>
                {(!archived)
                    .then(|| {
                        view! {
                            <button
                                class="button button-small button-danger"
                                aria-label=archive_label
                                on:click=move |_| {
                                    to_archive.set(Some(for_archive.clone()));
                                    confirm_open.set(true);
                                }
                            >
                                "Archive"
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}

/// Create (`client` = None) or edit a client; `on_close` receives the saved client.
#[component]
pub fn ClientDialog(
    client: Option<Client>,
    #[prop(into)] people: Signal<Vec<Person>>,
    on_close: Callback<Option<Client>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let existing = client.clone();
    let editing = client.is_some();
    let text = |f: fn(&Client) -> Option<String>| RwSignal::new(client.as_ref().and_then(f).unwrap_or_default());
    let name = text(|c| Some(c.name.clone()));
    let email = text(|c| c.email.clone());
    let phone = text(|c| c.phone.clone());
    let company = text(|c| c.company.clone());
    let website = text(|c| c.website.clone());
    let status = RwSignal::new(client.as_ref().map_or(ClientStatus::Active, |c| c.status).as_str().to_owned());
    let tags = text(|c| Some(c.service_tags.join(", ")));
    let notes = text(|c| c.notes.clone());
    let order = text(|c| Some(c.display_order.to_string()));
    let assignee = text(|c| c.assigned_to_id.map(|id| id.to_string()));
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let existing = existing.clone();
        spawn_local(async move {
            let service_tags: Vec<String> = tags.get_untracked().split(',').filter_map(non_empty).collect();
            let display_order = non_empty(&order.get_untracked()).and_then(|o| o.parse::<i32>().ok());
            let assigned = assignee.get_untracked().parse::<i32>().ok();
            let result = match &existing {
                None => {
                    let body = CreateClientRequest {
                        name: name.get_untracked().trim().to_owned(),
                        email: non_empty(&email.get_untracked()),
                        phone: non_empty(&phone.get_untracked()),
                        company: non_empty(&company.get_untracked()),
                        website: non_empty(&website.get_untracked()),
                        service_tags: Some(service_tags),
                        status: ClientStatus::parse(&status.get_untracked()),
                        assigned_to_id: assigned,
                        notes: non_empty(&notes.get_untracked()),
                        display_order,
                        ..Default::default()
                    };
                    api::crm::clients::create(&body).await
                }
                Some(current) => {
                    let body = UpdateClientRequest {
                        name: Some(name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
                        email: changed(non_empty(&email.get_untracked()), &current.email),
                        phone: changed(non_empty(&phone.get_untracked()), &current.phone),
                        company: changed(non_empty(&company.get_untracked()), &current.company),
                        website: changed(non_empty(&website.get_untracked()), &current.website),
                        service_tags: Some(service_tags).filter(|t| *t != current.service_tags),
                        status: ClientStatus::parse(&status.get_untracked()).filter(|s| *s != current.status),
                        assigned_to_id: if people.get_untracked().is_empty() {
                            None
                        } else {
                            changed(assigned, &current.assigned_to_id)
                        },
                        notes: changed(non_empty(&notes.get_untracked()), &current.notes),
                        display_order: display_order.filter(|o| *o != current.display_order),
                        ..Default::default()
                    };
                    api::crm::clients::update(current.id, &body).await
                }
            };
            busy.set(false);
            match result {
                Ok(saved) => {
                    toasts.success(if editing {
                        format!("{} has been updated", saved.name)
                    } else {
                        format!("{} has been created", saved.name)
                    });
                    on_close.run(Some(saved));
                }
                Err(p) => {
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
        });
    };

    let title = if editing { "Edit client" } else { "New client" };
    let form_ref = NodeRef::<leptos::html::Form>::new();
    super::crm::focus_first_field(form_ref);
    super::crm::close_on_escape(move || on_close.run(None));
    view! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-label=title>
                <form class="form" node_ref=form_ref on:submit=submit novalidate data-testid="client-form">
                    <h2>{title}</h2>
                    <div class="form-grid">
                        <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                        <TextField label="Company" name="company" value=company problem autocomplete="off" />
                        <TextField label="Email" name="email" value=email problem input_type="email" autocomplete="off" />
                        <TextField label="Phone" name="phone" value=phone problem input_type="tel" autocomplete="off" />
                        <TextField label="Website" name="website" value=website problem input_type="url" hint="https://…" />
                        <SelectField label="Status" name="status" value=status problem options=status_options() />
                        <TextField label="Services" name="serviceTags" value=tags problem hint="Comma-separated, e.g. SEO, social" />
                        <TextField label="Display order" name="displayOrder" value=order problem input_type="number" />
                        <Show when=move || !people.get().is_empty()>
                            <SelectField
                                label="Owner"
                                name="assignedToId"
                                value=assignee
                                problem
                                options=std::iter::once((String::new(), "Unassigned".to_owned()))
                                    .chain(people.get().into_iter().map(|p| (p.id.to_string(), p.name)))
                                    .collect()
                            />
                        </Show>
                        <TextAreaField label="Notes" name="notes" value=notes problem />
                    </div>
                    <div class="dialog-actions">
                        <button class="button" type="button" on:click=move |_| on_close.run(None)>
                            "Cancel"
                        </button>
                        <button class="button button-primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save" }}
                        </button>
                    </div>
                </form>
            </div>
        </div>
    }
}

#[component]
pub fn ClientDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    view! {
        <Gate
            allowed=|p| p.can_manage_clients
            title="You cannot see clients"
            message="Clients are open to holders of the canManageClients permission."
        >
            {move || match id() {
                Some(id) => view! { <ClientDetail id /> }.into_any(),
                None => view! { <EmptyState title="No such client" message="The address does not name a client." /> }.into_any(),
            }}
        </Gate>
    }
}

#[component]
fn ClientDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let people = use_people();
    let flags = move || session.user.with(|u| u.as_ref().map(|u| u.permissions).unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(false);
    let confirm_archive = RwSignal::new(false);
    let client = LocalResource::new(move || {
        reload.track();
        api::crm::clients::get(id)
    });
    let current = move || client.get().and_then(Result::ok);
    Effect::new(move |_| {
        if let Some(client) = current() {
            super::set_title(&client.name);
        }
    });
    let archive = Callback::new(move |_| {
        spawn_local(async move {
            match api::crm::clients::archive(id).await {
                Ok(()) => {
                    toasts.success("The client has been archived");
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });

    let details = move || {
        client.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(client) => {
                let people = people.get().unwrap_or_default();
                let field = |label: &'static str, value: String| {
                    view! {
                        <div>
                            <dt>{label}</dt>
                            <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
                        </div>
                    }
                };
                let archived = client.status == ClientStatus::Archived;
                view! {
                    <header class="page-header">
                        <div>
                            <p class="breadcrumb">
                                <A href="/clients">"Clients"</A>
                            </p>
                            <h1 data-testid="client-name">{client.name.clone()}</h1>
                            <p class="muted">{status_badge(client.status)}</p>
                        </div>
                        <div class="header-actions">
                            <button class="button" on:click=move |_| editing.set(true)>
                                "Edit"
                            </button>
                            {(!archived)
                                .then(|| {
                                    view! {
                                        <button class="button button-danger" on:click=move |_| confirm_archive.set(true)>
                                            "Archive"
                                        </button>
                                    }
                                })}
                        </div>
                    </header>
                    <div class="detail-grid">
                        <section class="panel">
                            <h2>"Details"</h2>
                            <dl class="facts">
                                {field("Company", client.company.clone().unwrap_or_default())}
                                {field("Email", client.email.clone().unwrap_or_default())}
                                {field("Phone", client.phone.clone().unwrap_or_default())}
                                {field("Website", client.website.clone().unwrap_or_default())}
                                {field("Services", client.service_tags.join(", "))}
                                {field("Owner", person_name(&people, client.assigned_to_id))}
                                {field("Created", format_day(Some(client.created_at)))}
                                {field("Archived", client.archived_at.map(|d| format_day(Some(d))).unwrap_or_default())}
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
                .into_any()
            }
        })
    };

    view! {
        {move || details().unwrap_or_else(|| view! { <Loading label="Loading the client…" /> }.into_any())}
        {move || {
            editing
                .get()
                .then(current)
                .flatten()
                .map(|client| {
                    view! {
                        <ClientDialog
                            client=Some(client)
                            people=Signal::derive(move || people.get().unwrap_or_default())
                            on_close=Callback::new(move |saved: Option<Client>| {
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
            open=confirm_archive
            title="Archive client"
            message=Signal::derive(move || {
                current().map(|c| format!("{} will be archived. Its history is kept.", c.name)).unwrap_or_default()
            })
            confirm_label="Archive"
            on_confirm=archive
        />
    }
}

#[component]
fn ClientCampaigns(client: Uuid) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let creating = RwSignal::new(false);
    let campaigns = LocalResource::new(move || {
        reload.track();
        let filter = CampaignFilter { client_id: Some(client), ..Default::default() };
        api::crm::campaigns::list(&filter, api::page(50, 0))
    });
    view! {
        <section class="panel" data-testid="client-campaigns">
            <div class="panel-header">
                <h2>"Campaigns"</h2>
                <button class="button button-small" on:click=move |_| creating.set(true)>
                    "New campaign"
                </button>
            </div>
            {move || {
                campaigns
                    .get()
                    .map(|result| match result {
                        Err(problem) => view! { <ErrorState problem /> }.into_any(),
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted">"No campaigns for this client yet."</p> }.into_any()
                        }
                        Ok(page) => view! {
                            <ul class="sub-list">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <li>
                                                <A href=format!("/campaigns/{}", c.id)>{c.name.clone()}</A>
                                                <span class=campaign_status_class(c.status)>{humanize(c.status.as_str())}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    })
                    .unwrap_or_else(|| view! { <Loading /> }.into_any())
            }}
            {move || {
                creating
                    .get()
                    .then(|| {
                        view! {
                            <CampaignDialog
                                campaign=None
                                client=Some(client)
                                on_close=Callback::new(move |saved: Option<Campaign>| {
                                    creating.set(false);
                                    if saved.is_some() {
                                        reload.update(|n| *n += 1);
                                    }
                                })
                            />
                        }
                    })
            }}
        </section>
    }
}

fn format_size(bytes: Option<i32>) -> String {
    match bytes {
        None => String::new(),
        Some(b) if b < 1024 => format!("{b} B"),
        Some(b) if b < 1024 * 1024 => format!("{:.1} KB", f64::from(b) / 1024.0),
        Some(b) => format!("{:.1} MB", f64::from(b) / (1024.0 * 1024.0)),
    }
}

#[component]
fn ClientDocuments(client: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let name = RwSignal::new(String::new());
    let object_path = RwSignal::new(String::new());
    let file_type = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let adding = RwSignal::new(false);
    let to_delete = RwSignal::new(None::<ClientDocument>);
    let confirm_open = RwSignal::new(false);
    let documents = LocalResource::new(move || {
        reload.track();
        api::crm::clients::documents(client, api::page(100, 0))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let body = CreateClientDocumentRequest {
            name: name.get_untracked().trim().to_owned(),
            object_path: object_path.get_untracked().trim().to_owned(),
            file_type: non_empty(&file_type.get_untracked()),
            description: non_empty(&description.get_untracked()),
            file_size: None,
        };
        let request = api::crm::clients::add_document(client, &body);
        spawn_local(async move {
            match request.await {
                Ok(document) => {
                    toasts.success(format!("{} has been added", document.name));
                    for field in [name, object_path, file_type, description] {
                        field.set(String::new());
                    }
                    adding.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(p) => {
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
        });
    };
    let remove = Callback::new(move |_| {
        let Some(document) = to_delete.get_untracked() else { return };
        spawn_local(async move {
            match api::crm::clients::remove_document(client, document.id).await {
                Ok(()) => {
                    toasts.success(format!("{} has been removed", document.name));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });
    view! {
        <section class="panel" data-testid="client-documents">
            <div class="panel-header">
                <h2>"Documents"</h2>
                <button
                    class="button button-small"
                    aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|a| *a = !*a)
                >
                    {move || if adding.get() { "Cancel" } else { "Add document" }}
                </button>
            </div>
            <Show when=move || adding.get()>
                <form class="form" on:submit=submit novalidate data-testid="document-form">
                    <div class="form-grid">
                        <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                        <TextField label="Storage path" name="objectPath" value=object_path problem required=true hint="Where the file is stored, e.g. contracts/2026/msa.pdf" />
                        <TextField label="File type" name="fileType" value=file_type problem hint="e.g. application/pdf" />
                        <TextAreaField label="Description" name="description" value=description problem rows=2 />
                    </div>
                    <div class="form-actions">
                        <button class="button button-primary" type="submit">
                            "Add"
                        </button>
                    </div>
                </form>
            </Show>
            {move || {
                documents
                    .get()
                    .map(|result| match result {
                        Err(problem) => view! { <ErrorState problem /> }.into_any(),
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted">"No documents yet."</p> }.into_any()
                        }
                        Ok(page) => view! {
                            <ul class="sub-list">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|document| {
                                        let for_delete = document.clone();
                                        let label = format!("Remove {}", document.name);
                                        view! {
                                            <li>
                                                <div>
                                                    <strong>{document.name.clone()}</strong>
                                                    <small class="cell-note">
                                                        {format!(
                                                            "{} {} · {}",
                                                            document.object_path,
                                                            format_size(document.file_size),
                                                            format_day(Some(document.created_at)),
                                                        )}
                                                    </small>
                                                </div>
                                                <button
                                                    class="button button-small button-danger"
                                                    aria-label=label
                                                    on:click=move |_| {
                                                        to_delete.set(Some(for_delete.clone()));
                                                        confirm_open.set(true);
                                                    }
                                                >
                                                    "Remove"
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    })
                    .unwrap_or_else(|| view! { <Loading /> }.into_any())
            }}
            <ConfirmDialog
                open=confirm_open
                title="Remove document"
                message=Signal::derive(move || {
                    to_delete.get().map(|d| format!("{} will be removed from this client.", d.name)).unwrap_or_default()
                })
                confirm_label="Remove"
                on_confirm=remove
            />
        </section>
    }
}

#[component]
fn ClientLeads(client: Uuid) -> impl IntoView {
    let leads = LocalResource::new(move || {
        let filter = LeadFilter { client_id: Some(client), ..Default::default() };
        api::crm::leads::list(&filter, api::page(50, 0))
    });
    view! {
        <section class="panel" data-testid="client-leads">
            <h2>"Leads"</h2>
            {move || {
                leads
                    .get()
                    .map(|result| match result {
                        Err(problem) => view! { <ErrorState problem /> }.into_any(),
                        Ok(page) if page.items.is_empty() => {
                            view! { <p class="muted">"No leads are linked to this client."</p> }.into_any()
                        }
                        Ok(page) => view! {
                            <ul class="sub-list">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|lead| {
                                        view! {
                                            <li>
                                                <A href=format!("/leads/{}", lead.id)>{lead.name.clone()}</A>
                                                <span>
                                                    <span class=stage_class(lead.stage)>{lead.stage.label()}</span>
                                                    " "
                                                    {lead.value.map(|v| format_amount(Some(v))).unwrap_or_default()}
                                                </span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    })
                    .unwrap_or_else(|| view! { <Loading /> }.into_any())
            }}
        </section>
    }
}

/// The audit trail of the client (who changed what), for holders of canManageSettings.
#[component]
fn ClientHistory(client: Uuid, reload: RwSignal<u32>) -> impl IntoView {
    let history = LocalResource::new(move || {
        reload.track();
        let filter = ActivityFilter {
            entity_type: Some("client".into()),
            entity_id: Some(client.to_string()),
            ..Default::default()
        };
        api::activity::list(&filter, api::page(20, 0))
    });
    view! {
        <section class="panel" data-testid="client-history">
            <h2>"History"</h2>
            {move || {
                history
                    .get()
                    .map(|result| match result {
                        Err(problem) => view! { <ErrorState problem /> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="muted">"No changes recorded."</p> }.into_any(),
                        Ok(page) => view! {
                            <ul class="sub-list">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|entry| {
                                        view! {
                                            <li>
                                                <span>{entry.description.clone()}</span>
                                                <small class="muted">{super::format_time(Some(entry.created_at))}</small>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                    })
                    .unwrap_or_else(|| view! { <Loading /> }.into_any())
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(format_size(None), "");
        assert_eq!(format_size(Some(512)), "512 B");
        assert_eq!(format_size(Some(2048)), "2.0 KB");
        assert_eq!(format_size(Some(3 * 1024 * 1024)), "3.0 MB");
        assert_eq!(status_options().len(), 3);
    }
}
