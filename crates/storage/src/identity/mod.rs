//! Who is signed in and what they may do: accounts, sessions, roles and permissions, API keys.

pub mod api_keys;
pub mod email_changes;
pub mod password_resets;
pub mod refresh_tokens;
pub mod registrations;
mod single_use;
pub mod users;
