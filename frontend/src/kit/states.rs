//! Loading, error and empty states for every data view, and the permission gate of a page.

use super::list::Reload;
use crate::api::{ApiResult, Paged};
use crate::session::use_session;
use domain::identity::users::CurrentUser;
use domain::Problem;
use leptos::prelude::*;

#[component]
pub fn Loading(#[prop(into, default = "Loading…".to_owned())] label: String) -> impl IntoView {
    view! {
        <div class="state state-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{label}</span>
        </div>
    }
}

#[component]
pub fn ErrorState(problem: Problem, #[prop(optional, into)] retry: Option<Callback<()>>) -> impl IntoView {
    view! {
        <div class="state state-error" role="alert">
            <strong>{problem.title.clone()}</strong>
            <p>{problem.detail.clone()}</p>
            {retry
                .map(|retry| {
                    view! {
                        <button class="button" on:click=move |_| retry.run(())>
                            "Try again"
                        </button>
                    }
                })}
        </div>
    }
}

#[component]
pub fn EmptyState(#[prop(into)] title: String, #[prop(into, optional)] message: Option<String>) -> impl IntoView {
    view! {
        <div class="state state-empty">
            <strong>{title}</strong>
            {message.map(|m| view! { <p>{m}</p> })}
        </div>
    }
}

/// Shows `children` only to users `allowed` lets in; the others read why not.
#[component]
pub fn Gate(
    allowed: fn(&CurrentUser) -> bool,
    #[prop(into)] title: String,
    #[prop(into)] message: String,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let permitted = move || session.user.with(|u| u.as_ref().is_some_and(allowed));
    view! {
        <Show when=permitted fallback=move || view! { <EmptyState title=title.clone() message=message.clone() /> }>
            {children()}
        </Show>
    }
}

/// What a fetched value shows: a spinner until it arrives, its problem (with a retry when
/// `retry` is given) if it failed, else `ready(value)`.
pub fn loaded<T, V>(
    resource: impl Get<Value = Option<ApiResult<T>>> + Send + Sync + 'static,
    loading: &'static str,
    retry: Option<Reload>,
    ready: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    move || match resource.get() {
        None => view! { <Loading label=loading /> }.into_any(),
        Some(Err(problem)) => match retry {
            Some(reload) => view! { <ErrorState problem retry=move |_| reload.bump() /> }.into_any(),
            None => view! { <ErrorState problem /> }.into_any(),
        },
        Some(Ok(value)) => ready(value).into_any(),
    }
}

/// A panel's list of related records (`<ul class="sub-list">`, one `row` an item), or
/// `empty` when there are none.
pub fn sub_list<T, V>(
    resource: impl Get<Value = Option<ApiResult<Paged<T>>>> + Send + Sync + 'static,
    empty: &'static str,
    row: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    loaded(resource, "Loading…", None, move |page: Paged<T>| {
        if page.items.is_empty() {
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! { <ul class="sub-list">{page.items.into_iter().map(row.clone()).collect_view()}</ul> }.into_any()
        }
    })
}
