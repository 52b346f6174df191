//! Queries on `task_comments`.

use crate::schema::task_comments;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::pagination::Page;
use domain::work::tasks::TaskComment;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_comments, check_for_backend(Pg))]
pub struct TaskCommentRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub user_id: i32,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

impl From<TaskCommentRow> for TaskComment {
    fn from(row: TaskCommentRow) -> Self {
        TaskComment {
            id: row.id,
            task_id: row.task_id,
            user_id: row.user_id,
            comment: row.comment,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = task_comments)]
pub struct NewTaskComment {
    pub task_id: Uuid,
    pub user_id: i32,
    pub comment: String,
}

/// One page of a task's comments, oldest first, and their number.
pub async fn list(
    conn: &mut AsyncPgConnection,
    task_id: Uuid,
    page: Page,
) -> Result<(Vec<TaskCommentRow>, i64), StorageError> {
    let total: i64 = task_comments::table.filter(task_comments::task_id.eq(task_id)).count().get_result(conn).await?;
    let rows = task_comments::table
        .filter(task_comments::task_id.eq(task_id))
        .select(TaskCommentRow::as_select())
        .order((task_comments::created_at.asc(), task_comments::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)
        .await?;
    Ok((rows, total))
}

pub async fn insert(conn: &mut AsyncPgConnection, comment: &NewTaskComment) -> Result<TaskCommentRow, StorageError> {
    Ok(diesel::insert_into(task_comments::table)
        .values(comment)
        .returning(TaskCommentRow::as_returning())
        .get_result(conn)
        .await?)
}
