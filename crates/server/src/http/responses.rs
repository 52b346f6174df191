//! The responses of the OpenAPI document, declared once per family as
//! `utoipa::IntoResponses` types: the success families (`Found<T>`, `Updated<T>`,
//! `Created<T>`, `Deleted`, `ListPage<T>`, `CursorListPage<T>`), and the problems each
//! guard and extractor can answer (`GuardErrors<R>` and its aliases, `PathIdErrors`,
//! `QueryErrors`, `JsonBodyErrors`, `TokenErrors`, `RateLimitErrors`). A handler's
//! `#[utoipa::path]` lists its success family, then the families of the guard and
//! extractors in its signature, then only the problems specific to it:
//!
//! ```text
//! responses(
//!     Updated<Task>, StaffErrors, PathIdErrors, JsonBodyErrors,
//!     (status = 409, description = "…", body = Problem, content_type = "application/problem+json"),
//! )
//! ```
//!
//! Order matters: a later entry replaces an earlier one for the same status, so a
//! handler's own 400/403/404 must come after the families to refine their description.
//! The success families refer to `T`'s schema without registering it: a record no
//! operation takes or answers with as a `body` is listed in `crate::openapi` (a test
//! there finds one that is missing). Security is declared once on the whole document
//! (crate::openapi); public routes opt out with `security()`.

use crate::auth::guard::{Holds, Rule, Session, Staff};
use crate::auth::scope::Scoped;
use crate::http::input::MAX_JSON_BYTES;
use crate::http::pagination::{NEXT_CURSOR_HEADER, TOTAL_COUNT_HEADER};
use std::collections::BTreeMap;
use std::marker::PhantomData;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, KnownFormat, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

type Responses = BTreeMap<String, RefOr<Response>>;

/// A problem+json response, as the `(status, …, body = Problem, content_type = …)` tuples give.
fn problem(description: impl Into<String>) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
        .into()
}

fn responses<const N: usize>(entries: [(&str, String); N]) -> Responses {
    entries.into_iter().map(|(status, description)| (status.to_owned(), problem(description))).collect()
}

// One wording per status shared by every family, so combining families never depends on
// their order.
const NOT_SIGNED_IN: &str = "Not signed in";
const INVALID_INPUT: &str = "Invalid input (path, query or body); `errors` names the fields";

/// `Principal`: any signed-in caller.
pub struct SignedInErrors;

impl IntoResponses for SignedInErrors {
    fn responses() -> Responses {
        responses([("401", NOT_SIGNED_IN.to_owned())])
    }
}

/// A guard (`auth::guard::Guard<R>`): not signed in, or refused by rule `R`.
pub struct GuardErrors<R>(PhantomData<R>);

impl<R: Rule> IntoResponses for GuardErrors<R> {
    fn responses() -> Responses {
        responses([("401", NOT_SIGNED_IN.to_owned()), ("403", R::refusal())])
    }
}

/// `SignedIn`: a password session; API keys are refused.
pub type SessionErrors = GuardErrors<Session>;
/// `StaffOnly`: client-portal roles are refused.
pub type StaffErrors = GuardErrors<Staff>;
/// `Authorized<P>`: the caller must hold permission `P`.
pub type PermissionErrors<P> = GuardErrors<Holds<P>>;
/// `Crm<R>`: the caller's scope under rule `R` (write rules refuse view-only scopes).
pub type CrmErrors<R> = GuardErrors<Scoped<R>>;

/// A record id in the path (`web::Path<Uuid>` or `<i32>`): malformed, or not found in
/// the caller's scope.
pub struct PathIdErrors;

impl IntoResponses for PathIdErrors {
    fn responses() -> Responses {
        responses([
            ("400", INVALID_INPUT.to_owned()),
            ("404", "No such record, or not one the caller may see".to_owned()),
        ])
    }
}

/// `ValidQuery`: filters and paging.
pub struct QueryErrors;

impl IntoResponses for QueryErrors {
    fn responses() -> Responses {
        responses([("400", INVALID_INPUT.to_owned())])
    }
}

/// `ValidJson`: an invalid, oversized or non-JSON body.
pub struct JsonBodyErrors;

impl IntoResponses for JsonBodyErrors {
    fn responses() -> Responses {
        responses([
            ("400", INVALID_INPUT.to_owned()),
            ("413", format!("The body is larger than {} MiB", MAX_JSON_BYTES / (1024 * 1024))),
            ("415", "The body is not sent as application/json".to_owned()),
        ])
    }
}

/// A public route that takes an emailed token (`ConfirmTokenRequest`, a reset): an
/// invalid body, a token that is unknown, used or expired, too many attempts.
pub struct TokenErrors;

impl IntoResponses for TokenErrors {
    fn responses() -> Responses {
        let mut responses = JsonBodyErrors::responses();
        responses.extend(RateLimitErrors::responses());
        responses
            .extend(self::responses([("400", "Invalid input, or the token is unknown, used or expired".to_owned())]));
        responses
    }
}

/// A JSON response with `T`'s schema.
fn record<T: ToSchema>(description: String) -> ResponseBuilder {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name(T::name()))).build())
}

/// 200 with one record (a GET).
pub struct Found<T>(PhantomData<T>);

impl<T: ToSchema> IntoResponses for Found<T> {
    fn responses() -> Responses {
        BTreeMap::from([("200".to_owned(), record::<T>(format!("The {}", T::name())).build().into())])
    }
}

/// 200 with the record as a write left it (a PATCH).
pub struct Updated<T>(PhantomData<T>);

impl<T: ToSchema> IntoResponses for Updated<T> {
    fn responses() -> Responses {
        BTreeMap::from([("200".to_owned(), record::<T>(format!("The updated {}", T::name())).build().into())])
    }
}

/// 201 with the new record and its URL in `Location` (`http::respond::created`).
pub struct Created<T>(PhantomData<T>);

impl<T: ToSchema> IntoResponses for Created<T> {
    fn responses() -> Responses {
        let location = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)))
            .description(Some("The new record's URL"))
            .build();
        let response = record::<T>("Created".to_owned()).header("Location", location).build();
        BTreeMap::from([("201".to_owned(), response.into())])
    }
}

/// 204 of a DELETE.
pub struct Deleted;

impl IntoResponses for Deleted {
    fn responses() -> Responses {
        BTreeMap::from([("204".to_owned(), ResponseBuilder::new().description("Deleted").build().into())])
    }
}

/// The 200 of a list answered by `Paginated::offset`: one page of `T` as a JSON array,
/// with `X-Total-Count` and `Link` (first/prev/next/last). List it with `QueryErrors`.
pub struct ListPage<T>(PhantomData<T>);

impl<T: ToSchema> IntoResponses for ListPage<T> {
    fn responses() -> Responses {
        BTreeMap::from([("200".to_owned(), page_of::<T>("RFC 8288 first/prev/next/last links", false))])
    }
}

/// The 200 of a keyset list (`PaginationOptions`): as `ListPage<T>`, with `X-Next-Cursor`;
/// and its 400, which also covers the cursor (so it replaces `QueryErrors`).
pub struct CursorListPage<T>(PhantomData<T>);

impl<T: ToSchema> IntoResponses for CursorListPage<T> {
    fn responses() -> Responses {
        let links = "RFC 8288 first/prev/next/last links (after a cursor: first and next)";
        let mut responses = BTreeMap::from([("200".to_owned(), page_of::<T>(links, true))]);
        responses.extend(self::responses([(
            "400",
            "Invalid filter, `cursor` with `offset`, or a cursor not issued for this sort (INVALID_CURSOR)".to_owned(),
        )]));
        responses
    }
}

fn page_of<T: ToSchema>(links: &str, cursor: bool) -> RefOr<Response> {
    let header = |schema: ObjectBuilder, description: &str| {
        HeaderBuilder::new().schema(schema).description(Some(description)).build()
    };
    let text = || ObjectBuilder::new().schema_type(SchemaType::Type(Type::String));
    let count = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)));
    let items = ArrayBuilder::new().items(Ref::from_schema_name(T::name()));
    let mut response = ResponseBuilder::new()
        .description(format!("One page of {}", T::name()))
        .content("application/json", ContentBuilder::new().schema(Some(items)).build())
        .header(TOTAL_COUNT_HEADER, header(count, "Rows matching the filter"))
        .header("Link", header(text(), links));
    if cursor {
        response =
            response.header(NEXT_CURSOR_HEADER, header(text(), "When more rows follow: the `cursor` of the next page"));
    }
    response.build().into()
}

/// The strict limiter on credential routes (`platform::rate_limit::is_credential_route`).
pub struct RateLimitErrors;

impl IntoResponses for RateLimitErrors {
    fn responses() -> Responses {
        responses([("429", "Too many attempts".to_owned())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::guard::perm;
    use crate::auth::scope::{CampaignsRead, ClientsWrite, LeadsRead};

    fn description<T: IntoResponses>(status: &str) -> String {
        match T::responses().remove(status) {
            Some(RefOr::T(response)) => response.description,
            _ => panic!("no inline {status} response"),
        }
    }

    #[test]
    fn crm_descriptions_follow_the_rules() {
        assert_eq!(
            description::<CrmErrors<CampaignsRead>>("403"),
            "Lacks canManageCampaigns and is not a client-portal user linked to a client"
        );
        assert_eq!(description::<CrmErrors<LeadsRead>>("403"), "Lacks canManageLeads");
        assert_eq!(description::<CrmErrors<ClientsWrite>>("403"), "Lacks canManageClients with write access");
        assert_eq!(description::<PermissionErrors<perm::ManageUsers>>("403"), "Lacks canManageUsers");
        assert_eq!(description::<JsonBodyErrors>("413"), "The body is larger than 1 MiB");
    }
}
