//! Queries of the operations area: the job queue, the e-mail outbox, webhooks and the
//! retention sweep.

pub mod jobs;
pub mod outbox;
pub mod retention;
pub mod webhook_deliveries;
pub mod webhooks;
