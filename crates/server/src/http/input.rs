//! Parse, don't trust: JSON bodies and query strings become validated domain types here,
//! and every way they can be wrong becomes a 4xx problem naming the field.

mod objects;

use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use domain::{ErrorCode, FieldError};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use objects::ObjectsOnly;
use serde::de::DeserializeOwned;
use validator::Validate;

/// The largest JSON body accepted (the original's limit).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON body, deserialized and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

/// A query string, deserialized and validated.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

/// `application/json` (or `+json`) in UTF-8: a `charset` other than `utf-8` would be
/// read wrongly as UTF-8, so it is refused as another media type.
fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            let json = mime.essence_str() == "application/json" || mime.suffix().is_some_and(|s| s.as_str() == "json");
            json && utf8_charset(&mime)
        }
        _ => false,
    }
}

/// No `charset` parameter, or `utf-8` in any case.
fn utf8_charset(mime: &actix_web::mime::Mime) -> bool {
    mime.get_param(actix_web::mime::CHARSET).is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"))
}

/// serde's message without its " at line 1 column 7" suffix.
fn plain_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

/// The field a serde message is about: `missing field `x``, `unknown field `x``.
fn field_in_message(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

fn join_path(path: &str, field: Option<&str>) -> String {
    let path = if path == "." { "" } else { path };
    match (path.is_empty(), field) {
        (true, Some(field)) => field.to_owned(),
        (false, Some(field)) => format!("{path}.{field}"),
        (true, None) => "body".to_owned(),
        (false, None) => path.to_owned(),
    }
}

fn data_error(path: &str, message: String) -> AppError {
    let (code, field) = if message.starts_with("missing field") {
        ("required", field_in_message(&message))
    } else if message.starts_with("unknown field") {
        // serde_path_to_error's path already ends at the unknown key.
        let field = field_in_message(&message);
        let in_path = field.is_some_and(|f| path == f || path.ends_with(&format!(".{f}")));
        ("unknown", field.filter(|_| !in_path))
    } else {
        ("type", None)
    };
    AppError::validation(vec![FieldError { field: join_path(path, field), code: code.to_owned(), message }])
}

pub fn parse_json<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::new(ErrorCode::MalformedRequest, "A JSON body is required"));
    }
    let normalised = integral_numbers(body);
    let body = normalised.as_deref().unwrap_or(body);
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    // Structs are JSON objects at every depth: serde would also fill one from an array.
    let value: T = serde_path_to_error::deserialize(ObjectsOnly(&mut *deserializer)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() {
            data_error(&path, plain_message(&inner))
        } else if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            // serde_json reports some type mismatches (e.g. `null` or a number where an
            // enum is expected) as syntax errors; the body is valid JSON, so name the field.
            data_error(&path, "invalid type for this field".to_owned())
        } else {
            AppError::new(ErrorCode::MalformedRequest, format!("The body is not valid JSON: {inner}"))
        }
    })?;
    // One JSON value and nothing after it but whitespace: `{"name":"x"} trailing` is not JSON.
    deserializer
        .end()
        .map_err(|error| AppError::new(ErrorCode::MalformedRequest, format!("The body is not valid JSON: {error}")))?;
    if let Some(field) = nul_character_field(body) {
        return Err(nul_character_error(field));
    }
    value.validate()?;
    Ok(value)
}

/// JSON Schema's `integer` counts a number with a zero fraction (`1913.0`, `1e3`) as an
/// integer, but serde will not read one into an integer type. The body is rewritten
/// with such numbers as plain integers (floats read them just the same); `None` when
/// there is nothing to rewrite.
fn integral_numbers(body: &[u8]) -> Option<Vec<u8>> {
    let has_fraction_or_exponent = body.windows(2).any(|w| w[0].is_ascii_digit() && matches!(w[1], b'.' | b'e' | b'E'));
    if !has_fraction_or_exponent {
        return None;
    }
    fn rewrite(value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Number(number) if number.is_f64() => match integral(number.as_f64()) {
                Some(integer) => {
                    *value = serde_json::Value::from(integer);
                    true
                }
                None => false,
            },
            // Every member is rewritten (no short-circuit), then whether any changed.
            serde_json::Value::Array(items) => items.iter_mut().map(rewrite).filter(|changed| *changed).count() > 0,
            serde_json::Value::Object(members) => {
                members.values_mut().map(rewrite).filter(|changed| *changed).count() > 0
            }
            _ => false,
        }
    }
    let mut tree: serde_json::Value = serde_json::from_slice(body).ok()?;
    if rewrite(&mut tree) {
        serde_json::to_vec(&tree).ok()
    } else {
        None
    }
}

/// The integer a float stands for exactly, if any (within ±2^53, where floats are exact).
fn integral(number: Option<f64>) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    number.filter(|n| n.fract() == 0.0 && n.abs() <= EXACT).map(|n| n as i64)
}

/// A query value such as `20.0` or `2e1` as the integer it stands for.
fn integral_text(text: &str) -> Option<String> {
    if text.parse::<i64>().is_ok() || !text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return None;
    }
    integral(text.parse::<f64>().ok().filter(|n| n.is_finite())).map(|n| n.to_string())
}

/// PostgreSQL text cannot hold U+0000, so a string containing it is refused here (400)
/// instead of failing in the database (500).
fn nul_character_error(field: String) -> AppError {
    AppError::validation(vec![FieldError {
        field,
        code: "characters".to_owned(),
        message: "must not contain the NUL character (\\u0000)".to_owned(),
    }])
}

/// The field holding a string with an escaped NUL (`\u0000`), if any. JSON has no other
/// way to carry U+0000, so the body is only re-read as a tree when the escape occurs.
fn nul_character_field(body: &[u8]) -> Option<String> {
    let mut i = 0;
    loop {
        match body.get(i..)?.iter().position(|b| *b == b'\\') {
            None => return None,
            Some(at) if body[i + at + 1..].starts_with(b"u0000") => break,
            Some(at) => i += at + 2,
        }
    }
    fn walk(value: &serde_json::Value, path: &str) -> Option<String> {
        match value {
            serde_json::Value::String(text) => text.contains('\0').then(|| join_path(path, None)),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(index, item)| walk(item, &format!("{path}[{index}]")))
            }
            serde_json::Value::Object(members) => {
                members.iter().find_map(|(key, member)| walk(member, &join_path(path, Some(key))))
            }
            _ => None,
        }
    }
    let tree: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(walk(&tree, "").unwrap_or_else(|| "body".to_owned()))
}

pub fn parse_query<T: DeserializeOwned + Validate>(query: &str) -> Result<T, AppError> {
    if let Some((name, _)) =
        form_urlencoded::parse(query.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(nul_character_error(if name.contains('\0') { "query".to_owned() } else { name.into_owned() }));
    }
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    // A value such as `limit=20.0` is read as an integer only where a field fails to read
    // as given, so text fields (`q=1.0`) keep their value.
    loop {
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        match serde_path_to_error::deserialize::<_, T>(deserializer) {
            Ok(value) => {
                value.validate()?;
                return Ok(value);
            }
            Err(error) => {
                let path = error.path().to_string();
                let retry = pairs
                    .iter_mut()
                    .filter(|(key, _)| *key == path)
                    .filter_map(|(_, value)| integral_text(value).map(|integer| *value = integer))
                    .count();
                if retry == 0 {
                    let message = error.into_inner().to_string();
                    // A missing parameter is reported at the top level: name it from serde's message.
                    let missing = message.starts_with("missing field").then(|| field_in_message(&message)).flatten();
                    let (field, code) = match (path.as_str(), missing) {
                        (".", Some(name)) => (name.to_owned(), "required"),
                        (".", None) => ("query".to_owned(), "type"),
                        _ => (path, "type"),
                    };
                    return Err(AppError::validation(vec![FieldError { field, code: code.to_owned(), message }]));
                }
            }
        }
    }
}

fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
}

/// Reads the whole body, refusing it (413) as soon as it is known to exceed `limit`.
async fn read_body(mut payload: Payload, declared_length: Option<usize>, limit: usize) -> Result<Vec<u8>, AppError> {
    let too_large = || AppError::new(ErrorCode::PayloadTooLarge, format!("The body must be at most {limit} bytes"));
    if declared_length.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(declared_length.unwrap_or(1024).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| AppError::new(ErrorCode::MalformedRequest, format!("The body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The whole body of a request sent in the media type its extractor reads (`accepted`);
/// else 415 with `refusal`.
fn body_of(
    req: &HttpRequest,
    payload: &mut Payload,
    accepted: bool,
    refusal: &'static str,
    limit: usize,
) -> impl std::future::Future<Output = Result<Vec<u8>, AppError>> + 'static {
    let declared_length = declared_length(req);
    let payload = payload.take();
    async move {
        if !accepted {
            return Err(AppError::new(ErrorCode::UnsupportedMediaType, refusal));
        }
        read_body(payload, declared_length, limit).await
    }
}

/// A CSV upload (`text/csv`, UTF-8, at most `MAX_IMPORT_BYTES`) as text, without a
/// leading byte order mark.
#[derive(Debug)]
pub struct CsvBody(pub String);

/// The text of a CSV upload, or a 400 saying where it stops being UTF-8.
pub fn csv_text(body: Vec<u8>) -> Result<String, AppError> {
    let text = String::from_utf8(body).map_err(|e| {
        AppError::new(
            ErrorCode::MalformedRequest,
            format!(
                "The file is not UTF-8 text (invalid byte at offset {}); save it as \"CSV UTF-8\"",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

impl FromRequest for CsvBody {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let csv = matches!(req.mime_type(), Ok(Some(mime)) if mime.essence_str() == "text/csv" && utf8_charset(&mime));
        let refusal = "Send the file as UTF-8 CSV with Content-Type: text/csv";
        let body = body_of(req, payload, csv, refusal, domain::crm::lead_imports::MAX_IMPORT_BYTES);
        Box::pin(async move { csv_text(body.await?).map(CsvBody) })
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let refusal = "Send the body as UTF-8 JSON with Content-Type: application/json";
        let body = body_of(req, payload, is_json(req), refusal, MAX_JSON_BYTES);
        Box::pin(async move { parse_json(&body.await?).map(ValidJson) })
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidQuery<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(ValidQuery))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::identity::users::{CreateUserRequest, UserFilter};
    use domain::pagination::PageParams;

    fn fields(error: &AppError) -> Vec<(String, String)> {
        error.errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect()
    }

    #[test]
    fn syntax_errors_are_malformed_requests() {
        let error = parse_json::<CreateUserRequest>(b"{\"username\": ").unwrap_err();
        assert_eq!(error.code, ErrorCode::MalformedRequest);
        let error = parse_json::<CreateUserRequest>(b"  ").unwrap_err();
        assert_eq!(error.detail, "A JSON body is required");
        // Valid JSON with the wrong type for an enum is the caller's field error, not a syntax error.
        let error =
            parse_json::<CreateUserRequest>(br#"{"username":"ada","password":"longenough","role":5}"#).unwrap_err();
        assert_eq!(error.code, ErrorCode::ValidationError);
        assert_eq!(fields(&error), [("role".to_owned(), "type".to_owned())]);
    }

    #[test]
    fn trailing_characters_are_malformed() {
        let body = br#"{"username":"ada","password":"longenough"}"#;
        assert!(parse_json::<CreateUserRequest>(body).is_ok());
        let spaced = br#" {"username":"ada","password":"longenough"} 
 "#;
        assert!(parse_json::<CreateUserRequest>(spaced).is_ok());
        for tail in [&b" trailing"[..], b"{}", b"1", b"]"] {
            let error = parse_json::<CreateUserRequest>(&[&body[..], tail].concat()).unwrap_err();
            assert_eq!(error.code, ErrorCode::MalformedRequest, "{}", String::from_utf8_lossy(tail));
        }
    }

    #[test]
    fn data_errors_name_the_field() {
        let missing = parse_json::<CreateUserRequest>(br#"{"username":"ada"}"#).unwrap_err();
        assert_eq!(fields(&missing), [("password".to_owned(), "required".to_owned())]);
        let unknown = parse_json::<CreateUserRequest>(br#"{"username":"ada","password":"x","admin":1}"#).unwrap_err();
        assert_eq!(fields(&unknown), [("admin".to_owned(), "unknown".to_owned())]);
        let wrong_type =
            parse_json::<CreateUserRequest>(br#"{"username":"ada","password":"longenough","role":"god"}"#).unwrap_err();
        assert_eq!(fields(&wrong_type), [("role".to_owned(), "type".to_owned())]);
        assert_eq!(wrong_type.code, ErrorCode::ValidationError);
    }

    #[test]
    fn rule_violations_come_from_validator() {
        let error = parse_json::<CreateUserRequest>(br#"{"username":"a","password":"longenough"}"#).unwrap_err();
        assert_eq!(fields(&error), [("username".to_owned(), "length".to_owned())]);
    }

    #[test]
    fn arrays_are_not_objects() {
        let error = parse_json::<CreateUserRequest>(br#" ["ada", "longenough"]"#).unwrap_err();
        assert_eq!(fields(&error), [("body".to_owned(), "type".to_owned())]);
        assert_eq!(error.errors[0].message, objects::SEQUENCE_FOR_OBJECT);
        // Nested structs too, named by their path.
        let body = br#"{"title":"Launch","checklist":[["Plan", true]]}"#;
        let error = parse_json::<domain::work::tasks::CreateTaskRequest>(body).unwrap_err();
        assert_eq!(fields(&error), [("checklist[0]".to_owned(), "type".to_owned())]);
        let error = parse_json::<domain::identity::users::UpdateUserRequest>(br#"{"customPermissions":[true]}"#);
        assert_eq!(fields(&error.unwrap_err()), [("customPermissions".to_owned(), "type".to_owned())]);
    }

    /// `customPermissions` is an object of known flags, or `null` (no change).
    #[test]
    fn custom_permissions_must_be_an_object() {
        use domain::identity::users::UpdateUserRequest;
        let parse = |json: &str| parse_json::<UpdateUserRequest>(json.as_bytes()).map(|p| p.custom_permissions);
        assert!(parse(r#"{"customPermissions":[null,null]}"#).is_err(), "an array is not the flags in order");
        assert!(parse(r#"{"customPermissions":{"canManagePlanets":true}}"#).is_err(), "unknown flags");
        let granted = parse(r#"{"customPermissions":{"canManageLeads":true}}"#).unwrap().unwrap();
        assert_eq!(granted.can_manage_leads, Some(true));
        assert_eq!(parse(r#"{"customPermissions":null}"#).unwrap(), None);
        assert_eq!(parse("{}").unwrap(), None);
        let create = br#"{"username":"ada","password":"longenough","customPermissions":[false]}"#;
        assert!(parse_json::<CreateUserRequest>(create).is_err());
    }

    #[test]
    fn nul_characters_are_refused_with_the_field() {
        let error =
            parse_json::<CreateUserRequest>(br#"{"username":"ada","password":"longenough","lastName":"a\u0000b"}"#)
                .unwrap_err();
        assert_eq!(fields(&error), [("lastName".to_owned(), "characters".to_owned())]);
        assert!(parse_json::<CreateUserRequest>(br#"{"username":"ada","password":"long\\u0000enough"}"#).is_ok());
        let error = parse_query::<UserFilter>("q=a%00").unwrap_err();
        assert_eq!(fields(&error), [("q".to_owned(), "characters".to_owned())]);
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_are_integers() {
        let page: PageParams = parse_query("limit=20.0&offset=1e1").unwrap();
        assert_eq!((page.limit, page.offset), (Some(20), Some(10)));
        let error = parse_query::<PageParams>("limit=20.5").unwrap_err();
        assert_eq!(fields(&error), [("limit".to_owned(), "type".to_owned())]);
        let filter: UserFilter = parse_query("q=1.0&limit=3.0").unwrap();
        assert_eq!(filter.q.as_deref(), Some("1.0"), "text keeps its spelling");
        let lead: domain::crm::leads::CreateLeadRequest =
            parse_json(br#"{"name":"Ada","value":1913.0,"aiScore":5e1,"tags":["2.0"]}"#).unwrap();
        assert_eq!((lead.value, lead.ai_score, lead.tags), (Some(1913), Some(50), Some(vec!["2.0".to_owned()])));
        let error = parse_json::<domain::crm::leads::CreateLeadRequest>(br#"{"name":"Ada","value":19.5}"#).unwrap_err();
        assert_eq!(fields(&error), [("value".to_owned(), "type".to_owned())]);
    }

    #[test]
    fn csv_uploads_must_be_utf8() {
        assert_eq!(csv_text(b"\xef\xbb\xbfname\nAda".to_vec()).unwrap(), "name\nAda");
        let error = csv_text(b"name\nJos\xe9".to_vec()).unwrap_err();
        assert_eq!(error.code, ErrorCode::MalformedRequest);
        assert!(error.detail.contains("offset 8"), "{}", error.detail);
    }

    #[test]
    fn queries_are_typed_and_bounded() {
        let page: PageParams = parse_query("limit=20&offset=40").unwrap();
        assert_eq!((page.limit, page.offset), (Some(20), Some(40)));
        let error = parse_query::<PageParams>("limit=abc").unwrap_err();
        assert_eq!(fields(&error), [("limit".to_owned(), "type".to_owned())]);
        let error = parse_query::<PageParams>("limit=1000").unwrap_err();
        assert_eq!(fields(&error), [("limit".to_owned(), "range".to_owned())]);
        let filter: UserFilter = parse_query("role=sales_agent&isActive=true&q=ann&limit=5").unwrap();
        assert_eq!(filter.role, Some(domain::Role::SalesAgent));
        assert_eq!(filter.is_active, Some(true));
    }
}
