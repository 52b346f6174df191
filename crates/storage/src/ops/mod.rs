//! Queries of the operations area: the job queue and the retention sweep.

pub mod jobs;
pub mod retention;
