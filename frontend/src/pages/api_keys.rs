//! API keys (canManageSettings): create (the key is shown once), list, revoke.

use crate::api;
use crate::components::{
    use_toasts, ConfirmDialog, DataTable, EmptyState, ErrorState, Loading, Pagination, SelectField, TextField,
};
use crate::session::use_session;
use domain::identity::api_keys::{ApiKey, ApiKeyScope, CreateApiKeyRequest, CreatedApiKey};
use domain::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;

const PAGE_SIZE: i64 = 20;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    super::set_title("API keys");
    let session = use_session();
    let allowed = move || session.user.with(|u| u.as_ref().is_some_and(|u| u.permissions.can_manage_settings));
    view! {
        <Show
            when=allowed
            fallback=|| {
                view! {
                    <EmptyState
                        title="You cannot manage API keys"
                        message="API keys are managed by holders of the canManageSettings permission."
                    />
                }
            }
        >
            <ApiKeysAdmin />
        </Show>
    }
}

fn copy_to_clipboard(text: &str) -> bool {
    match web_sys::window() {
        Some(window) => {
            let _ = window.navigator().clipboard().write_text(text);
            true
        }
        None => false,
    }
}

#[component]
fn ApiKeysAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let offset = RwSignal::new(0i64);
    let reload = RwSignal::new(0u32);
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new("api:full".to_owned());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiKey>);
    let confirm_open = RwSignal::new(false);
    let to_revoke = RwSignal::new(None::<ApiKey>);

    let keys = LocalResource::new(move || {
        reload.track();
        api::identity::api_keys::list(api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || keys.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let body = CreateApiKeyRequest {
            name: name.get_untracked().trim().to_owned(),
            scopes: ApiKeyScope::parse(&scope.get_untracked()).map(|s| vec![s]),
            expires_at: None,
        };
        let request = api::identity::api_keys::create(&body);
        spawn_local(async move {
            match request.await {
                Ok(key) => {
                    name.set(String::new());
                    created.set(Some(key));
                    reload.update(|n| *n += 1);
                }
                Err(p) => {
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
            busy.set(false);
        });
    };

    let revoke = Callback::new(move |_| {
        let Some(key) = to_revoke.get_untracked() else { return };
        spawn_local(async move {
            match api::identity::api_keys::revoke(key.id).await {
                Ok(()) => {
                    toasts.success(format!("The key {} has been revoked", key.name));
                    reload.update(|n| *n += 1);
                }
                Err(p) => toasts.problem(&p),
            }
        });
    });

    let rows = move || {
        keys.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(page) if page.items.is_empty() => view! {
                <EmptyState title="No API keys yet" message="Create a key for each integration that calls the API." />
            }
            .into_any(),
            Ok(page) => view! {
                <DataTable
                    caption="API keys"
                    columns=vec!["Name", "Key", "Scopes", "Created", "Last used", "Status", ""]
                >
                    {page
                        .items
                        .into_iter()
                        .map(|key| {
                            let revoked = key.revoked_at.is_some();
                            let for_revoke = key.clone();
                            let scopes = key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                            view! {
                                <tr>
                                    <td data-label="Name">{key.name.clone()}</td>
                                    <td data-label="Key">
                                        <code>{format!("{}…", key.key_prefix)}</code>
                                    </td>
                                    <td data-label="Scopes">{scopes}</td>
                                    <td data-label="Created">{super::format_time(Some(key.created_at))}</td>
                                    <td data-label="Last used">{super::format_time(key.last_used_at)}</td>
                                    <td data-label="Status">
                                        <span class="status" class:status-on=!revoked class:status-off=revoked>
                                            {if revoked { "Revoked" } else { "Active" }}
                                        </span>
                                    </td>
                                    <td class="row-actions">
                                        <Show when=move || !revoked>
                                            <button
                                                class="button button-small button-danger"
                                                on:click={
                                                    let key = for_revoke.clone();
                                                    move |_| {
                                                        to_revoke.set(Some(key.clone()));
                                                        confirm_open.set(true);
                                                    }
                                                }
                                            >
                                                "Revoke"
                                            </button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </DataTable>
            }
            .into_any(),
        })
    };

    view! {
        <header class="page-header">
            <div>
                <h1>"API keys"</h1>
                <p class="muted">"Integrations authenticate with the X-API-Key header."</p>
            </div>
        </header>
        <section class="panel">
            <form class="form form-inline" on:submit=create novalidate>
                <TextField label="Name" name="name" value=name problem required=true autocomplete="off" />
                <SelectField
                    label="Scope"
                    name="scopes"
                    value=scope
                    problem
                    options=vec![
                        ("api:full".to_owned(), "Full access".to_owned()),
                        ("api:read".to_owned(), "Read only".to_owned()),
                    ]
                />
                <button class="button button-primary" type="submit" disabled=move || busy.get()>
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
                                        on:click=move |_| {
                                            if copy_to_clipboard(&secret) {
                                                toasts.success("Copied to the clipboard");
                                            }
                                        }
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
        <section class="panel">
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading API keys…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
        <ConfirmDialog
            open=confirm_open
            title="Revoke API key"
            message=Signal::derive(move || {
                to_revoke
                    .get()
                    .map(|k| format!("Integrations using “{}” will stop working immediately.", k.name))
                    .unwrap_or_default()
            })
            confirm_label="Revoke"
            on_confirm=revoke
        />
    }
}
