//! Types shared by the API server and the SPA. Everything here is pure (no I/O) and
//! compiles to wasm32; OpenAPI schemas are derived only with the `openapi` feature, and
//! with the `diesel` feature (storage only) the tables (`schema`) and the column mappings:
//! the read types are the rows (`Queryable`/`Selectable`), the requests that map onto a
//! table one to one are its `Insertable`/`AsChangeset`.

pub mod activity;
pub mod crm;
pub mod enums;
pub mod error;
pub mod events;
pub mod identity;
#[cfg(feature = "diesel")]
pub mod json_column;
pub mod notifications;
pub mod ops;
pub mod pagination;
pub mod patch;
#[cfg(feature = "diesel")]
pub mod schema;
pub mod validation;
pub mod visibility;
pub mod work;

pub use error::{ErrorCode, FieldError, Problem};
pub use identity::permissions::{Permission, PermissionOverrides, Permissions, Role, Scope};
