//! The account emails (queued in `email_outbox`) and their single-use links. Every
//! emailed link lives `PASSWORD_RESET_TTL_SECS`.

use crate::config::Config;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use storage::identity::users::UserRow;
use storage::outbox::NewEmail;

/// When a link issued now stops working.
pub fn link_expiry(config: &Config) -> AppResult<DateTime<Utc>> {
    Ok(Utc::now() + chrono::Duration::from_std(config.password_reset_ttl).map_err(AppError::internal)?)
}

fn link(config: &Config, path: &str, token: &str) -> AppResult<url::Url> {
    let mut link = config.public_url.join(path).map_err(AppError::internal)?;
    link.query_pairs_mut().append_pair("token", token);
    Ok(link)
}

fn minutes(config: &Config) -> u64 {
    config.password_reset_ttl.as_secs() / 60
}

fn greeting(user: &UserRow) -> &str {
    user.first_name.as_deref().unwrap_or(&user.username)
}

pub fn password_reset(config: &Config, user: &UserRow, token: &str) -> AppResult<NewEmail> {
    let link = link(config, "/reset-password", token)?;
    Ok(NewEmail {
        to_address: user.email.clone().unwrap_or_default(),
        subject: "Reset your MarketingOS password".to_owned(),
        body_text: format!(
            "Hello {},\n\nSomeone asked to reset the password of your MarketingOS account. \
             To choose a new password, open this link within {} minutes:\n\n{link}\n\n\
             If it was not you, ignore this email: your password stays as it is.\n",
            greeting(user),
            minutes(config)
        ),
        template: "password_reset".to_owned(),
    })
}

/// To the new address: the link that applies the change.
pub fn email_change_confirm(config: &Config, user: &UserRow, new_email: &str, token: &str) -> AppResult<NewEmail> {
    let link = link(config, "/confirm-email", token)?;
    Ok(NewEmail {
        to_address: new_email.to_owned(),
        subject: "Confirm your new MarketingOS email address".to_owned(),
        body_text: format!(
            "Hello {},\n\nTo make this the email address of your MarketingOS account ({}), open this \
             link within {} minutes:\n\n{link}\n\nIf you did not ask for this, ignore this email: \
             nothing changes.\n",
            greeting(user),
            user.username,
            minutes(config)
        ),
        template: "email_change_confirm".to_owned(),
    })
}

/// To the current address: a change was asked for.
pub fn email_change_notice(user: &UserRow, old_email: &str, new_email: &str) -> NewEmail {
    NewEmail {
        to_address: old_email.to_owned(),
        subject: "Your MarketingOS email address is being changed".to_owned(),
        body_text: format!(
            "Hello {},\n\nSomeone signed in to your MarketingOS account ({}) asked to change its email \
             address to {new_email}. The change takes effect only once that address confirms it.\n\n\
             If it was not you, change your password now and tell your administrator.\n",
            greeting(user),
            user.username
        ),
        template: "email_change_notice".to_owned(),
    }
}

/// To a new sign-up's address: the link that creates the account.
pub fn signup_confirm(config: &Config, email: &str, username: &str, token: &str) -> AppResult<NewEmail> {
    let link = link(config, "/confirm-signup", token)?;
    Ok(NewEmail {
        to_address: email.to_owned(),
        subject: "Finish signing up to MarketingOS".to_owned(),
        body_text: format!(
            "Hello {username},\n\nTo create your MarketingOS account, open this link within {} \
             minutes:\n\n{link}\n\nIf you did not sign up, ignore this email: no account is created.\n",
            minutes(config)
        ),
        template: "signup_confirm".to_owned(),
    })
}

/// To the owner of an address someone tried to sign up with.
pub fn signup_existing_account(user: &UserRow) -> NewEmail {
    NewEmail {
        to_address: user.email.clone().unwrap_or_default(),
        subject: "You already have a MarketingOS account".to_owned(),
        body_text: format!(
            "Hello {},\n\nSomeone tried to sign up to MarketingOS with this email address, which \
             already belongs to your account ({}). No new account was created.\n\nIf it was you, \
             sign in instead; if you forgot your password, use \"Forgot password\".\n",
            greeting(user),
            user.username
        ),
        template: "signup_existing_account".to_owned(),
    }
}

/// To a sign-up's address when its username is taken by someone else.
pub fn signup_username_taken(email: &str, username: &str) -> NewEmail {
    NewEmail {
        to_address: email.to_owned(),
        subject: "Choose another MarketingOS username".to_owned(),
        body_text: format!(
            "Hello,\n\nSomeone tried to sign up to MarketingOS with this email address and the \
             username {username}, which is already taken. No account was created; sign up again \
             with another username.\n"
        ),
        template: "signup_username_taken".to_owned(),
    }
}
