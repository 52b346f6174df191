//! Operations endpoints: the job queue.

pub mod jobs {
    use crate::api::{get, get_page, list_path, post_empty, ApiResult, Paged};
    use domain::ops::jobs::{Job, JobFilter, QueueSummary};
    use domain::pagination::PageParams;
    use std::future::Future;

    pub fn list(filter: &JobFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Job>>> {
        get_page(list_path("/api/jobs", filter, page))
    }

    pub fn summary() -> impl Future<Output = ApiResult<QueueSummary>> {
        get("/api/jobs/summary".into())
    }

    pub fn retry(id: i64) -> impl Future<Output = ApiResult<Job>> {
        post_empty(format!("/api/jobs/{id}/retry"))
    }

    pub fn cancel(id: i64) -> impl Future<Output = ApiResult<Job>> {
        post_empty(format!("/api/jobs/{id}/cancel"))
    }
}
