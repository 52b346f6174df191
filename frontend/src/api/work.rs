//! Work endpoints: tasks (with their comments and the recurrence preview), task spaces and
//! the calendar.

pub mod tasks {
    use crate::api::{get_page, list_path, post, record_endpoints, with_query, ApiResult, Paged};
    use domain::pagination::PageParams;
    use domain::work::tasks::{
        CreateTaskCommentRequest, CreateTaskRequest, RecurrencePreview, RecurrencePreviewQuery, Task, TaskComment,
        TaskFilter, UpdateTaskRequest,
    };
    use std::future::Future;
    use uuid::Uuid;

    pub fn list(filter: &TaskFilter, page: PageParams) -> impl Future<Output = ApiResult<Paged<Task>>> {
        get_page(list_path("/api/tasks", filter, page))
    }

    record_endpoints!("/api/tasks", Uuid, Task, CreateTaskRequest, UpdateTaskRequest);

    pub fn delete(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/tasks/{id}"))
    }

    pub fn comments(id: Uuid, page: PageParams) -> impl Future<Output = ApiResult<Paged<TaskComment>>> {
        get_page(list_path(format!("/api/tasks/{id}/comments"), &(), page))
    }

    pub fn comment(id: Uuid, body: &CreateTaskCommentRequest) -> impl Future<Output = ApiResult<TaskComment>> {
        post(format!("/api/tasks/{id}/comments"), body)
    }

    /// The first occurrences of a rule, for the recurrence editor.
    pub fn recurrence_preview(query: &RecurrencePreviewQuery) -> impl Future<Output = ApiResult<RecurrencePreview>> {
        crate::api::get(with_query("/api/tasks/recurrence-preview", query))
    }
}

pub mod spaces {
    use crate::api::{post, ApiResult};
    use domain::work::tasks::{CreateTaskSpaceRequest, TaskSpace};
    use std::future::Future;
    use uuid::Uuid;

    /// Every space, flat (the tree is built from `parentSpaceId`).
    pub fn list() -> impl Future<Output = ApiResult<Vec<TaskSpace>>> {
        crate::api::get("/api/task-spaces".into())
    }

    pub fn create(body: &CreateTaskSpaceRequest) -> impl Future<Output = ApiResult<TaskSpace>> {
        post("/api/task-spaces".into(), body)
    }

    /// Only an empty space can be deleted.
    pub fn delete(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/task-spaces/{id}"))
    }
}

pub mod calendar {
    use crate::api::{get_page, list_path, record_endpoints, with_query, ApiResult, Paged};
    use domain::pagination::PageParams;
    use domain::work::calendar::{
        CalendarEvent, CalendarWindow, CreateCalendarEventRequest, EventOccurrence, UpdateCalendarEventRequest,
    };
    use domain::work::tasks::Task;
    use std::future::Future;
    use uuid::Uuid;

    /// The caller's events in the window, recurring ones expanded into their occurrences.
    pub fn events(window: &CalendarWindow) -> impl Future<Output = ApiResult<Vec<EventOccurrence>>> {
        crate::api::get(with_query("/api/calendar/events", window))
    }

    /// The caller's tasks due in the window.
    pub fn tasks(window: &CalendarWindow, page: PageParams) -> impl Future<Output = ApiResult<Paged<Task>>> {
        get_page(list_path("/api/calendar/tasks", window, page))
    }

    record_endpoints!(
        "/api/calendar/events",
        Uuid,
        CalendarEvent,
        CreateCalendarEventRequest,
        UpdateCalendarEventRequest
    );

    /// A recurring event goes with all its repetitions.
    pub fn delete(id: Uuid) -> impl Future<Output = ApiResult<()>> {
        crate::api::delete(format!("/api/calendar/events/{id}"))
    }
}
