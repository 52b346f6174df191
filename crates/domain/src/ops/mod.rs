//! Operations: the background job queue and the e-mail outbox, as admins see them.

pub mod jobs;
pub mod outbox;
