//! Authentication (cookies, bearer JWTs, API keys), the account emails, and the RBAC
//! guards every route uses.

pub mod api_keys;
pub mod cookies;
pub mod emails;
pub mod extract;
pub mod passwords;
pub mod tokens;

pub use extract::{perm, Authorized, OptionalPrincipal, Principal, SignedIn, StaffOnly};
