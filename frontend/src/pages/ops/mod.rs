//! Operations pages for admins: the job queue.

mod jobs;

pub use jobs::JobsPage;
