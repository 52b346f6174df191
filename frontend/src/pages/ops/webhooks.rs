//! Webhook endpoints (canManageSettings): register one (its signing secret is shown once,
//! with a copy button), turn it off and on, send a test event, rotate the secret, delete
//! it, and read its delivery log (`webhook_log`), redelivering from there.

use super::webhook_log::DeliveryLog;
use crate::api;
use crate::kit::format::format_time;
use crate::kit::{
    gated_page, use_list, use_toasts, Column, ConfirmDialog, Empty, Form, FormDialog, ListView, NoFilter, Opener,
    PageHeader, TextField,
};
use domain::ops::webhooks::{CreateWebhookRequest, CreatedWebhookEndpoint, UpdateWebhookRequest, WebhookEndpoint};
use leptos::prelude::*;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let refused = Empty {
        title: "You cannot manage webhooks",
        message: "Webhooks are managed by holders of the canManageSettings permission.",
    };
    gated_page("Webhooks", |u| u.permissions.can_manage_settings, refused, || view! { <WebhooksAdmin /> })
}

/// The event types typed into the form: separated by commas or spaces.
fn event_types(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn status(endpoint: &WebhookEndpoint) -> impl IntoView {
    let (class, label) = match (endpoint.active, endpoint.failing_since.is_some()) {
        (true, false) => ("status status-on", "Active"),
        (true, true) => ("status status-danger", "Failing"),
        (false, _) => ("status status-off", "Off"),
    };
    view! {
        <div class="cell-stack">
            <span class=class>{label}</span>
            {endpoint.disabled_reason.clone().map(|reason| view! { <span class="cell-note">{reason}</span> })}
        </div>
    }
}

#[component]
fn WebhooksAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let list = use_list(PAGE_SIZE, |_: &NoFilter, page| api::ops::webhooks::list(page));
    let creating = Opener::<()>::new();
    let secret = RwSignal::new(None::<CreatedWebhookEndpoint>);
    let rotating = Opener::<WebhookEndpoint>::new();
    let deleting = Opener::<WebhookEndpoint>::new();
    let reading = Opener::<WebhookEndpoint>::new();

    let toggle = move |endpoint: WebhookEndpoint| {
        let active = !endpoint.active;
        let body = UpdateWebhookRequest { active: Some(active), ..Default::default() };
        toasts.act(
            api::ops::webhooks::update(endpoint.id, &body),
            move |e| format!("{} is turned {}", e.url, if active { "on" } else { "off" }),
            move |_| list.reload(),
        )
    };
    let test = move |endpoint: WebhookEndpoint| {
        toasts.act(
            api::ops::webhooks::test(endpoint.id),
            move |_| format!("A test event is on its way to {}", endpoint.url),
            |_| (),
        )
    };
    let rotate = Callback::new(move |endpoint: WebhookEndpoint| {
        toasts.act(
            api::ops::webhooks::rotate_secret(endpoint.id),
            |_| "The secret has been replaced".to_owned(),
            move |rotated| {
                secret.try_set(Some(rotated));
            },
        )
    });
    let delete = Callback::new(move |endpoint: WebhookEndpoint| {
        toasts.act(
            api::ops::webhooks::remove(endpoint.id),
            move |_| format!("{} has been deleted", endpoint.url),
            move |_| list.reload(),
        )
    });

    let row = move |endpoint: WebhookEndpoint| {
        let (for_toggle, for_test, for_log) = (endpoint.clone(), endpoint.clone(), endpoint.clone());
        let (for_rotate, for_delete) = (endpoint.clone(), endpoint.clone());
        view! {
            <tr data-testid="webhook-row">
                <td data-label="URL">
                    <div class="cell-stack">
                        <span class="mono">{endpoint.url.clone()}</span>
                        {endpoint.description.clone().map(|text| view! { <span class="cell-note">{text}</span> })}
                    </div>
                </td>
                <td data-label="Events">{endpoint.event_types.join(", ")}</td>
                <td data-label="Status">{status(&endpoint)}</td>
                <td data-label="Failing since">{format_time(endpoint.failing_since)}</td>
                <td data-label="Created">{format_time(Some(endpoint.created_at))}</td>
                <td class="row-actions">
                    <button class="button button-small" on:click=move |_| reading.open(for_log.clone())>
                        "Deliveries"
                    </button>
                    <button class="button button-small" on:click=move |_| toggle(for_toggle.clone())>
                        {if endpoint.active { "Turn off" } else { "Turn on" }}
                    </button>
                    {endpoint.active.then(|| view! {
                        <button class="button button-small" on:click=move |_| test(for_test.clone())>"Test"</button>
                    })}
                    <button class="button button-small" on:click=move |_| rotating.open(for_rotate.clone())>
                        "Rotate secret"
                    </button>
                    <button class="button button-small button-danger" on:click=move |_| deleting.open(for_delete.clone())>
                        "Delete"
                    </button>
                </td>
            </tr>
        }
    };

    view! {
        <PageHeader title="Webhooks" note="Signed POSTs of the events you choose to your own systems.">
            <button class="button button-primary" on:click=move |_| creating.open(())>"Add endpoint"</button>
        </PageHeader>
        {move || secret.get().map(|shown| view! { <SecretNotice shown on_done=Callback::new(move |_| secret.set(None)) /> })}
        <ListView
            list
            caption="Webhook endpoints"
            columns=Column::texts(&["URL", "Events", "Status", "Failing since", "Created"], true)
            row
            empty=Empty { title: "No webhook endpoints yet", message: "Add an endpoint to receive events as they happen." }
            loading="Loading webhook endpoints…"
        />
        {creating.view(
            move |created: CreatedWebhookEndpoint| {
                secret.set(Some(created));
                list.reload();
            },
            |_, on_close| view! { <EndpointDialog on_close /> },
        )}
        {reading.view(|_: ()| {}, |endpoint, on_close| view! { <DeliveryLog endpoint on_close /> })}
        <ConfirmDialog
            target=rotating
            title="Rotate secret"
            message=|e| format!("Deliveries to {} will be signed with a new secret from now on; update the receiver.", e.url)
            confirm_label="Rotate"
            on_confirm=rotate
        />
        <ConfirmDialog
            target=deleting
            title="Delete endpoint"
            message=|e| format!("Nothing more will be sent to {}, and its delivery log goes with it.", e.url)
            confirm_label="Delete"
            on_confirm=delete
        />
    }
}

/// The secret of a created endpoint, or a new one after a rotation: shown this once.
#[component]
fn SecretNotice(shown: CreatedWebhookEndpoint, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let value = shown.secret.clone();
    view! {
        <div class="alert alert-success secret" role="status" data-testid="webhook-secret">
            <p>
                <strong>{format!("The signing secret of {}.", shown.endpoint.url)}</strong>
                " Copy it now: it will not be shown again. Receivers check MarketingOS-Signature with it."
            </p>
            <div class="secret-row">
                <code>{shown.secret.clone()}</code>
                <button class="button button-small" on:click=move |_| toasts.copy(&value)>"Copy"</button>
                <button class="button button-small button-ghost" on:click=move |_| on_done.run(())>"Done"</button>
            </div>
        </div>
    }
}

#[component]
fn EndpointDialog(on_close: Callback<Option<CreatedWebhookEndpoint>>) -> impl IntoView {
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let types = RwSignal::new("*".to_owned());
    let form = Form::new();
    let submit = move || {
        let text = description.get_untracked();
        Ok(api::ops::webhooks::create(&CreateWebhookRequest {
            url: url.get_untracked().trim().to_owned(),
            description: (!text.trim().is_empty()).then(|| text.trim().to_owned()),
            event_types: event_types(&types.get_untracked()),
            active: None,
        }))
    };
    view! {
        <FormDialog
            title="New webhook endpoint"
            testid="webhook-form"
            form
            submit
            name=|created: &CreatedWebhookEndpoint| created.endpoint.url.clone()
            on_close
            save_label="Create"
            busy_label="Creating…"
        >
            <TextField label="URL" name="url" value=url problem=form.problem required=true autocomplete="off" input_type="url" />
            <TextField label="Description" name="description" value=description problem=form.problem />
            <TextField
                label="Event types"
                name="eventTypes"
                value=types
                problem=form.problem
                required=true
                hint="* for every event, a family such as lead.*, or types such as lead.created, task.complete"
            />
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn event_types_are_separated_by_commas_or_spaces() {
        assert_eq!(
            super::event_types(" lead.*, task.complete  user.created,,"),
            ["lead.*", "task.complete", "user.created"]
        );
        assert!(super::event_types(" ").is_empty());
    }
}
