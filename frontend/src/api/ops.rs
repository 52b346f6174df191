//! Operations endpoints: the job queue and the e-mail outbox.

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

pub mod outbox {
    use crate::api::{get_page, list_path, ApiResult, Paged};
    use domain::ops::outbox::{OutboxEmail, OutboxEmailDetail, OutboxFilter};
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(filter: &OutboxFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<OutboxEmail>>> {
        get_page(list_path("/api/outbox", filter, page))
    }

    pub fn get(id: Uuid) -> impl Future<Output = ApiResult<OutboxEmailDetail>> {
        crate::api::get(format!("/api/outbox/{id}"))
    }
}
