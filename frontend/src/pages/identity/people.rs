//! The people records can be assigned to, by name: every active user for those who may
//! list users, else only the caller.

use crate::api;
use crate::session::use_session;
use domain::identity::users::{User, UserFilter};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i32,
    pub name: String,
}

/// "Ada Lovelace", "Ada", or the username when the user gave no name.
pub fn display_name(user: &User) -> String {
    match (&user.first_name, &user.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.clone(),
        _ => user.username.clone(),
    }
}

pub fn use_people() -> LocalResource<Vec<Person>> {
    let session = use_session();
    LocalResource::new(move || {
        let me = session.user.get();
        async move {
            let Some(me) = me else { return Vec::new() };
            if me.permissions.can_manage_users {
                let active = UserFilter { is_active: Some(true), ..Default::default() };
                if let Ok(page) = api::identity::users::list(&active, api::page(200, 0)).await {
                    return page.items.iter().map(|u| Person { id: u.id, name: display_name(u) }).collect();
                }
            }
            vec![Person { id: me.user.id, name: display_name(&me.user) }]
        }
    })
}

/// The name of user `id` among `people`, else a neutral label.
pub fn person_name(people: &[Person], id: Option<i32>) -> String {
    match id {
        None => "Unassigned".to_owned(),
        Some(id) => people.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_else(|| format!("User {id}")),
    }
}

/// `(value, label)` options of an owner picker: nobody, then `people`.
pub fn owner_options(people: &[Person]) -> Vec<(String, String)> {
    std::iter::once((String::new(), "Unassigned".to_owned()))
        .chain(people.iter().map(|p| (p.id.to_string(), p.name.clone())))
        .collect()
}
