//! Operations for admins: the job queue and the e-mail outbox.

pub mod jobs;
pub mod outbox;
