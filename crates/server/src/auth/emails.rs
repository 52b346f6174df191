//! The account emails and their single-use links, rendered from the mail templates
//! (`crate::mail`). Every emailed link lives `PASSWORD_RESET_TTL_SECS`.

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::mail::compose;
use chrono::{DateTime, Utc};
use domain::identity::users::User;
use serde_json::json;
use storage::identity::users::UserRow;
use storage::ops::outbox::NewEmail;

/// When a link issued now stops working.
pub fn link_expiry(config: &Config) -> AppResult<DateTime<Utc>> {
    Ok(Utc::now() + chrono::Duration::from_std(config.password_reset_ttl).map_err(AppError::internal)?)
}

fn link(config: &Config, path: &str, token: &str) -> AppResult<String> {
    let mut link = config.public_url.join(path).map_err(AppError::internal)?;
    link.query_pairs_mut().append_pair("token", token);
    Ok(link.into())
}

fn minutes(config: &Config) -> u64 {
    config.password_reset_ttl.as_secs() / 60
}

fn greeting(user: &User) -> &str {
    user.first_name.as_deref().unwrap_or(&user.username)
}

fn address(user: &UserRow) -> &str {
    user.email.as_deref().unwrap_or_default()
}

pub fn password_reset(config: &Config, user: &UserRow, token: &str) -> AppResult<NewEmail> {
    let values = json!({
        "greeting": greeting(user),
        "link": link(config, "/reset-password", token)?,
        "minutes": minutes(config),
    });
    compose(config, address(user), "password_reset", values)
}

/// To the new address: the link that applies the change.
pub fn email_change_confirm(config: &Config, user: &UserRow, new_email: &str, token: &str) -> AppResult<NewEmail> {
    let values = json!({
        "greeting": greeting(user),
        "username": user.username,
        "link": link(config, "/confirm-email", token)?,
        "minutes": minutes(config),
    });
    compose(config, new_email, "email_change_confirm", values)
}

/// To the current address: a change was asked for.
pub fn email_change_notice(config: &Config, user: &UserRow, old_email: &str, new_email: &str) -> AppResult<NewEmail> {
    let values = json!({"greeting": greeting(user), "username": user.username, "new_email": new_email});
    compose(config, old_email, "email_change_notice", values)
}

/// To a new sign-up's address: the link that creates the account.
pub fn signup_confirm(config: &Config, email: &str, username: &str, token: &str) -> AppResult<NewEmail> {
    let values = json!({
        "username": username,
        "link": link(config, "/confirm-signup", token)?,
        "minutes": minutes(config),
    });
    compose(config, email, "signup_confirm", values)
}

/// To the owner of an address someone tried to sign up with.
pub fn signup_existing_account(config: &Config, user: &UserRow) -> AppResult<NewEmail> {
    let values = json!({"greeting": greeting(user), "username": user.username});
    compose(config, address(user), "signup_existing_account", values)
}

/// To a sign-up's address when its username is taken by someone else.
pub fn signup_username_taken(config: &Config, email: &str, username: &str) -> AppResult<NewEmail> {
    compose(config, email, "signup_username_taken", json!({"username": username}))
}

/// To a new account's address: it is ready. `invited` when an admin created it (the mail
/// then says where the password comes from; it never carries one).
pub fn welcome(config: &Config, user: &User, invited: bool) -> AppResult<Option<NewEmail>> {
    let Some(address) = user.email.as_deref() else { return Ok(None) };
    let values = json!({
        "greeting": greeting(user),
        "username": user.username,
        "invited": invited,
        "link": config.public_url.join("/login").map_err(AppError::internal)?.to_string(),
    });
    compose(config, address, "welcome", values).map(Some)
}
