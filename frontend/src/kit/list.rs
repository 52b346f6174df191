//! Lists whose search, filters, sort and page live in the URL query, so that a reload,
//! back/forward or a shared link shows the same rows. [`use_url_filter`] reads and writes
//! that state; [`use_list`] adds the request, which runs again whenever the query changes.
//!
//! A filter is the API's own query type (`LeadFilter`, `TaskFilter`, …): the URL carries
//! its fields under the API's names (see [`super::query`]), the pages change it typed
//! ([`UrlFilter::update`]) or bind a control to one field ([`UrlFilter::field`]).

use super::query::{self, Pairs};
use crate::api::{self, ApiResult, Paged};
use domain::pagination::PageParams;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::marker::PhantomData;

/// A filter type the kit can keep in the URL.
pub trait UrlQuery: Serialize + DeserializeOwned + Default + Clone + 'static {}
impl<F: Serialize + DeserializeOwned + Default + Clone + 'static> UrlQuery for F {}

/// The filter of a list that has none (it still pages through the URL).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct NoFilter {}

/// A re-fetch trigger. Answers can arrive after their page was left, so bumping it never
/// writes a disposed signal.
#[derive(Debug, Clone, Copy)]
pub struct Reload(RwSignal<u32>);

impl Reload {
    pub fn new() -> Self {
        Reload(RwSignal::new(0))
    }

    /// Subscribes the calling resource or effect.
    pub fn track(self) {
        self.0.track();
    }

    pub fn bump(self) {
        self.0.try_update(|n| *n += 1);
    }

    /// How many bumps so far (tracked), for a [`resource_on`] key.
    pub fn count(self) -> u32 {
        self.0.get()
    }
}

/// What a request last answered, `None` until its first answer.
pub type Fetched<T> = ReadSignal<Option<T>>;

/// Fetches `fetch(key)` again whenever `key` changes or `reload` is bumped, and keeps the
/// latest request's answer; an earlier request that answers later is dropped. An effect
/// drives it rather than a `LocalResource` tracking the URL's memos: such a resource missed
/// a change made while its previous request was in flight, and kept showing the rows of
/// the URL before (seen in the browser with a slow answer).
pub fn resource_on<K, T, Fut>(
    reload: Reload,
    key: impl Fn() -> K + Send + Sync + 'static,
    fetch: impl Fn(K) -> Fut + 'static,
) -> Fetched<T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + 'static,
{
    let key = Memo::new(move |_| key());
    let (answer, set_answer) = signal(None::<T>);
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        reload.track();
        let key = key.get();
        let this = latest.get_value() + 1;
        latest.set_value(this);
        let request = untrack(|| fetch(key));
        spawn_local(async move {
            let value = request.await;
            // The page may be gone, or a later request may have started meanwhile.
            if latest.try_get_value() == Some(this) {
                set_answer.try_set(Some(value));
            }
        });
    });
    answer
}

/// A form control bound to one value: what it shows and what a change does.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub value: Signal<String>,
    pub set: Callback<String>,
}

/// The list state in the URL query: the filter `F`, the page, and the writes that change them.
#[derive(Debug)]
pub struct UrlFilter<F: 'static> {
    /// The whole query, including the keys that belong to others on the page.
    query: Memo<Pairs>,
    /// The filter part, normalised (unreadable values dropped).
    pairs: Memo<Pairs>,
    page: Memo<u32>,
    path: Memo<String>,
    go: Callback<(String, bool)>,
    keep: &'static [&'static str],
    filter: PhantomData<fn() -> F>,
}

impl<F> Clone for UrlFilter<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for UrlFilter<F> {}

/// The list state of the current URL. Keys listed in `keep` belong to something else on
/// the page (the task drawer's `task`) and survive every change of the list's own state.
pub fn use_url_filter<F: UrlQuery>(keep: &'static [&'static str]) -> UrlFilter<F> {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| p.into_iter().map(|(k, v)| (k.to_string(), v.to_owned())).collect::<Pairs>())
    });
    let pairs = Memo::new(move |_| query.with(|q| query::canonical::<F>(q)));
    let page = Memo::new(move |_| query.with(|q| query::parse_page(q)));
    let location = use_location();
    let path = Memo::new(move |_| location.pathname.get());
    let navigate = use_navigate();
    // Filter changes are history entries (back undoes them); typing replaces the entry.
    let go = Callback::new(move |(url, replace): (String, bool)| {
        navigate(&url, NavigateOptions { replace, scroll: false, ..Default::default() })
    });
    UrlFilter { query, pairs, page, path, go, keep, filter: PhantomData }
}

impl<F: UrlQuery> UrlFilter<F> {
    /// The filter of the current URL (tracked).
    pub fn filter(self) -> F {
        self.pairs.with(|pairs| query::parse_filter(pairs))
    }

    /// The 1-based page (tracked).
    pub fn page(self) -> u32 {
        self.page.get()
    }

    /// The text searched for, the filter's `q` (tracked).
    pub fn search_text(self) -> String {
        self.value("q")
    }

    /// The sort key in the API's spelling, e.g. `-createdAt`; empty for the API's default.
    pub fn sort(self) -> String {
        self.value("sort")
    }

    /// Whether anything but the sort narrows the list (tracked).
    pub fn is_filtered(self) -> bool {
        self.pairs.with(|pairs| pairs.iter().any(|(key, _)| key != "sort"))
    }

    fn value(self, key: &str) -> String {
        self.pairs.with(|pairs| query::value(pairs, key).unwrap_or_default().to_owned())
    }

    /// Writes the filter `pairs` and `page` to the URL; nothing when that is the address already.
    fn write(self, pairs: Pairs, page: u32, replace: bool) {
        // A debounced search can fire as its page goes away.
        if self.query.try_with_untracked(|_| ()).is_none() {
            return;
        }
        let query = self.query.with_untracked(|current| query::list_query(&pairs, page, current, self.keep));
        let url = format!("{}{query}", self.path.get_untracked());
        let here =
            self.query.with_untracked(|current| format!("{}{}", self.path.get_untracked(), query::to_query(current)));
        if url != here {
            self.go.try_run((url, replace));
        }
    }

    /// The value of a key that belongs to something else on the page (tracked).
    pub fn other(self, key: &str) -> Option<String> {
        self.query.with(|query| query::value(query, key).map(str::to_owned))
    }

    /// Sets (or removes) a key that belongs to something else on the page, such as the
    /// task drawer's `task`, as a history entry; the list's own state stays as it is.
    pub fn set_other(self, key: &str, value: Option<&str>) {
        let pairs = self.query.with_untracked(|query| query::with_value(query, key, value));
        self.go.try_run((format!("{}{}", self.path.get_untracked(), query::to_query(&pairs)), false));
    }

    /// Changes the filter; the list starts again at its first page.
    pub fn update(self, change: impl FnOnce(&mut F)) {
        let mut filter: F = self.pairs.with_untracked(|pairs| query::parse_filter(pairs));
        change(&mut filter);
        self.write(query::filter_pairs(&filter), 1, false);
    }

    fn set(self, key: &str, value: Option<&str>, replace: bool) {
        let pairs = self.pairs.with_untracked(|pairs| query::with_value(pairs, key, value));
        self.write(query::canonical::<F>(&pairs), 1, replace);
    }

    /// Searches for `text` from the first page. `typing` replaces the history entry, so that
    /// back does not step through every pause in the typing.
    pub fn search(self, text: &str, typing: bool) {
        self.set("q", Some(text), typing);
    }

    /// Sorts by `key` (the API's spelling) from the first page.
    pub fn sort_by(self, key: &str) {
        self.set("sort", Some(key), false);
    }

    pub fn go_to(self, page: u32) {
        self.write(self.pairs.get_untracked(), page.max(1), false);
    }

    /// Back to the unfiltered list, in the same order.
    pub fn clear(self) {
        let sort = self.pairs.with_untracked(|pairs| query::value(pairs, "sort").map(str::to_owned));
        self.write(query::with_value(&[], "sort", sort.as_deref()), 1, false);
    }

    /// A control bound to one field of the filter: it shows the field in the API's
    /// spelling ("" when unset) and a change sets it (blank or unreadable text clears it).
    pub fn field<V>(self, field: fn(&mut F) -> &mut Option<V>) -> Binding
    where
        V: Serialize + DeserializeOwned + 'static,
    {
        Binding {
            value: Signal::derive(move || query::value_text(field(&mut self.filter()))),
            set: Callback::new(move |text: String| self.update(|filter| *field(filter) = query::parse_value(&text))),
        }
    }
}

/// A paged list of `T` whose state is a [`UrlFilter`]: the rows of the current URL.
pub struct List<F: 'static, T: 'static> {
    pub url: UrlFilter<F>,
    pub rows: Fetched<ApiResult<Paged<T>>>,
    pub limit: i64,
    reload: Reload,
}

impl<F, T> Clone for List<F, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F, T> Copy for List<F, T> {}

/// A list of `limit` rows a page, fetched by `fetch` (an endpoint function such as
/// `api::crm::leads::list`) for the filter and page of the URL, again whenever they change.
pub fn use_list<F, T, Fut>(limit: i64, fetch: impl Fn(&F, PageParams) -> Fut + 'static) -> List<F, T>
where
    F: UrlQuery,
    T: Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Paged<T>>> + 'static,
{
    use_scoped_list(&[], limit, || (), move |filter, _, page| fetch(filter, page))
}

/// [`use_list`] for a list that also depends on state outside the URL (`scope`, such as
/// the selected task space; it fetches again when that changes too), on a page whose query
/// also holds the keys in `keep` (the task drawer's `task`).
pub fn use_scoped_list<F, S, T, Fut>(
    keep: &'static [&'static str],
    limit: i64,
    scope: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(&F, S, PageParams) -> Fut + 'static,
) -> List<F, T>
where
    F: UrlQuery,
    S: Clone + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
    Fut: Future<Output = ApiResult<Paged<T>>> + 'static,
{
    let url = use_url_filter::<F>(keep);
    let reload = Reload::new();
    let rows = resource_on(
        reload,
        move || (url.pairs.get(), url.page.get(), scope()),
        move |(pairs, page, scope)| {
            let offset = i64::from(page - 1) * limit;
            fetch(&query::parse_filter(&pairs), scope, api::page(limit, offset))
        },
    );
    List { url, rows, limit, reload }
}

impl<F: UrlQuery, T: Clone + Send + Sync + 'static> List<F, T> {
    /// Fetches the current page again (after a write); safe after the page was left.
    pub fn reload(self) {
        self.reload.bump();
    }

    /// The total from `X-Total-Count`, 0 until known.
    pub fn total(self) -> Signal<i64> {
        Signal::derive(move || {
            self.rows.with(|rows| rows.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, |p| p.total))
        })
    }
}
