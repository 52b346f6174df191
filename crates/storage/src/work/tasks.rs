//! Queries on `tasks`, including the idempotent creation of a recurring task's next
//! instance.

use crate::crud;
use crate::keyset::sort_keys;
use crate::schema::tasks;
use crate::sql::{text_search, Narrow};
use crate::StorageError;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::json_column::Json;
use domain::pagination::Page;
use domain::work::tasks::{ChecklistItem, ScheduleFrom, Task, TaskPriority, TaskSort, TaskStatus};
use uuid::Uuid;

/// A task with the column only the server reads: where its recurrence is evaluated from.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tasks, check_for_backend(Pg))]
pub struct TaskRow {
    #[diesel(embed)]
    pub task: Task,
    /// The due date of the series' first instance (or of its last rule change).
    pub recurrence_start: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tasks)]
pub struct NewTask {
    pub id: Uuid,
    pub campaign_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub assigned_to_id: Option<i32>,
    pub space_id: Option<Uuid>,
    pub title: String,
    pub description: Option<String>,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    pub due_date: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub archived_at: Option<DateTime<Utc>>,
    pub checklist: Json<Vec<ChecklistItem>>,
    pub estimated_hours: i32,
    pub tags: Vec<String>,
    pub task_progress: i32,
    pub start_date: Option<DateTime<Utc>>,
    pub blocks_completion: bool,
    pub is_recurring: bool,
    pub recurrence_rule: Option<String>,
    pub recurrence_timezone: String,
    pub recurrence_start: Option<DateTime<Utc>>,
    pub schedule_from: ScheduleFrom,
    pub series_id: Option<Uuid>,
    pub instance_date: Option<NaiveDate>,
    pub created_by: Option<i32>,
}

/// A partial update; `None` leaves a column unchanged, `Some(None)` sets it to NULL (the
/// default changes nothing).
#[derive(Debug, Clone, Default, PartialEq, AsChangeset)]
#[diesel(table_name = tasks)]
pub struct TaskChanges {
    pub campaign_id: Option<Option<Uuid>>,
    pub client_id: Option<Option<Uuid>>,
    pub assigned_to_id: Option<Option<i32>>,
    pub space_id: Option<Option<Uuid>>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub status: Option<TaskStatus>,
    pub priority: Option<TaskPriority>,
    pub due_date: Option<Option<DateTime<Utc>>>,
    pub completed_at: Option<Option<DateTime<Utc>>>,
    pub archived_at: Option<Option<DateTime<Utc>>>,
    pub checklist: Option<Json<Vec<ChecklistItem>>>,
    pub estimated_hours: Option<i32>,
    pub tags: Option<Vec<String>>,
    pub task_progress: Option<i32>,
    pub start_date: Option<Option<DateTime<Utc>>>,
    pub blocks_completion: Option<bool>,
    pub is_recurring: Option<bool>,
    pub recurrence_rule: Option<Option<String>>,
    pub recurrence_timezone: Option<String>,
    pub recurrence_start: Option<Option<DateTime<Utc>>>,
    pub schedule_from: Option<ScheduleFrom>,
    pub series_id: Option<Option<Uuid>>,
    pub instance_date: Option<Option<NaiveDate>>,
}

/// The task list's filters, resolved to concrete values by the handler.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    pub space_id: Option<Uuid>,
    pub status: Option<TaskStatus>,
    pub assigned_to_id: Option<i32>,
    /// `mine=true`: the caller's id.
    pub mine_user_id: Option<i32>,
    /// `[from, to)` on the due date.
    pub due_from: Option<DateTime<Utc>>,
    pub due_to: Option<DateTime<Utc>>,
    /// Overdue: due before this instant and not completed or archived.
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only tasks with a due date.
    pub dated: bool,
    pub q: Option<String>,
    pub sort: TaskSort,
}

/// Same expression as the `tasks_priority_rank_idx` index.
const PRIORITY_RANK: &str = "CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END";

fn filtered(query: &TaskQuery) -> tasks::BoxedQuery<'_, Pg> {
    // Overdue: due before the instant and neither completed nor archived.
    let open = || tasks::status.ne_all([TaskStatus::Completed, TaskStatus::Archived]);
    tasks::table
        .into_boxed()
        .narrow(query.space_id.map(|space| tasks::space_id.eq(space)))
        .narrow(query.status.map(|status| tasks::status.eq(status)))
        .narrow(query.assigned_to_id.map(|user| tasks::assigned_to_id.eq(user)))
        .narrow(query.mine_user_id.map(|user| tasks::assigned_to_id.eq(user)))
        .narrow(query.due_from.map(|from| tasks::due_date.ge(from)))
        .narrow(query.due_to.map(|to| tasks::due_date.lt(to)))
        .narrow(query.dated.then(|| tasks::due_date.is_not_null()))
        .narrow(query.overdue_at.map(|now| tasks::due_date.lt(now).and(open())))
        // Same expression as the trigram index `tasks_search_idx`.
        .narrow(text_search("(title || ' ' || coalesce(description, '')) ILIKE ", query.q.as_deref()))
}

/// The matching tasks in the requested order (ties broken by id, so pages are stable).
fn sorted(query: &TaskQuery) -> tasks::BoxedQuery<'_, Pg> {
    TaskKey::order(query.sort, filtered(query))
}

/// One page of tasks in the requested order, and the total matching the filter.
pub async fn list(
    conn: &mut AsyncPgConnection,
    query: &TaskQuery,
    page: Page,
) -> Result<(Vec<Task>, i64), StorageError> {
    let total: i64 = filtered(query).count().get_result(conn).await?;
    let rows = sorted(query).select(Task::as_select()).limit(page.limit).offset(page.offset).load(conn).await?;
    Ok((rows, total))
}

/// `PRIORITY_RANK` of a stored priority.
fn priority_rank(priority: TaskPriority) -> i32 {
    match priority {
        TaskPriority::Urgent => 4,
        TaskPriority::High => 3,
        TaskPriority::Normal => 2,
        TaskPriority::Low => 1,
    }
}

sort_keys! {
    /// A task's position in a list sort, as a cursor carries it. Priority sorts carry
    /// the priority rank, then the due date that orders equal priorities.
    pub enum TaskKey for Task, TaskSort in tasks {
        DueDate(Option<DateTime<Utc>>) => [due_date asc_nulls_last],
        DueDateDesc(Option<DateTime<Utc>>) => [due_date desc_nulls_last],
        Priority((i32, Option<DateTime<Utc>>)) =>
            [custom priority_key, |q| by_priority(q, false), |q, key, id| after_priority(q, key, id, false)],
        PriorityDesc((i32, Option<DateTime<Utc>>)) =>
            [custom priority_key, |q| by_priority(q, true), |q, key, id| after_priority(q, key, id, true)],
        CreatedAt(DateTime<Utc>) => [created_at asc],
        CreatedAtDesc(DateTime<Utc>) => [created_at desc],
        Title(String) => [title asc],
        TitleDesc(String) => [title desc],
    }
}

fn priority_key(row: &Task) -> (i32, Option<DateTime<Utc>>) {
    (priority_rank(row.priority), row.due_date)
}

/// Equal priorities: the earliest due date first.
fn by_priority(query: tasks::BoxedQuery<'_, Pg>, desc: bool) -> tasks::BoxedQuery<'_, Pg> {
    let rank = sql::<Integer>(PRIORITY_RANK);
    if desc {
        query.order((rank.desc(), tasks::due_date.asc().nulls_last(), tasks::id.asc()))
    } else {
        query.order((rank.asc(), tasks::due_date.asc().nulls_last(), tasks::id.asc()))
    }
}

/// Equal ranks continue by due date (NULLs last) and id, both ascending.
fn after_priority(
    query: tasks::BoxedQuery<'_, Pg>,
    (r, due): (i32, Option<DateTime<Utc>>),
    id: Uuid,
    desc: bool,
) -> tasks::BoxedQuery<'_, Pg> {
    let rank = || sql::<Integer>(PRIORITY_RANK);
    match due {
        Some(due) => {
            let same_rank_after = rank().eq(r).and(
                tasks::due_date.gt(due).or(tasks::due_date.eq(due).and(tasks::id.gt(id))).or(tasks::due_date.is_null()),
            );
            match desc {
                true => query.filter(rank().lt(r).or(same_rank_after)),
                false => query.filter(rank().gt(r).or(same_rank_after)),
            }
        }
        None => {
            let same_rank_after = rank().eq(r).and(tasks::due_date.is_null().and(tasks::id.gt(id)));
            match desc {
                true => query.filter(rank().lt(r).or(same_rank_after)),
                false => query.filter(rank().gt(r).or(same_rank_after)),
            }
        }
    }
}

/// As `list`, starting after `(key, id)` when given (keyset paging), with up to
/// `page.limit + 1` rows: the extra one tells that a next page exists.
pub async fn list_after(
    conn: &mut AsyncPgConnection,
    query: &TaskQuery,
    page: Page,
    after: Option<(TaskKey, Uuid)>,
) -> Result<(Vec<Task>, i64), StorageError> {
    let total: i64 = filtered(query).count().get_result(conn).await?;
    let rows = TaskKey::page(query.sort, filtered(query), page, after).select(Task::as_select()).load(conn).await?;
    Ok((rows, total))
}

crud::find_by_id!(tasks -> TaskRow);

crud::insert!(tasks -> Task, task: &NewTask);

/// Inserts a recurring task's next instance unless its `(series_id, instance_date)`
/// already exists; `None` when it did (a repeated or concurrent completion).
pub async fn insert_instance(conn: &mut AsyncPgConnection, task: &NewTask) -> Result<Option<Task>, StorageError> {
    Ok(diesel::insert_into(tasks::table)
        .values(task)
        .on_conflict((tasks::series_id, tasks::instance_date))
        .do_nothing()
        .returning(Task::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

crud::update_by_id!(tasks -> TaskRow, changes: &TaskChanges);

crud::delete_by_id!(tasks);

pub async fn count_in_space(conn: &mut AsyncPgConnection, space_id: Uuid) -> Result<i64, StorageError> {
    Ok(tasks::table.filter(tasks::space_id.eq(space_id)).count().get_result(conn).await?)
}

/// Open, assigned tasks due in `[from, to)` (of one assignee, or all): what the due-date
/// reminders look at.
pub async fn due_between(
    conn: &mut AsyncPgConnection,
    assignee: Option<i32>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Task>, StorageError> {
    Ok(tasks::table
        .into_boxed()
        .narrow(assignee.map(|user| tasks::assigned_to_id.eq(user)))
        .filter(tasks::due_date.ge(from).and(tasks::due_date.lt(to)))
        .filter(tasks::status.ne_all([TaskStatus::Completed, TaskStatus::Archived]))
        .filter(tasks::archived_at.is_null())
        .filter(tasks::assigned_to_id.is_not_null())
        .order((tasks::due_date.asc(), tasks::id.asc()))
        .limit(limit)
        .select(Task::as_select())
        .load(conn)
        .await?)
}
