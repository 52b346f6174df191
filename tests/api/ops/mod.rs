//! Operations: the job queue's workers and its admin API.

mod jobs;
mod workers;
