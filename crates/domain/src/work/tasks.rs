//! Tasks, task spaces (a tree of folders) and task comments, as the API shows and
//! accepts them. Recurrence rules are evaluated by [`crate::work::recurrence`] on the server.

use crate::identity::permissions::Role;
use crate::patch::double_option;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Who may use tasks: every staff-side role; client-portal roles (`client`,
/// `prospective_client`) may not.
pub fn may_use_tasks(role: Role) -> bool {
    !role.is_client_portal()
}

crate::enums::stored_enum! {
    #[derive(Hash, Default)]
    pub enum TaskStatus: "snake_case" {
        #[default]
        Todo,
        InProgress,
        Review,
        Completed,
        Archived,
    }
}

crate::enums::stored_enum! {
    #[derive(Hash, Default)]
    pub enum TaskPriority: "snake_case" {
        Low,
        #[default]
        Normal,
        High,
        Urgent,
    }
}

crate::enums::stored_enum! {
    /// What a recurring task's next due date is computed from.
    #[derive(Default)]
    pub enum ScheduleFrom: "snake_case" {
        /// The rule's next date after the current instance's due date.
        #[default]
        DueDate,
        /// The rule restarted on the day the instance was completed.
        CompletionDate,
    }
}

/// One checklist entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChecklistItem {
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub text: String,
    #[serde(default)]
    pub completed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::tasks, check_for_backend(diesel::pg::Pg)))]
pub struct Task {
    pub id: Uuid,
    pub title: String,
    pub description: Option<String>,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    pub assigned_to_id: Option<i32>,
    pub space_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub due_date: Option<DateTime<Utc>>,
    pub start_date: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<Vec<ChecklistItem>>))]
    pub checklist: Vec<ChecklistItem>,
    pub tags: Vec<String>,
    pub estimated_hours: i32,
    pub task_progress: i32,
    pub blocks_completion: bool,
    pub is_recurring: bool,
    /// RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub recurrence_rule: Option<String>,
    /// IANA time zone the rule is evaluated in.
    pub recurrence_timezone: String,
    pub schedule_from: ScheduleFrom,
    /// Shared by every instance of a recurring task.
    pub series_id: Option<Uuid>,
    /// The local date (in `recurrenceTimezone`) this instance stands for.
    pub instance_date: Option<NaiveDate>,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTaskRequest {
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: String,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
    /// Defaults to `todo`.
    pub status: Option<TaskStatus>,
    /// Defaults to `normal`.
    pub priority: Option<TaskPriority>,
    pub assigned_to_id: Option<i32>,
    pub space_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub due_date: Option<DateTime<Utc>>,
    pub start_date: Option<DateTime<Utc>>,
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[validate(length(max = 20))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Option<Vec<String>>,
    #[validate(range(min = 0, max = 10000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub estimated_hours: Option<i32>,
    #[validate(range(min = 0, max = 100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub task_progress: Option<i32>,
    pub blocks_completion: Option<bool>,
    /// With `recurrenceRule` and `dueDate`: completing the task creates the next instance.
    pub is_recurring: Option<bool>,
    /// RFC 5545 RRULE value (FREQ DAILY, WEEKLY, MONTHLY or YEARLY), e.g. `FREQ=WEEKLY;BYDAY=MO`.
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub recurrence_rule: Option<String>,
    /// IANA time zone of the rule (default `UTC`).
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Berlin"))]
    pub recurrence_timezone: Option<String>,
    /// Defaults to `due_date`.
    pub schedule_from: Option<ScheduleFrom>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTaskRequest {
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub description: Option<Option<String>>,
    /// `completed` sets `completedAt` and, for a recurring task, creates the next instance.
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>))]
    pub assigned_to_id: Option<Option<i32>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub space_id: Option<Option<Uuid>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub client_id: Option<Option<Uuid>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub campaign_id: Option<Option<Uuid>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub due_date: Option<Option<DateTime<Utc>>>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DateTime<Utc>>))]
    pub start_date: Option<Option<DateTime<Utc>>>,
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub checklist: Option<Vec<ChecklistItem>>,
    #[validate(length(max = 20))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Option<Vec<String>>,
    #[validate(range(min = 0, max = 10000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub estimated_hours: Option<i32>,
    #[validate(range(min = 0, max = 100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub task_progress: Option<i32>,
    pub blocks_completion: Option<bool>,
    pub is_recurring: Option<bool>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub recurrence_rule: Option<Option<String>>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub recurrence_timezone: Option<String>,
    pub schedule_from: Option<ScheduleFrom>,
}

/// `due` filter of the task list, relative to the caller's time zone (`tz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    /// Due before now and neither completed nor archived.
    Overdue,
    /// Due today.
    Today,
    /// Due today or in the next six days.
    Week,
}

/// Sort orders of the task list; `-` means descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaskSort {
    #[serde(rename = "dueDate")]
    DueDate,
    #[serde(rename = "-dueDate")]
    DueDateDesc,
    #[serde(rename = "priority")]
    Priority,
    #[serde(rename = "-priority")]
    PriorityDesc,
    #[serde(rename = "createdAt")]
    CreatedAt,
    #[default]
    #[serde(rename = "-createdAt")]
    CreatedAtDesc,
    #[serde(rename = "title")]
    Title,
    #[serde(rename = "-title")]
    TitleDesc,
}

/// Filters of `GET /api/tasks`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct TaskFilter {
    /// `true`: only tasks assigned to the caller.
    pub mine: Option<bool>,
    pub space_id: Option<Uuid>,
    pub status: Option<TaskStatus>,
    pub assigned_to_id: Option<i32>,
    pub due: Option<DueFilter>,
    /// IANA time zone for `due` (default `UTC`).
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", param(max_length = 64, example = "Europe/Berlin"))]
    pub tz: Option<String>,
    /// Case-insensitive text search in title and description.
    #[validate(length(max = 100))]
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// Default `-createdAt`.
    pub sort: Option<TaskSort>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::task_spaces, check_for_backend(diesel::pg::Pg)))]
pub struct TaskSpace {
    pub id: Uuid,
    pub name: String,
    pub icon: String,
    pub color: String,
    /// The parent space; `null` at the top of the tree.
    pub parent_space_id: Option<Uuid>,
    #[cfg_attr(feature = "diesel", diesel(column_name = order_))]
    pub order: i32,
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn hex_color(value: &str) -> Result<(), ValidationError> {
    let ok = value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("color").with_message("must be a colour such as #3B82F6".into()))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::task_spaces))]
pub struct CreateTaskSpaceRequest {
    #[validate(length(min = 1, max = 100), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: String,
    /// Default 📁.
    #[validate(length(max = 16))]
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub icon: Option<String>,
    /// Default #3B82F6.
    #[validate(custom(function = "hex_color"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    pub color: Option<String>,
    pub parent_space_id: Option<Uuid>,
    #[validate(range(min = 0, max = 100000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    #[cfg_attr(feature = "diesel", diesel(column_name = order_))]
    pub order: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::AsChangeset), diesel(table_name = crate::schema::task_spaces))]
pub struct UpdateTaskSpaceRequest {
    #[validate(length(min = 1, max = 100), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: Option<String>,
    #[validate(length(max = 16))]
    #[cfg_attr(feature = "openapi", schema(max_length = 16))]
    pub icon: Option<String>,
    #[validate(custom(function = "hex_color"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    pub color: Option<String>,
    /// Moves the space; `null` moves it to the top. A space cannot move under itself.
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub parent_space_id: Option<Option<Uuid>>,
    #[validate(range(min = 0, max = 100000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    #[cfg_attr(feature = "diesel", diesel(column_name = order_))]
    pub order: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::task_comments, check_for_backend(diesel::pg::Pg)))]
pub struct TaskComment {
    pub id: Uuid,
    pub task_id: Uuid,
    pub user_id: i32,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::task_comments))]
pub struct CreateTaskCommentRequest {
    #[validate(length(min = 1, max = 5000), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 5000, pattern = r"\S"))]
    pub comment: String,
}

/// `GET /api/tasks/recurrence-preview`: the first occurrences of a rule, for the editor.
#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct RecurrencePreviewQuery {
    /// RFC 5545 RRULE value, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    #[validate(length(min = 1, max = 500))]
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 500))]
    pub recurrence_rule: String,
    /// RFC 3339 start of the series (the first due date).
    pub start: DateTime<Utc>,
    /// IANA time zone of the rule (default `UTC`).
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", param(max_length = 64, example = "Europe/Berlin"))]
    pub recurrence_timezone: Option<String>,
    /// How many occurrences, 1 to 20 (default 5).
    #[validate(range(min = 1, max = 20))]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 20))]
    pub count: Option<u32>,
}

/// The first occurrences of a rule from its start (fewer when COUNT or UNTIL ends it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecurrencePreview {
    pub occurrences: Vec<DateTime<Utc>>,
}

/// A blueprint for tasks: `POST /api/tasks/templates/{templateId}/tasks` creates a task
/// with its title, description, priority, checklist, tags, estimate and recurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "diesel", derive(diesel::Queryable, diesel::Selectable), diesel(table_name = crate::schema::task_templates, check_for_backend(diesel::pg::Pg)))]
pub struct TaskTemplate {
    pub id: Uuid,
    /// The template's own name, as listed.
    pub name: String,
    /// What the template is for.
    pub description: Option<String>,
    /// The created task's title.
    pub title: String,
    /// The created task's description.
    pub task_description: Option<String>,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    /// Days from creation to the task's due date; `null` leaves it open.
    pub due_date_offset: Option<i32>,
    pub estimated_hours: i32,
    pub space_id: Option<Uuid>,
    pub is_recurring: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_timezone: String,
    pub schedule_from: ScheduleFrom,
    pub tags: Vec<String>,
    #[cfg_attr(feature = "diesel", diesel(deserialize_as = crate::json_column::Json<Vec<ChecklistItem>>))]
    pub checklist: Vec<ChecklistItem>,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::Insertable), diesel(table_name = crate::schema::task_templates))]
pub struct CreateTaskTemplateRequest {
    #[validate(length(min = 1, max = 100), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: String,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: String,
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(max_length = 10000))]
    pub task_description: Option<String>,
    /// Defaults to `todo`.
    pub status: Option<TaskStatus>,
    /// Defaults to `normal`.
    pub priority: Option<TaskPriority>,
    #[validate(range(min = 0, max = 3650))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 3650))]
    pub due_date_offset: Option<i32>,
    #[validate(range(min = 0, max = 10000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub estimated_hours: Option<i32>,
    pub space_id: Option<Uuid>,
    /// Tasks created from the template recur (they need a due date: set `dueDateOffset`
    /// or pass `dueDate` when creating).
    pub is_recurring: Option<bool>,
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub recurrence_rule: Option<String>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64, example = "Europe/Berlin"))]
    pub recurrence_timezone: Option<String>,
    pub schedule_from: Option<ScheduleFrom>,
    #[validate(length(max = 20))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Option<Vec<String>>,
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    // Storage writes it as `Json` (a list is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_insertion))]
    pub checklist: Option<Vec<ChecklistItem>>,
}

/// Partial update: absent fields stay as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "diesel", derive(diesel::AsChangeset), diesel(table_name = crate::schema::task_templates))]
pub struct UpdateTaskTemplateRequest {
    #[validate(length(min = 1, max = 100), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub description: Option<Option<String>>,
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: Option<String>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 10000))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub task_description: Option<Option<String>>,
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 3650))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, minimum = 0, maximum = 3650))]
    pub due_date_offset: Option<Option<i32>>,
    #[validate(range(min = 0, max = 10000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub estimated_hours: Option<i32>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub space_id: Option<Option<Uuid>>,
    pub is_recurring: Option<bool>,
    #[serde(default, with = "double_option", skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 500))]
    pub recurrence_rule: Option<Option<String>>,
    #[validate(length(max = 64))]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub recurrence_timezone: Option<String>,
    pub schedule_from: Option<ScheduleFrom>,
    #[validate(length(max = 20))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Option<Vec<String>>,
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    // Storage writes it as `Json` (a list is no SQL value by itself).
    #[cfg_attr(feature = "diesel", diesel(skip_update))]
    pub checklist: Option<Vec<ChecklistItem>>,
}

/// What a task created from a template sets beyond the template's fields; all optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTaskFromTemplateRequest {
    /// Replaces the template's title.
    #[validate(length(min = 1, max = 255), custom(function = "crate::validation::not_blank"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255, pattern = r"\S"))]
    pub title: Option<String>,
    /// Replaces the due date computed from `dueDateOffset`.
    pub due_date: Option<DateTime<Utc>>,
    pub assigned_to_id: Option<i32>,
    /// Replaces the template's space.
    pub space_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staff_side_roles_may_use_tasks() {
        for role in Role::ALL {
            assert_eq!(may_use_tasks(role), !matches!(role, Role::Client | Role::ProspectiveClient), "{role}");
        }
    }

    #[test]
    fn enums_use_the_originals_strings() {
        for status in TaskStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(TaskStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(serde_json::to_value(TaskSort::DueDateDesc).unwrap(), "-dueDate");
        assert_eq!(serde_json::to_value(ScheduleFrom::CompletionDate).unwrap(), "completion_date");
    }

    #[test]
    fn requests_are_validated() {
        let blank: CreateTaskRequest = serde_json::from_str(r#"{"title":"   "}"#).unwrap();
        let errors = crate::validation::field_errors(&blank.validate().unwrap_err());
        assert_eq!(errors[0].field, "title");
        let space: CreateTaskSpaceRequest = serde_json::from_str(r##"{"name":"Ops","color":"blue"}"##).unwrap();
        let errors = crate::validation::field_errors(&space.validate().unwrap_err());
        assert_eq!(errors[0].field, "color");
        let patch: UpdateTaskRequest = serde_json::from_str(r#"{"dueDate":null,"spaceId":null}"#).unwrap();
        assert_eq!(patch.due_date, Some(None));
        assert!(serde_json::from_str::<UpdateTaskRequest>(r#"{"owner":1}"#).is_err());
    }
}
