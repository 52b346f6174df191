//! Accounts, sign-in and sessions, sign-up, users and API keys.

pub(crate) mod account;
pub(crate) mod api_keys;
pub(crate) mod auth;
pub(crate) mod signup;
pub(crate) mod users;
