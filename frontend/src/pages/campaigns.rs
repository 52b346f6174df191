//! Campaigns (canManageCampaigns): the list (client and status filters, sortable
//! columns, pages), create/edit with a client picker, and the campaign's page.

use super::crm::{
    changed, day_start, day_value, format_amount, format_day, humanize, non_empty, parse_sort, stored_sort, Gate,
    SortHeader,
};
use crate::api;
use crate::components::{
    use_toasts, ConfirmDialog, EmptyState, ErrorState, Loading, Pagination, SelectField, TextAreaField, TextField,
};
use domain::crm::campaigns::{
    Campaign, CampaignFilter, CampaignSort, CampaignStatus, CreateCampaignRequest, UpdateCampaignRequest,
};
use domain::crm::clients::{ClientFilter, ClientSort};
use domain::{ErrorCode, FieldError, Problem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

const PAGE_SIZE: i64 = 20;
const SORT_STORAGE: &str = "mos-campaigns-sort";

fn status_options() -> Vec<(String, String)> {
    CampaignStatus::ALL.iter().map(|s| (s.as_str().to_owned(), humanize(s.as_str()))).collect()
}

pub fn campaign_status_class(status: CampaignStatus) -> String {
    format!("badge campaign-{}", status.as_str())
}

/// The clients a campaign can belong to, by name (the picker's options).
fn use_client_options() -> LocalResource<Vec<(String, String)>> {
    LocalResource::new(|| async {
        let filter = ClientFilter { sort: Some(ClientSort::Name), ..Default::default() };
        api::crm::clients::list(&filter, api::page(200, 0))
            .await
            .map(|page| page.items.into_iter().map(|c| (c.id.to_string(), c.name)).collect())
            .unwrap_or_default()
    })
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    super::set_title("Campaigns");
    view! {
        <Gate
            allowed=|p| p.can_manage_campaigns
            title="You cannot see campaigns"
            message="Campaigns are open to holders of the canManageCampaigns permission."
        >
            <CampaignsList />
        </Gate>
    }
}

#[component]
fn CampaignsList() -> impl IntoView {
    let clients = use_client_options();
    let client = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let sort = RwSignal::new(stored_sort::<CampaignSort>(SORT_STORAGE, "-createdAt"));
    let offset = RwSignal::new(0i64);
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Option<Campaign>>);

    let campaigns = LocalResource::new(move || {
        reload.track();
        let filter = CampaignFilter {
            client_id: Uuid::parse_str(&client.get()).ok(),
            status: CampaignStatus::parse(&status.get()),
            sort: parse_sort(&sort.get()),
            ..Default::default()
        };
        api::crm::campaigns::list(&filter, api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || campaigns.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));
    let client_name = move |id: Uuid| {
        clients
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|(v, _)| *v == id.to_string())
            .map(|(_, name)| name)
            .unwrap_or_else(|| "—".into())
    };

    let rows = move || {
        campaigns.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(page) if page.items.is_empty() => view! {
                <EmptyState title="No campaigns found" message="Change the filters or create a campaign." />
            }
            .into_any(),
            Ok(page) => view! {
                <div class="table-wrap">
                    <table class="table">
                        <caption class="visually-hidden">"Campaigns"</caption>
                        <thead>
                            <tr>
                                <SortHeader label="Name" key="name" sort storage_key=SORT_STORAGE offset />
                                <th scope="col">"Client"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Budget"</th>
                                <SortHeader label="Starts" key="startDate" sort storage_key=SORT_STORAGE offset />
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
                                .map(|campaign| {
                                    let for_edit = campaign.clone();
                                    let edit_label = format!("Edit {}", campaign.name);
                                    view! {
                                        <tr data-testid="campaign-row">
                                            <td data-label="Name">
                                                <A href=format!("/campaigns/{}", campaign.id)>{campaign.name.clone()}</A>
                                            </td>
                                            <td data-label="Client">
                                                <A href=format!("/clients/{}", campaign.client_id)>
                                                    {client_name(campaign.client_id)}
                                                </A>
                                            </td>
                                            <td data-label="Type">{humanize(&campaign.campaign_type)}</td>
                                            <td data-label="Status">
                                                <span class=campaign_status_class(campaign.status)>
                                                    {humanize(campaign.status.as_str())}
                                                </span>
                                            </td>
                                            <td data-label="Budget" class="numeric">
                                                {format_amount(campaign.budget)}
                                            </td>
                                            <td data-label="Starts">{format_day(campaign.start_date)}</td>
                                            <td data-label="Created">{format_day(Some(campaign.created_at))}</td>
                                            <td class="row-actions">
                                                <button
                                                    class="button button-small"
                                                    aria-label=edit_label
                                                    on:click=move |_| editing.set(Some(Some(for_edit.clone())))
                                                >
                                                    "Edit"
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any(),
        })
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"Campaigns"</h1>
                <p class="muted">"Marketing campaigns run for clients."</p>
            </div>
            <button class="button button-primary" data-testid="new-campaign" on:click=move |_| editing.set(Some(None))>
                "New campaign"
            </button>
        </header>
        <div class="toolbar">
            <label class="inline-field">
                <span>"Client"</span>
                <select
                    id="campaign-client-filter"
                    prop:value=move || client.get()
                    on:change=move |ev| {
                        offset.set(0);
                        client.set(event_target_value(&ev));
                    }
                >
                    <option value="">"All clients"</option>
                    {move || {
                        clients
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(v, l)| view! { <option value=v>{l}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <label class="inline-field">
                <span>"Status"</span>
                <select
                    id="campaign-status-filter"
                    prop:value=move || status.get()
                    on:change=move |ev| {
                        offset.set(0);
                        status.set(event_target_value(&ev));
                    }
                >
                    <option value="">"Any status"</option>
                    {status_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <section class="panel" aria-busy=move || campaigns.get().is_none().to_string()>
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading campaigns…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
        {move || {
            editing
                .get()
                .map(|campaign| {
                    view! {
                        <CampaignDialog
                            campaign
                            client=None
                            on_close=Callback::new(move |saved: Option<Campaign>| {
                                editing.set(None);
                                if saved.is_some() {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
    }
}

/// The problem for a form the browser can already tell is incomplete, shown at the field
/// like the API's own answers.
fn missing_client() -> Problem {
    Problem::new(ErrorCode::ValidationError, "Choose the client this campaign is for.").with_errors(vec![FieldError {
        field: "clientId".into(),
        code: "required".into(),
        message: "choose a client".into(),
    }])
}

/// Create (`campaign` = None, optionally for `client`) or edit a campaign.
#[component]
pub fn CampaignDialog(
    campaign: Option<Campaign>,
    client: Option<Uuid>,
    on_close: Callback<Option<Campaign>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let clients = use_client_options();
    let existing = campaign.clone();
    let editing = campaign.is_some();
    let text = |f: fn(&Campaign) -> Option<String>| RwSignal::new(campaign.as_ref().and_then(f).unwrap_or_default());
    let client_id =
        RwSignal::new(campaign.as_ref().map(|c| c.client_id).or(client).map(|id| id.to_string()).unwrap_or_default());
    let name = text(|c| Some(c.name.clone()));
    let kind = text(|c| Some(c.campaign_type.clone()));
    let status = RwSignal::new(campaign.as_ref().map_or(CampaignStatus::Planning, |c| c.status).as_str().to_owned());
    let budget = text(|c| c.budget.map(|b| b.to_string()));
    let start = text(|c| Some(day_value(c.start_date)));
    let end = text(|c| Some(day_value(c.end_date)));
    let description = text(|c| c.description.clone());
    let goals = text(|c| c.goals.clone());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let existing = existing.clone();
        // An unreadable number goes to the API as an invalid one, so its answer names the field.
        let amount = non_empty(&budget.get_untracked()).map(|v| v.parse::<i32>().unwrap_or(-1));
        let status_value = CampaignStatus::parse(&status.get_untracked());
        let start_value = day_start(&start.get_untracked());
        let end_value = day_start(&end.get_untracked());
        let result_future = match &existing {
            None => {
                let Ok(client_id) = Uuid::parse_str(&client_id.get_untracked()) else {
                    problem.set(Some(missing_client()));
                    return;
                };
                let body = CreateCampaignRequest {
                    client_id,
                    name: name.get_untracked().trim().to_owned(),
                    campaign_type: kind.get_untracked().trim().to_owned(),
                    status: status_value,
                    start_date: start_value,
                    end_date: end_value,
                    budget: amount,
                    description: non_empty(&description.get_untracked()),
                    goals: non_empty(&goals.get_untracked()),
                };
                futures_util::future::Either::Left(api::crm::campaigns::create(&body))
            }
            Some(current) => {
                let same_day =
                    |d: Option<chrono::DateTime<chrono::Utc>>| d.and_then(|d| day_start(&day_value(Some(d))));
                let body = UpdateCampaignRequest {
                    name: Some(name.get_untracked().trim().to_owned()).filter(|n| *n != current.name),
                    campaign_type: Some(kind.get_untracked().trim().to_owned()).filter(|k| *k != current.campaign_type),
                    status: status_value.filter(|s| *s != current.status),
                    start_date: changed(start_value, &same_day(current.start_date)),
                    end_date: changed(end_value, &same_day(current.end_date)),
                    budget: changed(amount, &current.budget),
                    description: changed(non_empty(&description.get_untracked()), &current.description),
                    goals: changed(non_empty(&goals.get_untracked()), &current.goals),
                };
                futures_util::future::Either::Right(api::crm::campaigns::update(current.id, &body))
            }
        };
        busy.set(true);
        spawn_local(async move {
            let result = result_future.await;
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

    let title = if editing { "Edit campaign" } else { "New campaign" };
    let form_ref = NodeRef::<leptos::html::Form>::new();
    super::crm::focus_first_field(form_ref);
    super::crm::close_on_escape(move || on_close.run(None));
    view! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-label=title>
                <form class="form" node_ref=form_ref on:submit=submit novalidate data-testid="campaign-form">
                    <h2>{title}</h2>
                    <div class="form-grid">
                        {move || {
                            let options: Vec<(String, String)> = std::iter::once((String::new(), "Choose a client…".to_owned()))
                                .chain(clients.get().unwrap_or_default())
                                .collect();
                            if editing {
                                let name = options
                                    .iter()
                                    .find(|(v, _)| *v == client_id.get_untracked())
                                    .map(|(_, l)| l.clone())
                                    .unwrap_or_default();
                                view! {
                                    <div class="field">
                                        <span class="field-label">"Client"</span>
                                        <p>{name}</p>
                                    </div>
                                }
                                .into_any()
                            } else {
                                view! { <SelectField label="Client" name="clientId" value=client_id problem options /> }.into_any()
                            }
                        }}
                        <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                        <TextField label="Type" name="type" value=kind problem required=true hint="e.g. social, email, seo" />
                        <SelectField label="Status" name="status" value=status problem options=status_options() />
                        <TextField label="Budget" name="budget" value=budget problem input_type="number" />
                        <TextField label="Starts" name="startDate" value=start problem input_type="date" />
                        <TextField label="Ends" name="endDate" value=end problem input_type="date" />
                        <TextAreaField label="Description" name="description" value=description problem />
                        <TextAreaField label="Goals" name="goals" value=goals problem />
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
pub fn CampaignDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok()));
    view! {
        <Gate
            allowed=|p| p.can_manage_campaigns
            title="You cannot see campaigns"
            message="Campaigns are open to holders of the canManageCampaigns permission."
        >
            {move || match id() {
                Some(id) => view! { <CampaignDetail id /> }.into_any(),
                None => {
                    view! { <EmptyState title="No such campaign" message="The address does not name a campaign." /> }
                        .into_any()
                }
            }}
        </Gate>
    }
}

#[component]
fn CampaignDetail(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(false);
    let confirm_delete = RwSignal::new(false);
    let campaign = LocalResource::new(move || {
        reload.track();
        async move {
            let campaign = api::crm::campaigns::get(id).await?;
            let client = api::crm::clients::get(campaign.client_id).await.ok();
            Ok::<_, Problem>((campaign, client))
        }
    });
    let current = move || campaign.get().and_then(Result::ok).map(|(c, _)| c);
    Effect::new(move |_| {
        if let Some(campaign) = current() {
            super::set_title(&campaign.name);
        }
    });
    let remove = Callback::new(move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::crm::campaigns::delete(id).await {
                Ok(()) => {
                    toasts.success("The campaign has been deleted");
                    navigate("/campaigns", Default::default());
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });
    let details = move || {
        campaign.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok((campaign, client)) => {
                let field = |label: &'static str, value: String| {
                    view! {
                        <div>
                            <dt>{label}</dt>
                            <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
                        </div>
                    }
                };
                view! {
                    <header class="page-header">
                        <div>
                            <p class="breadcrumb">
                                <A href="/campaigns">"Campaigns"</A>
                            </p>
                            <h1>{campaign.name.clone()}</h1>
                            <p class="muted">
                                <span class=campaign_status_class(campaign.status)>{humanize(campaign.status.as_str())}</span>
                                " for "
                                <A href=format!("/clients/{}", campaign.client_id)>
                                    {client.map(|c| c.name).unwrap_or_else(|| "its client".into())}
                                </A>
                            </p>
                        </div>
                        <div class="header-actions">
                            <button class="button" on:click=move |_| editing.set(true)>
                                "Edit"
                            </button>
                            <button class="button button-danger" on:click=move |_| confirm_delete.set(true)>
                                "Delete"
                            </button>
                        </div>
                    </header>
                    <section class="panel">
                        <dl class="facts">
                            {field("Type", humanize(&campaign.campaign_type))}
                            {field("Budget", campaign.budget.map(|b| format_amount(Some(b))).unwrap_or_default())}
                            {field("Starts", campaign.start_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                            {field("Ends", campaign.end_date.map(|d| format_day(Some(d))).unwrap_or_default())}
                            {field("Created", format_day(Some(campaign.created_at)))}
                            {field("Updated", format_day(Some(campaign.updated_at)))}
                        </dl>
                        {campaign.description.clone().map(|d| view! { <h3>"Description"</h3> <p class="notes">{d}</p> })}
                        {campaign.goals.clone().map(|g| view! { <h3>"Goals"</h3> <p class="notes">{g}</p> })}
                    </section>
                }
                .into_any()
            }
        })
    };
    view! {
        {move || details().unwrap_or_else(|| view! { <Loading label="Loading the campaign…" /> }.into_any())}
        {move || {
            editing
                .get()
                .then(current)
                .flatten()
                .map(|campaign| {
                    view! {
                        <CampaignDialog
                            campaign=Some(campaign)
                            client=None
                            on_close=Callback::new(move |saved: Option<Campaign>| {
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
            open=confirm_delete
            title="Delete campaign"
            message=Signal::derive(move || {
                current().map(|c| format!("{} will be deleted.", c.name)).unwrap_or_default()
            })
            confirm_label="Delete"
            on_confirm=remove
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::form::field_error;

    #[test]
    fn a_missing_client_is_shown_at_the_picker() {
        let problem = Some(missing_client());
        assert_eq!(field_error(&problem, "clientId").as_deref(), Some("choose a client"));
        assert_eq!(status_options().len(), CampaignStatus::ALL.len());
    }
}
