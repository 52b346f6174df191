//! Operations: the job queue (and, with e-mail delivery, the outbox) for admins.

pub mod jobs;
