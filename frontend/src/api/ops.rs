//! Operations endpoints: the job queue, the e-mail outbox and webhooks.

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

pub mod webhooks {
    use crate::api::{delete, get_page, list_path, patch, post, post_empty, ApiResult, Paged};
    use domain::ops::webhooks::{
        CreateWebhookRequest, CreatedWebhookEndpoint, DeliveryLogEntry, UpdateWebhookRequest, WebhookDelivery,
        WebhookEndpoint,
    };
    use domain::pagination::PageParams;
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(page: PageParams) -> impl Future<Output = ApiResult<Paged<WebhookEndpoint>>> {
        get_page(list_path("/api/webhooks", &(), page))
    }

    pub fn create(body: &CreateWebhookRequest) -> impl Future<Output = ApiResult<CreatedWebhookEndpoint>> {
        post("/api/webhooks".into(), body)
    }

    pub fn update(id: Uuid, body: &UpdateWebhookRequest) -> impl Future<Output = ApiResult<WebhookEndpoint>> {
        patch(format!("/api/webhooks/{id}"), body)
    }

    pub fn remove(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        delete(format!("/api/webhooks/{id}"))
    }

    pub fn rotate_secret(id: Uuid) -> impl Future<Output = ApiResult<CreatedWebhookEndpoint>> {
        post_empty(format!("/api/webhooks/{id}/rotate-secret"))
    }

    pub fn test(id: Uuid) -> impl Future<Output = ApiResult<WebhookDelivery>> {
        post_empty(format!("/api/webhooks/{id}/test"))
    }

    pub fn deliveries(id: Uuid, page: PageParams) -> impl Future<Output = ApiResult<Paged<DeliveryLogEntry>>> {
        get_page(list_path(format!("/api/webhooks/{id}/deliveries"), &(), page))
    }

    pub fn redeliver(id: Uuid, delivery_id: i64) -> impl Future<Output = ApiResult<WebhookDelivery>> {
        post_empty(format!("/api/webhooks/{id}/deliveries/{delivery_id}/redeliver"))
    }
}
