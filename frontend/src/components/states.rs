//! Loading, error and empty states for every data view.

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
pub fn ErrorState(problem: Problem, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
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
