//! List responses: a JSON array (as the original API) plus `X-Total-Count` and RFC 8288
//! `Link` headers for first/prev/next/last pages.

use actix_web::{HttpRequest, HttpResponse};
use domain::pagination::Page;
use serde::Serialize;

pub const TOTAL_COUNT_HEADER: &str = "X-Total-Count";

fn page_url(req: &HttpRequest, limit: i64, offset: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if key != "limit" && key != "offset" {
            query.append_pair(&key, &value);
        }
    }
    query.append_pair("limit", &limit.to_string());
    query.append_pair("offset", &offset.to_string());
    format!("{}?{}", req.path(), query.finish())
}

pub fn link_header(req: &HttpRequest, page: Page, total: i64) -> String {
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

pub fn paged<T: Serialize>(req: &HttpRequest, items: &[T], page: Page, total: i64) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((TOTAL_COUNT_HEADER, total.to_string()))
        .insert_header(("Link", link_header(req, page, total)))
        .json(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

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
}
