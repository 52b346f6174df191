//! List responses: a JSON array (as the original API) plus `X-Total-Count` and RFC 8288
//! `Link` headers for first/prev/next/last pages; lists with keyset paging also answer
//! `X-Next-Cursor`, and take `cursor` instead of `offset`.

use crate::error::{AppError, AppResult};
use crate::http::input::parse_query;
use crate::platform::cache::CacheService;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use domain::pagination::{CursorParams, Page, PageParams};
use domain::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::future::{ready, Ready};
use storage::keyset::SortKey;
use uuid::Uuid;

pub const TOTAL_COUNT_HEADER: &str = "X-Total-Count";
pub const NEXT_CURSOR_HEADER: &str = "X-Next-Cursor";

/// The list URL with `limit` and `offset` or `cursor` replaced (the other filters kept).
fn url_with(req: &HttpRequest, limit: i64, position: (&str, &str)) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if key != "limit" && key != "offset" && key != "cursor" {
            query.append_pair(&key, &value);
        }
    }
    query.append_pair("limit", &limit.to_string());
    query.append_pair(position.0, position.1);
    format!("{}?{}", req.path(), query.finish())
}

fn page_url(req: &HttpRequest, limit: i64, offset: i64) -> String {
    url_with(req, limit, ("offset", &offset.to_string()))
}

/// What a cursor holds: the list and sort it was issued for and the last row's key and id.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorToken {
    scope: String,
    key: serde_json::Value,
    id: Uuid,
}

/// Detects edited or truncated cursors. Not a secret: a cursor grants nothing, since
/// the caller's visibility and filters apply to every page again.
fn checksum(payload: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(payload);
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&digest[..8]);
    sum
}

/// What a cursor is valid for: the list's path and the sort's wire name
/// (`/api/leads?sort=-createdAt`).
fn cursor_scope<S: Serialize>(req: &HttpRequest, sort: S) -> String {
    let name = serde_json::to_value(sort).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    format!("{}?sort={name}", req.path())
}

fn encode_cursor(scope: &str, key: serde_json::Value, id: Uuid) -> String {
    let mut bytes = serde_json::to_vec(&CursorToken { scope: scope.to_owned(), key, id }).unwrap_or_default();
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A checksummed cursor whose key does not fit its sort's column.
const CURSOR_KEY: &str = "The cursor's position does not fit this sort; start again without it";

fn invalid_cursor(detail: &str) -> AppError {
    AppError {
        errors: vec![FieldError { field: "cursor".to_owned(), code: "cursor".to_owned(), message: detail.to_owned() }],
        ..AppError::new(ErrorCode::InvalidCursor, detail)
    }
}

/// The key and id a cursor carries, if it is one this API issued for `scope`.
fn decode_cursor(token: &str, scope: &str) -> AppResult<(serde_json::Value, Uuid)> {
    let tampered = || invalid_cursor("The cursor is not one this API issued; start again without it");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| tampered())?;
    let (payload, sum) = bytes.split_at_checked(bytes.len().saturating_sub(8)).ok_or_else(tampered)?;
    if payload.is_empty() || checksum(payload) != sum {
        return Err(tampered());
    }
    let cursor: CursorToken = serde_json::from_slice(payload).map_err(|_| tampered())?;
    if cursor.scope != scope {
        return Err(invalid_cursor(&format!(
            "The cursor was issued for {}, not {scope}; start again without it",
            cursor.scope
        )));
    }
    Ok((cursor.key, cursor.id))
}

/// Where a page starts: `offset` rows in, or after the row a `cursor` names (not both).
/// `sort_key` reads the cursor's key as the sort column's type; a key it cannot read is
/// an invalid cursor.
fn window<K>(
    page: &PageParams,
    cursor: &CursorParams,
    scope: &str,
    sort_key: impl FnOnce(serde_json::Value) -> Option<K>,
) -> AppResult<(Page, Option<(K, Uuid)>)> {
    match cursor.cursor.as_deref() {
        None => Ok((page.page(), None)),
        Some(_) if page.offset.is_some() => Err(AppError::field(
            "cursor",
            "exclusive",
            "cursor and offset cannot be combined: a cursor already says where the page starts",
        )),
        Some(token) => {
            let (key, id) = decode_cursor(token, scope)?;
            let key = sort_key(key).ok_or_else(|| invalid_cursor(CURSOR_KEY))?;
            Ok((page.page(), Some((key, id))))
        }
    }
}

/// A list's page parsed from the request (`limit` and `offset` or `cursor`, not both)
/// for the list's sort. `K` declares the sort's key (see `storage::keyset::sort_keys!`).
pub struct PaginationOptions<K: SortKey> {
    pub page: Page,
    pub sort: K::Sort,
    req: HttpRequest,
    scope: String,
    after: Option<(K, Uuid)>,
    after_cursor: bool,
}

impl<K: SortKey> PaginationOptions<K>
where
    K::Sort: Serialize,
{
    pub fn new(req: &HttpRequest, page: &PageParams, cursor: &CursorParams, sort: K::Sort) -> AppResult<Self> {
        let scope = cursor_scope(req, sort);
        let (page, after) = window(page, cursor, &scope, |key| K::from_json(sort, key))?;
        Ok(Self { page, sort, req: req.clone(), scope, after_cursor: after.is_some(), after })
    }

    /// The row the page starts after (keyset paging), for the storage query.
    pub fn after(&self) -> Option<(K, Uuid)>
    where
        K: Clone,
    {
        self.after.clone()
    }

    /// The page of `rows`, read with one extra (which only tells that more follow):
    /// when there is one, `X-Next-Cursor` names the last row shown.
    pub fn paginated(self, mut rows: Vec<K::Row>, total: i64) -> Paginated<K::Row> {
        let limit = usize::try_from(self.page.limit).unwrap_or(usize::MAX);
        let next = (rows.len() > limit).then(|| {
            rows.truncate(limit);
            rows.last().map(|row| encode_cursor(&self.scope, K::of(row, self.sort).to_json(), K::id(row)))
        });
        Paginated { items: rows, page: self.page, total, next: next.flatten(), after_cursor: self.after_cursor }
    }

    /// The list response for this page of `rows` (read with one extra, see `paginated`)
    /// and their total, as the storage list queries return them.
    pub fn respond(self, (rows, total): (Vec<K::Row>, i64)) -> HttpResponse
    where
        K::Row: Serialize,
    {
        let req = self.req.clone();
        self.paginated(rows, total).respond(&req)
    }
}

/// The paging of an offset list (`limit`, `offset`) and the request its `Link` headers
/// rewrite: `paging.respond(page)` for the page storage read at `paging.page()`.
pub struct Paging {
    req: HttpRequest,
    params: PageParams,
}

impl Paging {
    pub fn page(&self) -> Page {
        self.params.page()
    }

    /// The list response for one page of rows read for `page()`, and their total (as the
    /// storage list queries return them).
    pub fn respond<T: Serialize>(&self, (rows, total): (Vec<T>, i64)) -> HttpResponse {
        Paginated::offset(rows, self.page(), total).respond(&self.req)
    }
}

impl FromRequest for Paging {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(|params| Paging { req: req.clone(), params }))
    }
}

/// The paging of a keyset list (`limit` with `offset` or `cursor`): `options` reads it for
/// the list's sort.
pub struct CursorPaging {
    req: HttpRequest,
    page: PageParams,
    cursor: CursorParams,
}

impl CursorPaging {
    /// Where the page starts in `sort`; `K` declares the sort's keys (see `sort_keys!`).
    pub fn options<K: SortKey>(&self, sort: K::Sort) -> AppResult<PaginationOptions<K>>
    where
        K::Sort: Serialize,
    {
        PaginationOptions::new(&self.req, &self.page, &self.cursor, sort)
    }
}

impl FromRequest for CursorPaging {
    type Error = AppError;
    type Future = Ready<AppResult<Self>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        ready(
            parse_query(query)
                .and_then(|page| Ok(CursorPaging { req: req.clone(), page, cursor: parse_query(query)? })),
        )
    }
}

/// A list total cached per scope and filter (for lists whose count is the slow part); the
/// cache's TTL and the writes that clear it decide how stale it may be.
pub struct CachedTotal<'a> {
    cache: &'a CacheService<i64>,
    key: String,
    /// The cached total, if any: the storage query counts only without it.
    pub known: Option<i64>,
}

impl<'a> CachedTotal<'a> {
    /// `filter` without the sort: every order of a list has the same total.
    pub async fn lookup(
        cache: &'a CacheService<i64>,
        scope: impl std::fmt::Debug,
        filter: &impl Serialize,
    ) -> AppResult<Self> {
        let key = format!("{scope:?} {}", serde_json::to_string(filter).map_err(AppError::internal)?);
        let known = cache.get(&key).await;
        Ok(Self { cache, key, known })
    }

    /// Remembers `total` unless it is the one already cached.
    pub async fn store(self, total: i64) -> i64 {
        if self.known != Some(total) {
            self.cache.set(self.key, total).await;
        }
        total
    }
}

/// One page of a list and what its headers say: `X-Total-Count`, `Link` (first/prev/
/// next/last; after a cursor, first and a `next` carrying the next cursor) and, for
/// keyset lists with more rows, `X-Next-Cursor`. The body is the JSON array (as the
/// original API).
pub struct Paginated<T> {
    items: Vec<T>,
    page: Page,
    total: i64,
    next: Option<String>,
    after_cursor: bool,
}

impl<T> Paginated<T> {
    /// A page of an offset-only list.
    pub fn offset(items: Vec<T>, page: Page, total: i64) -> Self {
        Self { items, page, total, next: None, after_cursor: false }
    }

    pub fn map<U>(self, item: impl FnMut(T) -> U) -> Paginated<U> {
        let Self { items, page, total, next, after_cursor } = self;
        Paginated { items: items.into_iter().map(item).collect(), page, total, next, after_cursor }
    }

    pub fn respond(self, req: &HttpRequest) -> HttpResponse
    where
        T: Serialize,
    {
        let (page, total) = (self.page, self.total);
        let link = if self.after_cursor {
            let mut links = vec![format!("<{}>; rel=\"first\"", page_url(req, page.limit, 0))];
            if let Some(next) = &self.next {
                links.push(format!("<{}>; rel=\"next\"", url_with(req, page.limit, ("cursor", next))));
            }
            links.join(", ")
        } else {
            link_header(req, page, total)
        };
        let mut response = HttpResponse::Ok();
        response.insert_header((TOTAL_COUNT_HEADER, total.to_string())).insert_header(("Link", link));
        if let Some(next) = self.next {
            response.insert_header((NEXT_CURSOR_HEADER, next));
        }
        response.json(self.items)
    }
}

fn link_header(req: &HttpRequest, page: Page, total: i64) -> String {
    let (prev, next, last) = page.neighbours(total);
    let mut links = vec![format!("<{}>; rel=\"first\"", page_url(req, page.limit, 0))];
    if let Some(prev) = prev {
        links.push(format!("<{}>; rel=\"prev\"", page_url(req, page.limit, prev)));
    }
    if let Some(next) = next {
        links.push(format!("<{}>; rel=\"next\"", page_url(req, page.limit, next)));
    }
    links.push(format!("<{}>; rel=\"last\"", page_url(req, page.limit, last)));
    links.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn cursors_round_trip_and_refuse_edits_and_other_sorts() {
        let id = Uuid::new_v4();
        let token = encode_cursor("name", serde_json::json!("Ada"), id);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "URL-safe: {token}");
        assert_eq!(decode_cursor(&token, "name").unwrap(), (serde_json::json!("Ada"), id));
        let other_sort = decode_cursor(&token, "-name").unwrap_err();
        assert_eq!(other_sort.code, ErrorCode::InvalidCursor);
        let mut edited = token.clone().into_bytes();
        edited[5] = if edited[5] == b'A' { b'B' } else { b'A' };
        let edited = String::from_utf8(edited).unwrap();
        assert_eq!(decode_cursor(&edited, "name").unwrap_err().code, ErrorCode::InvalidCursor);
        for garbage in ["", "!!", "AAAA", &token[..token.len() - 2]] {
            assert_eq!(decode_cursor(garbage, "name").unwrap_err().code, ErrorCode::InvalidCursor, "{garbage}");
        }
        let with_offset = PageParams { limit: None, offset: Some(0) };
        let error = window(&with_offset, &CursorParams { cursor: Some(token) }, "name", Some).unwrap_err();
        assert_eq!((error.code, error.errors[0].field.as_str()), (ErrorCode::ValidationError, "cursor"));
    }

    #[test]
    fn links_keep_filters_and_move_the_window() {
        let req = TestRequest::get().uri("/api/users?role=staff&limit=10&offset=10").to_http_request();
        let header = link_header(&req, Page { limit: 10, offset: 10 }, 35);
        assert_eq!(
            header,
            "</api/users?role=staff&limit=10&offset=0>; rel=\"first\", \
             </api/users?role=staff&limit=10&offset=0>; rel=\"prev\", \
             </api/users?role=staff&limit=10&offset=20>; rel=\"next\", \
             </api/users?role=staff&limit=10&offset=30>; rel=\"last\""
        );
    }

    /// A list of numbers sorted by value, for the helper's own tests.
    #[derive(Debug, Clone, PartialEq)]
    struct Number(i64);

    impl SortKey for Number {
        type Row = (i64, Uuid);
        type Sort = &'static str;
        fn of(row: &Self::Row, _: Self::Sort) -> Self {
            Number(row.0)
        }
        fn id(row: &Self::Row) -> Uuid {
            row.1
        }
        fn to_json(&self) -> serde_json::Value {
            serde_json::json!(self.0)
        }
        fn from_json(_: Self::Sort, value: serde_json::Value) -> Option<Self> {
            value.as_i64().map(Number)
        }
    }

    fn headers(response: &HttpResponse, name: &str) -> Option<String> {
        response.headers().get(name).map(|value| value.to_str().unwrap().to_owned())
    }

    #[test]
    fn keyset_pages_name_the_next_cursor_and_follow_it() {
        let rows: Vec<(i64, Uuid)> = (1..=3).map(|n| (n, Uuid::new_v4())).collect();
        let first = TestRequest::get().uri("/api/numbers?limit=2").to_http_request();
        let page = PageParams { limit: Some(2), offset: None };
        let options = PaginationOptions::<Number>::new(&first, &page, &CursorParams { cursor: None }, "value").unwrap();
        let response = options.paginated(rows.clone(), 3).respond(&first);
        assert_eq!(headers(&response, TOTAL_COUNT_HEADER).as_deref(), Some("3"));
        let next = headers(&response, NEXT_CURSOR_HEADER).expect("a next cursor: a third row follows");
        assert_eq!(decode_cursor(&next, "/api/numbers?sort=value").unwrap(), (serde_json::json!(2), rows[1].1));

        let uri = format!("/api/numbers?limit=2&cursor={next}");
        let second = TestRequest::get().uri(&uri).to_http_request();
        let cursor = CursorParams { cursor: Some(next) };
        let options = PaginationOptions::<Number>::new(&second, &page, &cursor, "value").unwrap();
        assert_eq!(options.after(), Some((Number(2), rows[1].1)));
        let response = options.paginated(rows[2..].to_vec(), 3).respond(&second);
        assert_eq!(headers(&response, NEXT_CURSOR_HEADER), None, "the last page");
        assert_eq!(headers(&response, "Link").as_deref(), Some("</api/numbers?limit=2&offset=0>; rel=\"first\""));
    }
}
