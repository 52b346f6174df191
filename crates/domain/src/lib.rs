//! Types shared by the API server and the SPA. Everything here is pure (no I/O) and
//! compiles to wasm32; OpenAPI schemas are derived only with the `openapi` feature, and
//! the stored enums' diesel column mappings only with the `diesel` feature.

pub mod activity;
pub mod api_keys;
pub mod auth;
pub mod calendar;
pub mod campaigns;
pub mod clients;
pub mod enums;
pub mod error;
pub mod lead_imports;
pub mod leads;
pub mod pagination;
pub mod permissions;
#[cfg(feature = "recurrence")]
pub mod recurrence;
pub mod tasks;
pub mod users;
pub mod validation;

pub use error::{ErrorCode, FieldError, Problem};
pub use permissions::{Permission, PermissionOverrides, Permissions, Role, Scope};
