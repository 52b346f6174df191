//! Identity: signing in and the emailed links, the caller's profile, users and API keys,
//! and the people records are assigned to.

mod api_keys;
mod auth;
mod confirm;
pub mod people;
mod profile;
mod users;

pub use api_keys::ApiKeysPage;
pub use auth::{ForgotPasswordPage, LoginPage, ResetPasswordPage};
pub use confirm::{ConfirmEmailPage, ConfirmSignupPage};
pub use profile::ProfilePage;
pub use users::UsersPage;
