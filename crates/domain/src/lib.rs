//! Types shared by the API server and the SPA. Everything here is pure (no I/O) and
//! compiles to wasm32; OpenAPI schemas are derived only with the `openapi` feature, and
//! the stored enums' diesel column mappings only with the `diesel` feature.

pub mod activity;
pub mod crm;
pub mod enums;
pub mod error;
pub mod identity;
pub mod pagination;
pub mod patch;
pub mod validation;
pub mod visibility;
pub mod work;

pub use error::{ErrorCode, FieldError, Problem};
pub use identity::permissions::{Permission, PermissionOverrides, Permissions, Role, Scope};
