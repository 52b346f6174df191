//! Operations pages for admins: the job queue, the e-mail outbox and webhooks.

mod jobs;
mod outbox;
mod webhook_log;
mod webhooks;

pub use jobs::JobsPage;
pub use outbox::OutboxPage;
pub use webhooks::WebhooksPage;
