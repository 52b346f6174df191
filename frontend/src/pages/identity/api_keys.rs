//! API keys (canManageSettings): create (the key is shown once), list, revoke.

use crate::api;
use crate::kit::format::format_time;
use crate::kit::{
    gated_page, use_list, use_toasts, Column, ConfirmDialog, Empty, Form, ListView, NoFilter, Opener, PageHeader,
    SelectField, TextField,
};
use domain::identity::api_keys::{ApiKey, ApiKeyScope, CreateApiKeyRequest, CreatedApiKey};
use leptos::prelude::*;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let refused = Empty {
        title: "You cannot manage API keys",
        message: "API keys are managed by holders of the canManageSettings permission.",
    };
    gated_page("API keys", |u| u.permissions.can_manage_settings, refused, || view! { <ApiKeysAdmin /> })
}

#[component]
fn ApiKeysAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let list = use_list(PAGE_SIZE, |_: &NoFilter, page| api::identity::api_keys::list(page));
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new("api:full".to_owned());
    let form = Form::new();
    let created = RwSignal::new(None::<CreatedApiKey>);
    let revoking = Opener::<ApiKey>::new();

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = CreateApiKeyRequest {
            name: name.get_untracked().trim().to_owned(),
            scopes: ApiKeyScope::parse(&scope.get_untracked()).map(|s| vec![s]),
            expires_at: None,
        };
        form.send(api::identity::api_keys::create(&body), move |key| {
            name.set(String::new());
            created.set(Some(key));
            list.reload();
        });
    };
    let revoke = Callback::new(move |key: ApiKey| {
        toasts.act(
            api::identity::api_keys::revoke(key.id),
            move |_| format!("The key {} has been revoked", key.name),
            move |_| list.reload(),
        )
    });

    let row = move |key: ApiKey| {
        let revoked = key.revoked_at.is_some();
        let scopes = key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        view! {
            <tr>
                <td data-label="Name">{key.name.clone()}</td>
                <td data-label="Key">
                    <code>{format!("{}…", key.key_prefix)}</code>
                </td>
                <td data-label="Scopes">{scopes}</td>
                <td data-label="Created">{format_time(Some(key.created_at))}</td>
                <td data-label="Last used">{format_time(key.last_used_at)}</td>
                <td data-label="Status">
                    <span class="status" class:status-on=!revoked class:status-off=revoked>
                        {if revoked { "Revoked" } else { "Active" }}
                    </span>
                </td>
                <td class="row-actions">
                    {(!revoked)
                        .then(|| {
                            view! {
                                <button
                                    class="button button-small button-danger"
                                    on:click=move |_| revoking.open(key.clone())
                                >
                                    "Revoke"
                                </button>
                            }
                        })}
                </td>
            </tr>
        }
    };

    view! {
        <PageHeader title="API keys" note="Integrations authenticate with the X-API-Key header." />
        <section class="panel">
            <form class="form form-inline" on:submit=create novalidate>
                <TextField label="Name" name="name" value=name problem=form.problem required=true autocomplete="off" />
                <SelectField
                    label="Scope"
                    name="scopes"
                    value=scope
                    problem=form.problem
                    options=vec![
                        ("api:full".to_owned(), "Full access".to_owned()),
                        ("api:read".to_owned(), "Read only".to_owned()),
                    ]
                />
                <button class="button button-primary" type="submit" disabled=move || form.busy.get()>
                    "Create key"
                </button>
            </form>
            {move || {
                created
                    .get()
                    .map(|key| {
                        let secret = key.key.clone();
                        view! {
                            <div class="alert alert-success secret" role="status" data-testid="new-key">
                                <p>
                                    <strong>{format!("Key “{}” created.", key.api_key.name)}</strong>
                                    " Copy it now: it will not be shown again."
                                </p>
                                <div class="secret-row">
                                    <code>{key.key.clone()}</code>
                                    <button
                                        class="button button-small"
                                        on:click=move |_| toasts.copy(&secret)
                                    >
                                        "Copy"
                                    </button>
                                    <button class="button button-small button-ghost" on:click=move |_| created.set(None)>
                                        "Done"
                                    </button>
                                </div>
                            </div>
                        }
                    })
            }}
        </section>
        <ListView
            list
            caption="API keys"
            columns=Column::texts(&["Name", "Key", "Scopes", "Created", "Last used", "Status"], true)
            row
            empty=Empty { title: "No API keys yet", message: "Create a key for each integration that calls the API." }
            loading="Loading API keys…"
        />
        <ConfirmDialog
            target=revoking
            title="Revoke API key"
            message=|k| format!("Integrations using “{}” will stop working immediately.", k.name)
            confirm_label="Revoke"
            on_confirm=revoke
        />
    }
}
