//! Operations for admins: the job queue, the e-mail outbox and outgoing webhooks.

pub mod jobs;
pub mod outbox;
pub mod webhooks;
