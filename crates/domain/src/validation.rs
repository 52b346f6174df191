//! Turning `validator` reports into the problem body's field errors, and shared rules.

use crate::error::FieldError;
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

/// Flattens nested validation errors into `field` paths with dots, sorted for stable output.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect(errors, "", &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field).then(a.code.cmp(&b.code)));
    out
}

/// validator names fields as the Rust struct does (`new_password`); every request type
/// is `rename_all = "camelCase"`, so clients know them as `newPassword`.
fn json_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' && !name.is_empty() {
            upper = true;
        } else if upper {
            name.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            name.push(c);
        }
    }
    name
}

/// The param naming the JSON field an error is about when that is not the Rust field's
/// camelCase name: a serde rename (`type`) or a rule across fields (`endDate`).
pub const FIELD_PARAM: &str = "field";

/// Reports `error` under the JSON field `field`.
pub fn for_field(mut error: ValidationError, field: &'static str) -> ValidationError {
    error.add_param(FIELD_PARAM.into(), &field);
    error
}

fn join(prefix: &str, field: String) -> String {
    if prefix.is_empty() {
        field
    } else {
        format!("{prefix}.{field}")
    }
}

fn collect(errors: &ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let path = join(prefix, json_name(field));
        match kind {
            ValidationErrorsKind::Field(list) => {
                out.extend(list.iter().map(|e| match e.params.get(FIELD_PARAM).and_then(|name| name.as_str()) {
                    Some(name) => to_field_error(&join(prefix, name.to_owned()), e),
                    None => to_field_error(&path, e),
                }))
            }
            ValidationErrorsKind::Struct(inner) => collect(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect(inner, &format!("{path}[{index}]"), out);
                }
            }
        }
    }
}

fn to_field_error(field: &str, error: &ValidationError) -> FieldError {
    let message = error.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| default_message(error));
    FieldError { field: field.to_owned(), code: error.code.to_string(), message }
}

fn default_message(error: &ValidationError) -> String {
    let param = |name: &str| error.params.get(name).map(|v| v.to_string());
    match error.code.as_ref() {
        "email" => "must be a valid email address".to_owned(),
        "url" => "must be a valid URL".to_owned(),
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max} characters"),
            (Some(min), None) => format!("must be at least {min} characters"),
            (None, Some(max)) => format!("must be at most {max} characters"),
            _ => "has an invalid length".to_owned(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "is out of range".to_owned(),
        },
        other => format!("is invalid ({other})"),
    }
}

/// Usernames: 3–50 characters of letters, digits, `.`, `_`, `-`.
pub fn username(value: &str) -> Result<(), ValidationError> {
    let ok = value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("username").with_message("may contain only letters, digits, '.', '_' and '-'".into()))
    }
}

/// Passwords: at least 8 characters (length rule) and not only whitespace.
pub fn password(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new("password").with_message("must not be blank".into()));
    }
    Ok(())
}

/// Rejects strings that are empty after trimming.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new("blank").with_message("must not be blank".into()))
    } else {
        Ok(())
    }
}

/// URL fields (a website, a logo) are shown as links and images: only absolute `http://`
/// or `https://` URLs, so a `javascript:` or `data:` URL never reaches an `href`. Control
/// characters and spaces are refused too (browsers drop them, `java\tscript:` runs).
pub fn http_url(value: &str) -> Result<(), ValidationError> {
    use validator::ValidateUrl;
    let refused = || ValidationError::new("url").with_message("must be an absolute http:// or https:// URL".into());
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")).ok_or_else(refused)?;
    if rest.is_empty() || rest.starts_with('/') || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refused());
    }
    if value.validate_url() {
        Ok(())
    } else {
        Err(refused())
    }
}

/// A social profile is an http(s) URL or a handle (`@acme`); anything with another scheme
/// (`javascript:`, `data:`) is refused, as are control characters.
pub fn social_links(links: &std::collections::BTreeMap<String, String>) -> Result<(), ValidationError> {
    for (platform, link) in links {
        let is_url = link.contains(':');
        let ok = if is_url { http_url(link).is_ok() } else { !link.chars().any(char::is_control) };
        if !ok || platform.chars().any(char::is_control) {
            let mut error = ValidationError::new("url")
                .with_message(format!("{platform}: must be an http:// or https:// URL or a handle").into());
            error.add_param("platform".into(), platform);
            return Err(error);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Signup {
        #[validate(email)]
        email: String,
        #[validate(length(min = 8, max = 128), custom(function = "password"))]
        password: String,
        #[validate(length(min = 3, max = 50), custom(function = "username"))]
        username: String,
    }

    #[test]
    fn errors_are_flattened_sorted_and_explained() {
        let input = Signup { email: "nope".into(), password: "short".into(), username: "a b".into() };
        let errors = field_errors(&input.validate().unwrap_err());
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("email", "email"), ("password", "length"), ("username", "username")]);
        assert_eq!(errors[0].message, "must be a valid email address");
        assert_eq!(errors[1].message, "must be between 8 and 128 characters");
    }

    #[test]
    fn fields_are_named_as_in_json() {
        #[derive(Validate)]
        struct Change {
            #[validate(length(min = 8))]
            new_password: String,
        }
        let errors = field_errors(&Change { new_password: "short".into() }.validate().unwrap_err());
        assert_eq!(errors[0].field, "newPassword");
        assert_eq!(json_name("profile_image_url"), "profileImageUrl");
        assert_eq!(json_name("email"), "email");
    }

    #[test]
    fn rules_may_name_their_json_field() {
        fn kind(value: &str) -> Result<(), ValidationError> {
            not_blank(value).map_err(|e| for_field(e, "type"))
        }
        #[derive(Validate)]
        struct Renamed {
            #[validate(custom(function = "kind"))]
            campaign_type: String,
        }
        let errors = field_errors(&Renamed { campaign_type: " ".into() }.validate().unwrap_err());
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("type", "blank"));
    }

    #[test]
    fn only_http_urls_are_urls() {
        for good in ["https://acme.example", "http://acme.example/a?b=c#d", "https://xn--bcher-kva.example:8443/"] {
            assert!(http_url(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://acme.example",
            "//acme.example",
            "acme.example",
            "https://",
            "https:///acme",
            " https://acme.example",
            "https://acme.example/\tx",
            "https://ac me.example",
        ] {
            let error = http_url(bad).unwrap_err();
            assert_eq!(error.code, "url", "{bad}");
        }
        let links = |pairs: &[(&str, &str)]| {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<std::collections::BTreeMap<_, _>>()
        };
        assert!(social_links(&links(&[("x", "@acme"), ("linkedin", "https://linkedin.com/in/acme")])).is_ok());
        assert!(social_links(&links(&[("x", "javascript:alert(1)")])).is_err());
        assert!(social_links(&links(&[("x", "java\tscript:alert(1)")])).is_err());
    }

    #[test]
    fn blank_password_is_rejected() {
        assert!(password("          ").is_err());
        assert!(password("correct horse").is_ok());
        assert!(not_blank(" ").is_err());
    }
}
