//! Queries on `task_comments`.

use crate::crud;
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
    let comments = || task_comments::table.filter(task_comments::task_id.eq(task_id));
    crud::offset_page!(conn, page, comments(), TaskComment, (task_comments::created_at.asc(), task_comments::id.asc()))
}

crud::insert!(
    task_comments -> TaskComment,
    (task_id: Uuid, user_id: i32, comment: &CreateTaskCommentRequest)
        => (comment, task_comments::task_id.eq(task_id), task_comments::user_id.eq(user_id))
);
