//! The success responses handlers answer with.

use actix_web::HttpResponse;
use serde::Serialize;

/// 201 with the new record and its URL in `Location`.
pub fn created<T: Serialize>(location: String, record: &T) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", location)).json(record)
}

/// 204: done, nothing to show.
pub fn no_content() -> HttpResponse {
    HttpResponse::NoContent().finish()
}
