//! Operations pages for admins: the job queue and the e-mail outbox.

mod jobs;
mod outbox;

pub use jobs::JobsPage;
pub use outbox::OutboxPage;
