//! API tests: the real server over HTTP, each test with its own fresh PostgreSQL database.

mod account;
mod api_keys;
mod auth;
mod calendar;
mod campaigns;
mod clients;
mod cursor_paging;
mod errors;
mod health;
mod input_security;
mod lead_imports;
mod leads;
mod mail;
mod openapi;
mod rate_limit;
mod rbac;
mod recurrence_limits;
mod signup;
mod spa;
mod stored_enums;
mod stored_json;
mod task_spaces;
mod task_templates;
mod tasks;
mod users;
