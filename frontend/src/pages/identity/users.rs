//! Users administration (canManageUsers): search, role filter, pages, create and edit
//! with the API's field errors, deactivate with confirmation, reactivate.

use crate::api;
use crate::kit::format::{changed, format_time, humanize, non_empty};
use crate::kit::{
    choices, gated_page, use_list, use_toasts, Column, ConfirmDialog, Empty, FilterSelect, Form, FormDialog, ListView,
    Opener, PageHeader, SearchBox, SelectField, TextField,
};
use domain::identity::users::{CreateUserRequest, UpdateUserRequest, User};
use domain::Role;
use leptos::prelude::*;

const PAGE_SIZE: i64 = 20;

fn role_label(role: Role) -> String {
    humanize(role.as_str())
}

fn role_options() -> Vec<(String, String)> {
    choices(&Role::ALL, Role::as_str, role_label)
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
    let refused =
        Empty { title: "You cannot manage users", message: "Ask an administrator for the canManageUsers permission." };
    gated_page("Users", |u| u.permissions.can_manage_users, refused, || view! { <UsersAdmin /> })
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let toasts = use_toasts();
    let list = use_list(PAGE_SIZE, api::identity::users::list);
    crate::kit::live::refresh_on(&["user"], move || list.reload());
    let editor = Opener::<Option<User>>::new();
    let deactivating = Opener::<User>::new();

    let deactivate = Callback::new(move |user: User| {
        toasts.act(
            api::identity::users::deactivate(user.id),
            move |_| format!("{} has been deactivated", user.username),
            move |_| list.reload(),
        )
    });
    let reactivate = move |user: User| {
        let patch = UpdateUserRequest { is_active: Some(true), ..Default::default() };
        toasts.act(
            api::identity::users::update(user.id, &patch),
            |user| format!("{} has been reactivated", user.username),
            move |_| list.reload(),
        )
    };

    let row = move |user: User| {
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
                    <span class="status" class:status-on=active class:status-off=!active>
                        {if active { "Active" } else { "Deactivated" }}
                    </span>
                </td>
                <td data-label="Last sign-in">{format_time(user.last_login_at)}</td>
                <td class="row-actions">
                    <button class="button button-small" on:click=move |_| editor.open(Some(for_edit.clone()))>
                        "Edit"
                    </button>
                    {if active {
                        view! {
                            <button
                                class="button button-small button-danger"
                                on:click=move |_| deactivating.open(for_toggle.clone())
                            >
                                "Deactivate"
                            </button>
                        }
                            .into_any()
                    } else {
                        view! {
                            <button class="button button-small" on:click=move |_| reactivate(for_toggle.clone())>
                                "Reactivate"
                            </button>
                        }
                            .into_any()
                    }}
                </td>
            </tr>
        }
    };

    view! {
        <PageHeader title="Users" note="Staff, agents, creators and client accounts.">
            <button class="button button-primary" data-testid="new-user" on:click=move |_| editor.open(None)>
                "New user"
            </button>
        </PageHeader>
        <div class="toolbar">
            <SearchBox
                url=list.url
                id="user-search"
                label="Search users"
                placeholder="Search name, username or email"
                button=true
            />
            <FilterSelect label="Role" bind=list.url.field(|f| &mut f.role) options=role_options() any="All roles" />
        </div>
        <ListView
            list
            caption="Users"
            columns=Column::texts(&["Name", "Username", "Email", "Role", "Status", "Last sign-in"], true)
            row
            empty=Empty { title: "No users found", message: "Change the search or the role filter, or create a user." }
            loading="Loading users…"
        />
        {editor.view(move |_: User| list.reload(), |user, on_close| view! { <UserDialog user on_close /> })}
        <ConfirmDialog
            target=deactivating
            title="Deactivate user"
            message=|u| format!("{} will be signed out and can no longer sign in. Their history is kept.", u.username)
            confirm_label="Deactivate"
            on_confirm=deactivate
        />
    }
}

/// Create (`user` = None) or edit a user; field errors come from the API's problem.
#[component]
fn UserDialog(user: Option<User>, on_close: Callback<Option<User>>) -> impl IntoView {
    let editing = user.is_some();
    let get = |f: fn(&User) -> Option<String>| RwSignal::new(user.as_ref().and_then(f).unwrap_or_default());
    let username = get(|u| Some(u.username.clone()));
    let email = get(|u| u.email.clone());
    let first_name = get(|u| u.first_name.clone());
    let last_name = get(|u| u.last_name.clone());
    let role = RwSignal::new(user.as_ref().map_or(Role::Staff, |u| u.role).as_str().to_owned());
    let password = RwSignal::new(String::new());
    let form = Form::new();

    let submit = move || {
        let role = Role::parse(&role.get_untracked());
        let text = |field: RwSignal<String>| non_empty(&field.get_untracked());
        Ok(match &user {
            None => futures_util::future::Either::Left(api::identity::users::create(&CreateUserRequest {
                username: username.get_untracked().trim().to_owned(),
                password: password.get_untracked(),
                email: text(email),
                first_name: text(first_name),
                last_name: text(last_name),
                role,
                client_id: None,
                creator_id: None,
                custom_permissions: None,
            })),
            Some(current) => {
                let body = UpdateUserRequest {
                    username: Some(username.get_untracked().trim().to_owned()).filter(|u| *u != current.username),
                    password: text(password),
                    email: changed(text(email), &current.email),
                    first_name: changed(text(first_name), &current.first_name),
                    last_name: changed(text(last_name), &current.last_name),
                    role: role.filter(|r| *r != current.role),
                    ..Default::default()
                };
                futures_util::future::Either::Right(api::identity::users::update(current.id, &body))
            }
        })
    };

    let title = if editing { "Edit user" } else { "New user" };
    view! {
        <FormDialog title testid="user-form" form submit name=|u: &User| u.username.clone() editing on_close>
            <div class="form-grid">
                <TextField label="Username" name="username" value=username problem=form.problem required=true autocomplete="off" />
                <TextField label="Email" name="email" value=email problem=form.problem input_type="email" autocomplete="off" />
                <TextField label="First name" name="firstName" value=first_name problem=form.problem autocomplete="off" />
                <TextField label="Last name" name="lastName" value=last_name problem=form.problem autocomplete="off" />
                <SelectField label="Role" name="role" value=role problem=form.problem options=role_options() />
                <TextField
                    label=if editing { "New password" } else { "Password" }
                    name="password"
                    value=password
                    problem=form.problem
                    input_type="password"
                    autocomplete="new-password"
                    required=!editing
                    hint=if editing { "Leave blank to keep the current password." } else { "At least 8 characters." }
                />
            </div>
        </FormDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_labels() {
        assert_eq!(role_label(Role::StaffContentCreator), "Staff content creator");
        assert_eq!(role_options().len(), Role::ALL.len());
    }
}
