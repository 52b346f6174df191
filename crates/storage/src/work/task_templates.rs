//! Queries on `task_templates`.

use crate::crud;
use crate::schema::task_templates;
use crate::StorageError;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::json_column::Json;
use domain::pagination::Page;
use domain::work::tasks::{CreateTaskTemplateRequest, TaskTemplate, UpdateTaskTemplateRequest};
use uuid::Uuid;

/// One page of templates by name, and the total.
pub async fn list(conn: &mut AsyncPgConnection, page: Page) -> Result<(Vec<TaskTemplate>, i64), StorageError> {
    crud::offset_page!(
        conn,
        page,
        task_templates::table,
        TaskTemplate,
        (task_templates::name.asc(), task_templates::id.asc())
    )
}

crud::find_by_id!(task_templates -> TaskTemplate);

// A create request is the row: the table's defaults fill what it leaves out (status
// `todo`, priority `normal`, no estimate, time zone `UTC`, from the due date, no tags).
crud::insert!(
    task_templates -> TaskTemplate,
    (created_by: i32, template: &CreateTaskTemplateRequest) => (
        template,
        task_templates::created_by.eq(created_by),
        template.checklist.clone().map(|items| task_templates::checklist.eq(Json(items))),
    )
);

/// Applies `changes` (absent fields stay) and stamps `updated_at`.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &UpdateTaskTemplateRequest,
) -> Result<TaskTemplate, StorageError> {
    let checklist = changes.checklist.clone().map(|items| task_templates::checklist.eq(Json(items)));
    Ok(diesel::update(task_templates::table.find(id))
        .set((changes, checklist, task_templates::updated_at.eq(Utc::now())))
        .returning(TaskTemplate::as_returning())
        .get_result(conn)
        .await?)
}

crud::delete_by_id!(task_templates);
