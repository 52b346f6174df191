//! The audit log (`canManageSettings`): who changed what, for any entity.

use crate::api::{get_page, list_path, ApiResult, Paged};
use domain::activity::{ActivityFilter, ActivityLog};
use domain::pagination::PageParams;
use std::future::Future;

pub fn list(filter: &ActivityFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<ActivityLog>>> {
    get_page(list_path("/api/activity-logs", filter, page))
}
