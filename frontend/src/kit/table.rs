//! The list scaffolding every list page shares: the panel with its loading, error (with
//! retry), empty and "nothing matches" states, the table with sortable column headers,
//! and the pager (`page` in the URL, total from `X-Total-Count`).

use super::list::{List, UrlQuery};
use super::states::{EmptyState, ErrorState, Loading};
use leptos::prelude::*;

/// A column of a list table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Text(&'static str),
    /// A header that sorts by the API's key (`name` ascending first, then `-name`).
    Sorted(&'static str, &'static str),
    /// The row buttons; its header is only read out.
    Actions,
}

impl Column {
    /// Plain columns, then the row buttons' when `actions`.
    pub fn texts(labels: &[&'static str], actions: bool) -> Vec<Column> {
        labels.iter().map(|label| Column::Text(label)).chain(actions.then_some(Column::Actions)).collect()
    }
}

/// What a list says when it has no rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Empty {
    pub title: &'static str,
    pub message: &'static str,
}

/// The key a click on column `key` switches to: ascending first, then descending.
pub fn next_sort(current: &str, key: &str) -> String {
    if current == key {
        format!("-{key}")
    } else {
        key.to_owned()
    }
}

/// `aria-sort` of column `key` when the list is sorted by `current`.
pub fn sort_state(current: &str, key: &str) -> &'static str {
    if current == key {
        "ascending"
    } else if current.strip_prefix('-') == Some(key) {
        "descending"
    } else {
        "none"
    }
}

#[component]
fn SortHeader(
    label: &'static str,
    key: &'static str,
    sort: Signal<String>,
    on_sort: Callback<String>,
) -> impl IntoView {
    let state = move || sort_state(&sort.get(), key);
    let arrow = move || match state() {
        "ascending" => "▲",
        "descending" => "▼",
        _ => "↕",
    };
    view! {
        <th scope="col" aria-sort=state>
            <button
                class="sort-button"
                type="button"
                data-sort=key
                on:click=move |_| on_sort.run(next_sort(&sort.get_untracked(), key))
            >
                {label}
                <span class="sort-arrow" aria-hidden="true">
                    {arrow}
                </span>
            </button>
        </th>
    }
}

fn header(column: Column, sort: Signal<String>, on_sort: Callback<String>) -> AnyView {
    match column {
        Column::Text(label) => view! { <th scope="col">{label}</th> }.into_any(),
        Column::Sorted(label, key) => view! { <SortHeader label key sort on_sort /> }.into_any(),
        Column::Actions => view! {
            <th scope="col">
                <span class="visually-hidden">"Actions"</span>
            </th>
        }
        .into_any(),
    }
}

/// "1–20 of 45" with Previous and Next.
#[component]
fn Pagination(
    #[prop(into)] page: Signal<u32>,
    limit: i64,
    #[prop(into)] total: Signal<i64>,
    go_to: Callback<u32>,
) -> impl IntoView {
    let offset = move || i64::from(page.get().max(1) - 1) * limit;
    let first = move || if total.get() == 0 { 0 } else { offset() + 1 };
    let last = move || (offset() + limit).min(total.get());
    view! {
        <nav class="pagination" aria-label="Pages">
            <span data-testid="page-info">{move || format!("{}–{} of {}", first(), last(), total.get())}</span>
            // Comparisons go in braces: a bare `>` would end the tag.
            <button class="button" disabled=move || { page.get() <= 1 } on:click=move |_| go_to.run(page.get_untracked() - 1)>
                "Previous"
            </button>
            <button
                class="button"
                disabled=move || { offset() + limit >= total.get() }
                on:click=move |_| go_to.run(page.get_untracked() + 1)
            >
                "Next"
            </button>
        </nav>
    }
}

/// A list page's panel: the rows of `list` in a table of `columns` (`row` draws one), or
/// its loading, error or empty state, and the pager. `no_match` is said instead of `empty`
/// when a search or filter is what left the list empty.
#[component]
pub fn ListView<F, T, R, V>(
    list: List<F, T>,
    caption: &'static str,
    columns: Vec<Column>,
    row: R,
    empty: Empty,
    #[prop(optional)] no_match: Option<Empty>,
    #[prop(into)] loading: String,
    /// The API's order when the URL names none, so its header shows the arrow.
    #[prop(optional)]
    default_sort: &'static str,
) -> impl IntoView
where
    F: UrlQuery,
    T: Clone + Send + Sync + 'static,
    R: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let url = list.url;
    let sort =
        Signal::derive(move || Some(url.sort()).filter(|s| !s.is_empty()).unwrap_or_else(|| default_sort.to_owned()));
    let on_sort = Callback::new(move |key: String| url.sort_by(&key));
    let retry = Callback::new(move |_| list.reload());
    let content = move || match list.rows.get() {
        None => view! { <Loading label=loading.clone() /> }.into_any(),
        Some(Err(problem)) => view! { <ErrorState problem retry /> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            let Empty { title, message } = no_match.filter(|_| url.is_filtered()).unwrap_or(empty);
            view! { <EmptyState title message /> }.into_any()
        }
        Some(Ok(page)) => view! {
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">{caption}</caption>
                    <thead>
                        <tr>{columns.iter().map(|c| header(*c, sort, on_sort)).collect_view()}</tr>
                    </thead>
                    <tbody>{page.items.into_iter().map(&row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="panel" aria-busy=move || list.rows.with(Option::is_none).to_string()>
            {content}
            <Pagination
                page=Signal::derive(move || url.page())
                limit=list.limit
                total=list.total()
                go_to=Callback::new(move |page| url.go_to(page))
            />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_toggle() {
        assert_eq!(next_sort("-createdAt", "name"), "name");
        assert_eq!(next_sort("name", "name"), "-name");
        assert_eq!(next_sort("-name", "name"), "name");
        assert_eq!(sort_state("-name", "name"), "descending");
        assert_eq!(sort_state("name", "name"), "ascending");
        assert_eq!(sort_state("", "name"), "none");
    }
}
