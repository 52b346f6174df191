//! The panels of a client's page: its campaigns (with "New campaign"), documents
//! (metadata: add, remove after a confirmation), linked leads and change history.

use crate::api;
use crate::kit::format::{format_amount, format_day, format_time, non_empty};
use crate::kit::{sub_list, use_toasts, ConfirmDialog, Form, Opener, Reload, TextField};
use crate::pages::crm::campaigns::dialog::CampaignDialog;
use crate::pages::crm::shared::{campaign_status_badge, stage_class};
use domain::activity::{ActivityFilter, ActivityLog};
use domain::crm::campaigns::{Campaign, CampaignFilter};
use domain::crm::clients::{ClientDocument, CreateClientDocumentRequest};
use domain::crm::leads::{Lead, LeadFilter};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

#[component]
pub fn ClientCampaigns(client: Uuid) -> impl IntoView {
    let reload = Reload::new();
    let creating = Opener::<()>::new();
    let campaigns = LocalResource::new(move || {
        reload.track();
        let filter = CampaignFilter { client_id: Some(client), ..Default::default() };
        api::crm::campaigns::list(&filter, api::page(50, 0))
    });
    view! {
        <section class="panel" data-testid="client-campaigns">
            <div class="panel-header">
                <h2>"Campaigns"</h2>
                <button class="button button-small" on:click=move |_| creating.open(())>
                    "New campaign"
                </button>
            </div>
            {sub_list(campaigns, "No campaigns for this client yet.", |c: Campaign| {
                view! {
                    <li>
                        <A href=format!("/campaigns/{}", c.id)>{c.name.clone()}</A>
                        {campaign_status_badge(c.status)}
                    </li>
                }
            })}
            {creating
                .view(
                    move |_: Campaign| reload.bump(),
                    move |_, on_close| view! { <CampaignDialog campaign=None client=Some(client) on_close /> },
                )}
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
pub fn ClientDocuments(client: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let reload = Reload::new();
    let name = RwSignal::new(String::new());
    let object_path = RwSignal::new(String::new());
    let file_type = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let form = Form::new();
    let adding = RwSignal::new(false);
    let removing = Opener::<ClientDocument>::new();
    let documents = LocalResource::new(move || {
        reload.track();
        api::crm::clients::documents(client, api::page(100, 0))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateClientDocumentRequest {
            name: name.get_untracked().trim().to_owned(),
            object_path: object_path.get_untracked().trim().to_owned(),
            file_type: non_empty(&file_type.get_untracked()),
            description: non_empty(&description.get_untracked()),
            file_size: None,
        };
        form.send(api::crm::clients::add_document(client, &body), move |document| {
            toasts.success(format!("{} has been added", document.name));
            for field in [name, object_path, file_type, description] {
                field.set(String::new());
            }
            adding.set(false);
            reload.bump();
        });
    };
    let remove = Callback::new(move |document: ClientDocument| {
        toasts.act(
            api::crm::clients::remove_document(client, document.id),
            move |_| format!("{} has been removed", document.name),
            move |_| reload.bump(),
        )
    });
    let row = move |document: ClientDocument| {
        let label = format!("Remove {}", document.name);
        let note = format!(
            "{} {} · {}",
            document.object_path,
            format_size(document.file_size),
            format_day(Some(document.created_at))
        );
        view! {
            <li>
                <div>
                    <strong>{document.name.clone()}</strong>
                    <small class="cell-note">{note}</small>
                </div>
                <button
                    class="button button-small button-danger"
                    aria-label=label
                    on:click=move |_| removing.open(document.clone())
                >
                    "Remove"
                </button>
            </li>
        }
    };
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
                        <TextField label="Name" name="name" value=name problem=form.problem required=true autocomplete="off" />
                        <TextField
                            label="Storage path"
                            name="objectPath"
                            value=object_path
                            problem=form.problem
                            required=true
                            hint="Where the file is stored, e.g. contracts/2026/msa.pdf"
                        />
                        <TextField label="File type" name="fileType" value=file_type problem=form.problem hint="e.g. application/pdf" />
                        <TextField label="Description" name="description" value=description problem=form.problem rows=2 />
                    </div>
                    <div class="form-actions">
                        <button class="button button-primary" type="submit" disabled=move || form.busy.get()>
                            "Add"
                        </button>
                    </div>
                </form>
            </Show>
            {sub_list(documents, "No documents yet.", row)}
            <ConfirmDialog
                target=removing
                title="Remove document"
                message=|d| format!("{} will be removed from this client.", d.name)
                confirm_label="Remove"
                on_confirm=remove
            />
        </section>
    }
}

/// A panel of records related to the client (a [`sub_list`]), without actions of its own.
fn related(testid: &'static str, title: &'static str, list: impl IntoView) -> impl IntoView {
    view! {
        <section class="panel" data-testid=testid>
            <h2>{title}</h2>
            {list}
        </section>
    }
}

#[component]
pub fn ClientLeads(client: Uuid) -> impl IntoView {
    let leads = LocalResource::new(move || {
        let filter = LeadFilter { client_id: Some(client), ..Default::default() };
        api::crm::leads::list(&filter, api::page(50, 0))
    });
    let list = sub_list(leads, "No leads are linked to this client.", |lead: Lead| {
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
    });
    related("client-leads", "Leads", list)
}

/// The audit trail of the client (who changed what), for holders of canManageSettings.
#[component]
pub fn ClientHistory(client: Uuid, reload: Reload) -> impl IntoView {
    let history = LocalResource::new(move || {
        reload.track();
        let filter = ActivityFilter {
            entity_type: Some("client".into()),
            entity_id: Some(client.to_string()),
            ..Default::default()
        };
        api::activity::list(&filter, api::page(20, 0))
    });
    let list = sub_list(history, "No changes recorded.", |entry: ActivityLog| {
        view! {
            <li>
                <span>{entry.description.clone()}</span>
                <small class="muted">{format_time(Some(entry.created_at))}</small>
            </li>
        }
    });
    related("client-history", "History", list)
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
    }
}
