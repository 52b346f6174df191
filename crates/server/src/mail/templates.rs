//! The mails' templates (`crates/server/templates/mail/`, compiled in): each mail has a
//! `.txt` with its `subject` and `text` blocks and an `.html` that extends the branded
//! `layout.html` (HTML-escaped: values cannot inject markup).

use crate::error::{AppError, AppResult};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Output, State};
use serde::Serialize;
use std::fmt::Write;
use std::sync::OnceLock;

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/mail/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "layout.html",
    "button.html",
    "password_reset.txt",
    "password_reset.html",
    "email_change_confirm.txt",
    "email_change_confirm.html",
    "email_change_notice.txt",
    "email_change_notice.html",
    "signup_confirm.txt",
    "signup_confirm.html",
    "signup_existing_account.txt",
    "signup_existing_account.html",
    "signup_username_taken.txt",
    "signup_username_taken.html",
    "notification.txt",
    "notification.html",
    "welcome.txt",
    "welcome.html",
);

fn environment() -> &'static Environment<'static> {
    static ENVIRONMENT: OnceLock<Environment<'static>> = OnceLock::new();
    ENVIRONMENT.get_or_init(|| {
        let mut env = Environment::new();
        env.set_formatter(escape_markup_only);
        for (name, source) in TEMPLATES {
            // Compiled in and parsed by the unit test below, so a broken one never ships.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(template = name, %error, "mail template does not parse");
            }
        }
        env
    })
}

/// HTML-escapes strings as minijinja does, except `/`: links stay readable in the source
/// of a mail (`https://…`, not `https:&#x2f;&#x2f;…`), and `/` is harmless in text and in
/// quoted attributes.
fn escape_markup_only(out: &mut Output<'_>, state: &State<'_, '_>, value: &Value) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() => {
            for c in text.chars() {
                match c {
                    '&' => out.write_str("&amp;")?,
                    '<' => out.write_str("&lt;")?,
                    '>' => out.write_str("&gt;")?,
                    '"' => out.write_str("&quot;")?,
                    '\'' => out.write_str("&#39;")?,
                    c => out.write_char(c)?,
                }
            }
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// A mail rendered from its template.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every mail's layout shows.
#[derive(Serialize)]
pub struct Branding<'a> {
    pub product: &'a str,
    pub public_url: &'a str,
    pub reply_to: &'a str,
}

/// Renders mail `name` with `values` (plus the branding every layout shows).
pub fn render(name: &str, branding: &Branding<'_>, values: impl Serialize) -> AppResult<Rendered> {
    let env = environment();
    let text_template = env.get_template(&format!("{name}.txt")).map_err(AppError::internal)?;
    let mut captured = text_template.render_captured(&values).map_err(AppError::internal)?;
    let (subject, text) = captured
        .with_state_mut(|state| {
            Ok::<_, minijinja::Error>((state.render_block("subject")?, state.render_block("text")?))
        })
        .map_err(AppError::internal)?;
    let subject = subject.trim().to_owned();
    let html_template = env.get_template(&format!("{name}.html")).map_err(AppError::internal)?;
    let mut context = serde_json::to_value(&values).map_err(AppError::internal)?;
    if let (Some(context), serde_json::Value::Object(branding)) =
        (context.as_object_mut(), serde_json::to_value(branding).map_err(AppError::internal)?)
    {
        context.extend(branding);
        context.insert("subject".to_owned(), subject.clone().into());
    }
    let html = html_template.render(context).map_err(AppError::internal)?;
    Ok(Rendered { subject, text, html })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BRANDING: Branding<'static> =
        Branding { product: "MarketingOS", public_url: "https://crm.example", reply_to: "help@crm.example" };

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn a_mail_has_a_subject_a_text_and_a_branded_html_part() {
        let values = json!({"greeting": "Ada", "link": "https://crm.example/reset-password?token=a&b", "minutes": 60});
        let mail = render("password_reset", &BRANDING, &values).unwrap();
        assert_eq!(mail.subject, "Reset your MarketingOS password");
        assert!(mail.text.starts_with("Hello Ada,\n\n"), "{}", mail.text);
        assert!(mail.text.contains("\nhttps://crm.example/reset-password?token=a&b\n"), "links stay raw in text");
        assert!(mail.html.contains("href=\"https://crm.example/reset-password?token=a&amp;b\""), "{}", mail.html);
        assert!(mail.html.contains("Replies go to help@crm.example") && mail.html.contains("<title>Reset your"));
    }

    #[test]
    fn values_cannot_inject_markup_into_the_html_part() {
        let values = json!({"username": "<script>x</script>"});
        let mail = render("signup_username_taken", &BRANDING, &values).unwrap();
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(mail.text.contains("<script>x</script>"), "text parts are not HTML");
    }
}
