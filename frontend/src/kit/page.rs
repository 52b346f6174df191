//! The parts of a page's layout: its header, a record's facts, the page of one record,
//! and the dashboard's count cards.

use super::states::{EmptyState, Loading};
use crate::api::{ApiResult, Paged};
use futures_util::future::{FutureExt, LocalBoxFuture};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::future::Future;
use uuid::Uuid;

/// The page's heading, a line under it, and its actions (buttons, links) on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into, optional)] note: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                {note.map(|note| view! { <p class="muted">{note}</p> })}
            </div>
            {children.map(|actions| view! { <div class="header-actions">{actions()}</div> })}
        </header>
    }
}

/// One labelled value of a record's facts (`<dl class="facts">`); blank reads "—".
pub fn fact(label: &'static str, value: impl Into<String>) -> impl IntoView {
    let value = value.into();
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{if value.is_empty() { "—".to_owned() } else { value }}</dd>
        </div>
    }
}

/// The page of one record at `/…/:id`: `page(id)` for an address that names one, else
/// "No such <what>".
pub fn by_id<V: IntoView + 'static>(
    what: &'static str,
    page: impl Fn(Uuid) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| Uuid::parse_str(&id).ok())));
    move || match id.get() {
        Some(id) => page(id).into_any(),
        None => view! {
            <EmptyState title=format!("No such {what}") message=format!("The address does not name a {what}.") />
        }
        .into_any(),
    }
}

/// A dashboard card with a number of records: `count` is typically the total of a one-row
/// page ([`total`]); "—" when it cannot be had.
#[component]
pub fn CountCard(
    title: &'static str,
    count: fn() -> LocalBoxFuture<'static, Option<i64>>,
    #[prop(optional)] unit: Option<&'static str>,
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
                    {unit.map(|unit| view! { <p class="muted">{unit}</p> })}
                }
                .into_any(),
            }}
            <A href=href>{link}</A>
        </article>
    }
}

/// The number of records a list request matches (its `X-Total-Count`), for a [`CountCard`].
pub fn total<T: 'static>(
    request: impl Future<Output = ApiResult<Paged<T>>> + 'static,
) -> LocalBoxFuture<'static, Option<i64>> {
    request.map(|page| page.ok().map(|page| page.total)).boxed_local()
}
