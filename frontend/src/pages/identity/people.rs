//! The people records show and are assigned to, by name: the staff directory
//! (`GET /api/users/directory`, every staff-side user may read it) for the staff side, the
//! caller alone in the client portal. Former users keep their names on what they owned and
//! are not offered in pickers.

use crate::api;
use crate::session::use_session;
use domain::identity::users::DirectoryFilter;
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i32,
    pub name: String,
    /// Offered in pickers; a deactivated user only names what they owned.
    pub active: bool,
}

/// Pages of the directory read at most: an agency of up to 1,000 people.
const DIRECTORY_PAGES: i64 = 5;
const DIRECTORY_PAGE: i64 = 200;

async fn directory() -> Vec<Person> {
    let mut people = Vec::new();
    for page in 0..DIRECTORY_PAGES {
        let Ok(found) = api::identity::users::directory(
            &DirectoryFilter::default(),
            api::page(DIRECTORY_PAGE, page * DIRECTORY_PAGE),
        )
        .await
        else {
            break;
        };
        let last = people.len() as i64 + found.items.len() as i64 >= found.total || found.items.is_empty();
        people.extend(found.items.iter().map(|p| Person { id: p.id, name: p.display_name(), active: p.is_active }));
        if last {
            break;
        }
    }
    people
}

pub fn use_people() -> LocalResource<Vec<Person>> {
    let session = use_session();
    LocalResource::new(move || {
        let me = session.user.get();
        async move {
            let Some(me) = me else { return Vec::new() };
            let me_only = || vec![Person { id: me.user.id, name: me.user.display_name(), active: true }];
            if me.user.role.is_client_portal() {
                return me_only();
            }
            let people = directory().await;
            if people.is_empty() {
                me_only()
            } else {
                people
            }
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
        .chain(people.iter().filter(|p| p.active).map(|p| (p.id.to_string(), p.name.clone())))
        .collect()
}
