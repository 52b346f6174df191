//! The parts of a page: the title and permission gate of a page, its header, the page of
//! one record (its address, fetch, header and facts), and the dashboard's count cards.

use super::format::set_title;
use super::list::Reload;
use super::states::{EmptyState, Gate, Loading};
use super::table::Empty;
use crate::api::{ApiResult, Paged};
use domain::identity::users::CurrentUser;
use futures_util::future::{FutureExt, LocalBoxFuture};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::future::Future;
use uuid::Uuid;

/// A page behind a permission: sets the document's title, and shows `page` to the users
/// `allowed` lets in; the others read `refused`.
pub fn gated_page<V: IntoView + 'static>(
    title: &'static str,
    allowed: fn(&CurrentUser) -> bool,
    refused: Empty,
    page: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    set_title(title);
    view! {
        <Gate allowed title=refused.title message=refused.message>
            {page()}
        </Gate>
    }
}

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

/// A record's header: the way back to its list (`back`: address and label), its name, a
/// line under it (`note`) and its actions.
#[component]
pub fn RecordHeader(
    back: (&'static str, &'static str),
    #[prop(into)] title: String,
    #[prop(optional)] testid: Option<&'static str>,
    note: AnyView,
    children: Children,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <div>
                <p class="breadcrumb">
                    <A href=back.0>{back.1}</A>
                </p>
                <h1 data-testid=testid>{title}</h1>
                <p class="muted">{note}</p>
            </div>
            <div class="header-actions">{children()}</div>
        </header>
    }
}

/// One record for its page: `fetch`ed again after each bump of the returned [`Reload`],
/// and the document's title set to `title_of` it once it arrives.
pub fn use_record<T, Fut>(
    fetch: impl Fn() -> Fut + 'static,
    title_of: fn(&T) -> String,
) -> (LocalResource<ApiResult<T>>, Reload)
where
    T: Clone + 'static,
    Fut: Future<Output = ApiResult<T>> + 'static,
{
    let reload = Reload::new();
    let record = LocalResource::new(move || {
        reload.track();
        fetch()
    });
    Effect::new(move |_| {
        record.with(|record| {
            if let Some(Ok(record)) = record {
                set_title(&title_of(record));
            }
        })
    });
    (record, reload)
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
