//! API tests: the real server over HTTP, each test with its own fresh PostgreSQL database.

mod crm;
mod cursor_paging;
mod errors;
mod events;
mod health;
mod identity;
mod input_security;
mod mail;
mod notifications;
mod openapi;
mod ops;
mod rate_limit;
mod rbac;
mod spa;
mod stored_enums;
mod stored_json;
mod work;
