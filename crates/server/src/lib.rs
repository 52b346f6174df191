//! The MarketingOS API server.

pub mod auth;
pub mod calendar_sync;
pub mod config;
pub mod error;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod memory;
pub mod notify;
pub mod openapi;
pub mod platform;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
