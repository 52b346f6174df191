//! Operations: the background job queue, the e-mail outbox and outgoing webhooks, as
//! admins see them.

pub mod jobs;
pub mod outbox;
pub mod webhook_targets;
pub mod webhooks;
