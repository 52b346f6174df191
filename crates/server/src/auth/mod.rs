//! Authentication (cookies, bearer JWTs, API keys), the account emails, and the RBAC
//! guards every route uses.

pub mod api_keys;
pub mod cookies;
pub mod emails;
pub mod extract;
pub mod guard;
pub mod passwords;
pub mod scope;
pub mod tokens;

pub use extract::{OptionalPrincipal, Principal};
pub use guard::{perm, Authorized, SignedIn, StaffOnly};
