//! Queries on `task_comments`.

use crate::schema::task_comments;
use crate::StorageError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::pagination::Page;
use domain::work::tasks::{CreateTaskCommentRequest, TaskComment};
use uuid::Uuid;

/// One page of a task's comments, oldest first, and their number.
pub async fn list(
    conn: &mut AsyncPgConnection,
    task_id: Uuid,
    page: Page,
) -> Result<(Vec<TaskComment>, i64), StorageError> {
    let total: i64 = task_comments::table.filter(task_comments::task_id.eq(task_id)).count().get_result(conn).await?;
    let rows = task_comments::table
        .filter(task_comments::task_id.eq(task_id))
        .select(TaskComment::as_select())
        .order((task_comments::created_at.asc(), task_comments::id.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)
        .await?;
    Ok((rows, total))
}

/// Adds `user_id`'s comment to task `task_id`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    task_id: Uuid,
    user_id: i32,
    comment: &CreateTaskCommentRequest,
) -> Result<TaskComment, StorageError> {
    Ok(diesel::insert_into(task_comments::table)
        .values((comment, task_comments::task_id.eq(task_id), task_comments::user_id.eq(user_id)))
        .returning(TaskComment::as_returning())
        .get_result(conn)
        .await?)
}
