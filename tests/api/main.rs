//! API tests: the real server over HTTP, each test with its own fresh PostgreSQL database.

mod api_keys;
mod auth;
mod errors;
mod health;
mod openapi;
mod rate_limit;
mod rbac;
mod spa;
mod users;
