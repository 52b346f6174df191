//! Pieces shared by the CRM pages (leads, pipeline, clients, campaigns): list addresses
//! built from the domain filter types, remembered sort orders, sortable column headers,
//! labels, day inputs, permission gates and the people an assignee can be.

use crate::api;
use crate::components::{EmptyState, Loading};
use crate::session::use_session;
use chrono::{DateTime, NaiveDate, Utc};
use domain::identity::users::{User, UserFilter};
use domain::Permissions;
use futures_util::future::LocalBoxFuture;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// How long typing pauses before a search box queries the API.
pub const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// The trimmed text, or `None` when blank.
pub fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// A sort key such as `-createdAt` as the API's sort type; unknown keys are `None`.
pub fn parse_sort<S: DeserializeOwned>(value: &str) -> Option<S> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

/// The key a click on column `key` switches to: ascending first, then descending.
pub fn next_sort(current: &str, key: &str) -> String {
    if current == key {
        format!("-{key}")
    } else {
        key.to_owned()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The sort order remembered under `storage_key`, if it is one the API accepts.
pub fn stored_sort<S: DeserializeOwned>(storage_key: &str, default: &str) -> String {
    storage()
        .and_then(|s| s.get_item(storage_key).ok().flatten())
        .filter(|value| parse_sort::<S>(value).is_some())
        .unwrap_or_else(|| default.to_owned())
}

/// A column header that sorts the list by `key` and remembers the choice in localStorage.
#[component]
pub fn SortHeader(
    #[prop(into)] label: String,
    key: &'static str,
    sort: RwSignal<String>,
    storage_key: &'static str,
    offset: RwSignal<i64>,
) -> impl IntoView {
    let state = move || {
        let current = sort.get();
        if current == key {
            "ascending"
        } else if current.strip_prefix('-') == Some(key) {
            "descending"
        } else {
            "none"
        }
    };
    let arrow = move || match state() {
        "ascending" => "▲",
        "descending" => "▼",
        _ => "↕",
    };
    let click = move |_| {
        let next = next_sort(&sort.get_untracked(), key);
        if let Some(storage) = storage() {
            let _ = storage.set_item(storage_key, &next);
        }
        offset.set(0);
        sort.set(next);
    };
    view! {
        <th scope="col" aria-sort=state>
            <button class="sort-button" type="button" on:click=click data-sort=key>
                {label}
                <span class="sort-arrow" aria-hidden="true">
                    {arrow}
                </span>
            </button>
        </th>
    }
}

/// "12,500"; money is stored in whole units of the agency's currency.
pub fn format_amount(value: Option<i32>) -> String {
    let Some(value) = value else { return "—".to_owned() };
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// "2026-11-25" in the browser's time zone, or "—".
pub fn format_day(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into())
}

/// "2026-11-25" (UTC), the value of a date input; empty when unset.
pub fn day_value(time: Option<DateTime<Utc>>) -> String {
    time.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// A date input's value as midnight UTC of that day.
pub fn day_start(value: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
}

pub fn parse_day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// `Some(new)` when a field of a partial update changed (`Some(None)` clears it).
pub fn changed<T: PartialEq>(new: Option<T>, old: &Option<T>) -> Option<Option<T>> {
    (new != *old).then_some(new)
}

/// "closed_won" → "Closed won".
pub fn humanize(value: &str) -> String {
    let text = value.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The id of the lead a duplicate (409) problem names: "… already exists (lead <uuid>)".
pub fn duplicate_lead_id(detail: &str) -> Option<uuid::Uuid> {
    let start = detail.find("(lead ")? + "(lead ".len();
    let rest = &detail[start..];
    uuid::Uuid::parse_str(rest.get(..36)?).ok()
}

/// Escape closes the open dialog wherever the focus is (a Save button disabled while
/// saving drops it to the page, outside the dialog).
pub fn close_on_escape(close: impl Fn() + 'static) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close();
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves the focus to the first field of a dialog when it opens, so keyboard users type
/// into the dialog rather than the page behind its overlay.
pub fn focus_first_field(form: NodeRef<leptos::html::Form>) {
    Effect::new(move |_| {
        let field = form.get().and_then(|form| form.query_selector("input, select, textarea").ok().flatten());
        if let Some(field) = field.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = field.focus();
        }
    });
}

/// Shows `children` only to users whose permissions pass `allowed`.
#[component]
pub fn Gate(
    allowed: fn(&Permissions) -> bool,
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let permitted = move || session.user.with(|u| u.as_ref().is_some_and(|u| allowed(&u.permissions)));
    view! {
        <Show
            when=permitted
            fallback=move || view! { <EmptyState title=title.clone() message=message.clone() /> }
        >
            {children()}
        </Show>
    }
}

/// People records can be assigned to: every active user for those who may list users,
/// else only the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i32,
    pub name: String,
}

fn display_name(user: &User) -> String {
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

/// A dashboard card with a number of records (`count`, e.g. the total of a one-row page).
#[component]
pub fn CountCard(
    #[prop(into)] title: String,
    count: fn() -> LocalBoxFuture<'static, Option<i64>>,
    unit: &'static str,
    href: &'static str,
    link: &'static str,
) -> impl IntoView {
    let total = LocalResource::new(count);
    view! {
        <article class="card">
            <h2>{title}</h2>
            {move || match total.get() {
                None => view! { <Loading label="Counting…" /> }.into_any(),
                Some(total) => view! {
                    <p class="metric">{total.map(|t| t.to_string()).unwrap_or_else(|| "—".into())}</p>
                    <p class="muted">{unit}</p>
                }
                .into_any(),
            }}
            <a href=href>{link}</a>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::crm::leads::LeadSort;

    #[test]
    fn sort_keys_toggle_and_unknown_ones_are_refused() {
        assert_eq!(next_sort("-createdAt", "name"), "name");
        assert_eq!(next_sort("name", "name"), "-name");
        assert_eq!(next_sort("-name", "name"), "name");
        assert_eq!(parse_sort::<LeadSort>("-nextFollowUpDate"), Some(LeadSort::NextFollowUpDateDesc));
        assert_eq!(parse_sort::<LeadSort>("password"), None);
    }

    #[test]
    fn amounts_days_and_labels() {
        assert_eq!(format_amount(Some(1_234_567)), "1,234,567");
        assert_eq!(format_amount(Some(999)), "999");
        assert_eq!(format_amount(Some(-1000)), "-1,000");
        assert_eq!(format_amount(None), "—");
        let day = day_start("2026-03-01");
        assert_eq!(day_value(day), "2026-03-01");
        assert_eq!(day_start("01/03/2026"), None);
        assert_eq!(humanize("closed_won"), "Closed won");
        assert_eq!(changed(Some(1), &Some(1)), None);
        assert_eq!(changed(None, &Some(1)), Some(None));
    }

    #[test]
    fn duplicate_problems_name_the_existing_lead() {
        let id = uuid::Uuid::from_u128(0x6f1c6c1e_8f0e_4a43_9d7b_1d1f7f6e1a10);
        let detail = format!("A lead with this email already exists (lead {id})");
        assert_eq!(duplicate_lead_id(&detail), Some(id));
        assert_eq!(duplicate_lead_id("A lead with this email already exists (lead with the same email)"), None);
    }
}
