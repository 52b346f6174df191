//! Users administration (canManageUsers): search, role filter, pages, create and edit
//! with the API's field errors, deactivate with confirmation.

use crate::api;
use crate::components::{
    use_toasts, ConfirmDialog, DataTable, EmptyState, ErrorState, Loading, Pagination, SelectField, TextField,
};
use crate::session::use_session;
use domain::identity::users::{CreateUserRequest, UpdateUserRequest, User, UserFilter};
use domain::{Problem, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

const PAGE_SIZE: i64 = 20;

fn role_label(role: Role) -> String {
    let name = role.as_str().replace('_', " ");
    let mut chars = name.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_owned(), role_label(*r))).collect()
}

fn non_empty(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

fn full_name(user: &User) -> String {
    match (&user.first_name, &user.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.clone(),
        (None, Some(l)) => l.clone(),
        (None, None) => "—".to_owned(),
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    super::set_title("Users");
    let session = use_session();
    let allowed = move || session.user.with(|u| u.as_ref().is_some_and(|u| u.permissions.can_manage_users));
    view! {
        <Show
            when=allowed
            fallback=|| {
                view! {
                    <EmptyState
                        title="You cannot manage users"
                        message="Ask an administrator for the canManageUsers permission."
                    />
                }
            }
        >
            <UsersAdmin />
        </Show>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let search_input = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let offset = RwSignal::new(0i64);
    let reload = RwSignal::new(0u32);
    // `None` = dialog closed; `Some(None)` = creating; `Some(Some(user))` = editing.
    let editing = RwSignal::new(None::<Option<User>>);
    let confirm_open = RwSignal::new(false);
    let to_deactivate = RwSignal::new(None::<User>);

    let users = LocalResource::new(move || {
        reload.track();
        let filter = UserFilter { q: non_empty(q.get()), role: Role::parse(&role.get()), ..Default::default() };
        api::identity::users::list(&filter, api::page(PAGE_SIZE, offset.get()))
    });
    let total = Signal::derive(move || users.get().and_then(Result::ok).map(|p| p.total).unwrap_or(0));

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        offset.set(0);
        q.set(search_input.get_untracked());
    };
    let set_role = move |ev| {
        offset.set(0);
        role.set(event_target_value(&ev));
    };

    let deactivate = Callback::new(move |_| {
        let Some(user) = to_deactivate.get_untracked() else { return };
        spawn_local(async move {
            match api::identity::users::deactivate(user.id).await {
                Ok(()) => {
                    toasts.success(format!("{} has been deactivated", user.username));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    });
    let reactivate = move |user: User| {
        spawn_local(async move {
            let patch = UpdateUserRequest { is_active: Some(true), ..Default::default() };
            match api::identity::users::update(user.id, &patch).await {
                Ok(_) => {
                    toasts.success(format!("{} has been reactivated", user.username));
                    reload.update(|n| *n += 1);
                }
                Err(problem) => toasts.problem(&problem),
            }
        });
    };

    let rows = move || {
        users.get().map(|result| match result {
            Err(problem) => {
                view! { <ErrorState problem retry=Callback::new(move |_| reload.update(|n| *n += 1)) /> }.into_any()
            }
            Ok(page) if page.items.is_empty() => view! {
                <EmptyState
                    title="No users found"
                    message="Change the search or the role filter, or create a user."
                />
            }
            .into_any(),
            Ok(page) => view! {
                <DataTable
                    caption="Users"
                    columns=vec!["Name", "Username", "Email", "Role", "Status", "Last sign-in", ""]
                >
                    {page
                        .items
                        .into_iter()
                        .map(|user| {
                            let for_edit = user.clone();
                            let for_toggle = user.clone();
                            let active = user.is_active;
                            view! {
                                <tr data-testid="user-row">
                                    <td data-label="Name">{full_name(&user)}</td>
                                    <td data-label="Username">{user.username.clone()}</td>
                                    <td data-label="Email">{user.email.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td data-label="Role">
                                        <span class="badge">{role_label(user.role)}</span>
                                    </td>
                                    <td data-label="Status">
                                        <span
                                            class="status"
                                            class:status-on=active
                                            class:status-off=!active
                                        >
                                            {if active { "Active" } else { "Deactivated" }}
                                        </span>
                                    </td>
                                    <td data-label="Last sign-in">{super::format_time(user.last_login_at)}</td>
                                    <td class="row-actions">
                                        <button
                                            class="button button-small"
                                            on:click=move |_| editing.set(Some(Some(for_edit.clone())))
                                        >
                                            "Edit"
                                        </button>
                                        {if active {
                                            view! {
                                                <button
                                                    class="button button-small button-danger"
                                                    on:click=move |_| {
                                                        to_deactivate.set(Some(for_toggle.clone()));
                                                        confirm_open.set(true);
                                                    }
                                                >
                                                    "Deactivate"
                                                </button>
                                            }
                                                .into_any()
                                        } else {
                                            view! {
                                                <button
                                                    class="button button-small"
                                                    on:click=move |_| reactivate(for_toggle.clone())
                                                >
                                                    "Reactivate"
                                                </button>
                                            }
                                                .into_any()
                                        }}
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
                <h1>"Users"</h1>
                <p class="muted">"Staff, agents, creators and client accounts."</p>
            </div>
            <button
                class="button button-primary"
                data-testid="new-user"
                on:click=move |_| editing.set(Some(None))
            >
                "New user"
            </button>
        </header>
        <div class="toolbar">
            <form class="search" role="search" on:submit=search>
                <label class="visually-hidden" for="user-search">
                    "Search users"
                </label>
                <input
                    id="user-search"
                    type="search"
                    placeholder="Search name, username or email"
                    bind:value=search_input
                />
                <button class="button" type="submit">
                    "Search"
                </button>
            </form>
            <label class="inline-field">
                <span>"Role"</span>
                <select on:change=set_role prop:value=move || role.get()>
                    <option value="">"All roles"</option>
                    {role_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <section class="panel" aria-busy=move || users.get().is_none().to_string()>
            {move || rows().unwrap_or_else(|| view! { <Loading label="Loading users…" /> }.into_any())}
            <Pagination offset limit=PAGE_SIZE total />
        </section>
        {move || {
            editing
                .get()
                .map(|user| {
                    view! {
                        <UserDialog
                            user
                            on_close=Callback::new(move |saved: bool| {
                                editing.set(None);
                                if saved {
                                    reload.update(|n| *n += 1);
                                }
                            })
                        />
                    }
                })
        }}
        <ConfirmDialog
            open=confirm_open
            title="Deactivate user"
            message=Signal::derive(move || {
                to_deactivate
                    .get()
                    .map(|u| {
                        format!("{} will be signed out and can no longer sign in. Their history is kept.", u.username)
                    })
                    .unwrap_or_default()
            })
            confirm_label="Deactivate"
            on_confirm=deactivate
        />
    }
}

/// Create (`user` = None) or edit a user; field errors come from the API's problem.
#[component]
fn UserDialog(user: Option<User>, on_close: Callback<bool>) -> impl IntoView {
    let toasts = use_toasts();
    let existing = user.clone();
    let editing = user.is_some();
    let get = |f: fn(&User) -> Option<String>| user.as_ref().and_then(f).unwrap_or_default();
    let username = RwSignal::new(user.as_ref().map(|u| u.username.clone()).unwrap_or_default());
    let email = RwSignal::new(get(|u| u.email.clone()));
    let first_name = RwSignal::new(get(|u| u.first_name.clone()));
    let last_name = RwSignal::new(get(|u| u.last_name.clone()));
    let role = RwSignal::new(user.as_ref().map(|u| u.role).unwrap_or(Role::Staff).as_str().to_owned());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        problem.set(None);
        let role_value = Role::parse(&role.get_untracked());
        let existing = existing.clone();
        spawn_local(async move {
            let result = match &existing {
                None => {
                    let body = CreateUserRequest {
                        username: username.get_untracked().trim().to_owned(),
                        password: password.get_untracked(),
                        email: non_empty(email.get_untracked()),
                        first_name: non_empty(first_name.get_untracked()),
                        last_name: non_empty(last_name.get_untracked()),
                        role: role_value,
                        client_id: None,
                        creator_id: None,
                        custom_permissions: None,
                    };
                    api::identity::users::create(&body).await
                }
                Some(current) => {
                    let changed = |new: Option<String>, old: &Option<String>| (new != *old).then_some(new);
                    let body = UpdateUserRequest {
                        username: Some(username.get_untracked().trim().to_owned()).filter(|u| *u != current.username),
                        password: non_empty(password.get_untracked()),
                        email: changed(non_empty(email.get_untracked()), &current.email),
                        first_name: changed(non_empty(first_name.get_untracked()), &current.first_name),
                        last_name: changed(non_empty(last_name.get_untracked()), &current.last_name),
                        role: role_value.filter(|r| *r != current.role),
                        ..Default::default()
                    };
                    api::identity::users::update(current.id, &body).await
                }
            };
            busy.set(false);
            match result {
                Ok(saved) => {
                    toasts.success(if editing {
                        format!("{} has been updated", saved.username)
                    } else {
                        format!("{} has been created", saved.username)
                    });
                    on_close.run(true);
                }
                Err(p) => {
                    toasts.problem(&p);
                    problem.set(Some(p));
                }
            }
        });
    };

    let title = if editing { "Edit user" } else { "New user" };
    view! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-label=title>
                <form class="form" on:submit=submit novalidate data-testid="user-form">
                    <h2>{title}</h2>
                    <div class="form-grid">
                        <TextField label="Username" name="username" value=username problem required=true autocomplete="off" />
                        <TextField label="Email" name="email" value=email problem input_type="email" autocomplete="off" />
                        <TextField label="First name" name="firstName" value=first_name problem autocomplete="off" />
                        <TextField label="Last name" name="lastName" value=last_name problem autocomplete="off" />
                        <SelectField label="Role" name="role" value=role problem options=role_options() />
                        <TextField
                            label=if editing { "New password" } else { "Password" }
                            name="password"
                            value=password
                            problem
                            input_type="password"
                            autocomplete="new-password"
                            required=!editing
                            hint=if editing { "Leave blank to keep the current password." } else { "At least 8 characters." }
                        />
                    </div>
                    <div class="dialog-actions">
                        <button class="button" type="button" on:click=move |_| on_close.run(false)>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_blank_fields() {
        assert_eq!(role_label(Role::StaffContentCreator), "Staff content creator");
        assert_eq!(role_options().len(), Role::ALL.len());
        assert_eq!(non_empty("  ".into()), None);
        assert_eq!(non_empty(" ada ".into()).as_deref(), Some("ada"));
    }
}
