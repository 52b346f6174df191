//! Queries on `task_templates`.

use crate::crud;
use crate::schema::task_templates;
use crate::StorageError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::json_column::Json;
use domain::pagination::Page;
use domain::work::tasks::{ChecklistItem, ScheduleFrom, TaskPriority, TaskStatus, TaskTemplate};
use uuid::Uuid;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = task_templates)]
pub struct NewTaskTemplate {
    pub name: String,
    pub description: Option<String>,
    pub title: String,
    pub task_description: Option<String>,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    pub due_date_offset: Option<i32>,
    pub estimated_hours: i32,
    pub space_id: Option<Uuid>,
    pub is_recurring: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_timezone: String,
    pub schedule_from: ScheduleFrom,
    pub tags: Vec<String>,
    pub checklist: Json<Vec<ChecklistItem>>,
    pub created_by: Option<i32>,
}

/// A partial update; `None` leaves a column unchanged, `Some(None)` sets it to NULL.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = task_templates)]
pub struct TaskTemplateChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub title: Option<String>,
    pub task_description: Option<Option<String>>,
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    pub due_date_offset: Option<Option<i32>>,
    pub estimated_hours: Option<i32>,
    pub space_id: Option<Option<Uuid>>,
    pub is_recurring: Option<bool>,
    pub recurrence_rule: Option<Option<String>>,
    pub recurrence_timezone: Option<String>,
    pub schedule_from: Option<ScheduleFrom>,
    pub tags: Option<Vec<String>>,
    pub checklist: Option<Json<Vec<ChecklistItem>>>,
}

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

crud::insert!(task_templates -> TaskTemplate, template: &NewTaskTemplate);

crud::update_by_id!(task_templates -> TaskTemplate, changes: &TaskTemplateChanges);

crud::delete_by_id!(task_templates);
