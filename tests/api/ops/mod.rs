//! Operations: the job queue's workers and admin API, e-mail delivery and the outbox.

mod jobs;
mod mail_delivery;
mod workers;
