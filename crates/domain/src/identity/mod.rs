//! Who is signed in and what they may do: accounts, sessions, roles and permissions, API keys.

pub mod api_keys;
pub mod auth;
pub mod permissions;
pub mod users;
