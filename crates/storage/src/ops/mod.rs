//! Queries of the operations area: the job queue, the e-mail outbox and the retention sweep.

pub mod jobs;
pub mod outbox;
pub mod retention;
