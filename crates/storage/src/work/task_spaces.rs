//! Queries on `task_spaces`, the tree of folders tasks are filed in.

use crate::crud;
use crate::schema::{task_spaces, tasks};
use crate::StorageError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::work::tasks::{CreateTaskSpaceRequest, TaskSpace, UpdateTaskSpaceRequest};
use uuid::Uuid;

/// The whole tree, flat, in display order (`order`, then name).
pub async fn list(conn: &mut AsyncPgConnection) -> Result<Vec<TaskSpace>, StorageError> {
    Ok(task_spaces::table
        .select(TaskSpace::as_select())
        .order((task_spaces::order_.asc(), task_spaces::name.asc(), task_spaces::id.asc()))
        .load(conn)
        .await?)
}

crud::find_by_id!(task_spaces -> TaskSpace);

crud::insert!(
    task_spaces -> TaskSpace,
    (created_by: i32, space: &CreateTaskSpaceRequest) => (space, task_spaces::created_by.eq(created_by))
);

crud::update_by_id!(task_spaces -> TaskSpace, changes: &UpdateTaskSpaceRequest);

crud::delete_by_id!(task_spaces);

/// Serialises changes to the tree's shape for the rest of the transaction, so two
/// concurrent moves cannot together form a cycle that neither sees alone.
pub async fn lock_tree(conn: &mut AsyncPgConnection) -> Result<(), StorageError> {
    diesel::sql_query("LOCK TABLE task_spaces IN SHARE ROW EXCLUSIVE MODE").execute(conn).await?;
    Ok(())
}

/// Whether `ancestor` is `space` itself or one of the spaces above it.
pub async fn is_ancestor_or_self(
    conn: &mut AsyncPgConnection,
    ancestor: Uuid,
    space: Uuid,
) -> Result<bool, StorageError> {
    let mut current = Some(space);
    // The tree is acyclic; the bound only guards against a corrupted one.
    for _ in 0..10_000 {
        match current {
            None => return Ok(false),
            Some(id) if id == ancestor => return Ok(true),
            Some(id) => {
                current = task_spaces::table
                    .find(id)
                    .select(task_spaces::parent_space_id)
                    .first::<Option<Uuid>>(conn)
                    .await
                    .optional()?
                    .flatten();
            }
        }
    }
    Ok(true)
}

/// (child spaces, tasks) filed directly in the space.
pub async fn contents(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(i64, i64), StorageError> {
    let children: i64 = task_spaces::table.filter(task_spaces::parent_space_id.eq(id)).count().get_result(conn).await?;
    let tasks: i64 = tasks::table.filter(tasks::space_id.eq(id)).count().get_result(conn).await?;
    Ok((children, tasks))
}
