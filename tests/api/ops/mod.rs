//! Operations: the job queue's workers and admin API, e-mail delivery and the outbox,
//! outgoing webhooks.

mod jobs;
mod mail_delivery;
mod webhook_delivery;
mod webhooks;
mod workers;
