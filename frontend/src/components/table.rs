//! A data table and its pager (`limit` + `offset`, total from `X-Total-Count`).

use leptos::prelude::*;

#[component]
pub fn DataTable(#[prop(into)] caption: String, columns: Vec<&'static str>, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>{columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn Pagination(offset: RwSignal<i64>, limit: i64, #[prop(into)] total: Signal<i64>) -> impl IntoView {
    let first = move || if total.get() == 0 { 0 } else { offset.get() + 1 };
    let last = move || (offset.get() + limit).min(total.get());
    view! {
        <nav class="pagination" aria-label="Pages">
            <span data-testid="page-info">{move || format!("{}–{} of {}", first(), last(), total.get())}</span>
            <button
                class="button"
                disabled=move || offset.get() == 0
                on:click=move |_| offset.update(|o| *o = (*o - limit).max(0))
            >
                "Previous"
            </button>
            <button
                class="button"
                disabled=move || { offset.get() + limit >= total.get() }
                on:click=move |_| offset.update(|o| *o += limit)
            >
                "Next"
            </button>
        </nav>
    }
}
