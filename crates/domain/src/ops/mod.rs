//! Operations: the background job queue and what admins see of it.

pub mod jobs;
