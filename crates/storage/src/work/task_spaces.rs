//! Queries on `task_spaces`, the tree of folders tasks are filed in.

use crate::schema::{task_spaces, tasks};
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::work::tasks::TaskSpace;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = task_spaces, check_for_backend(Pg))]
pub struct TaskSpaceRow {
    pub id: Uuid,
    pub name: String,
    pub icon: String,
    pub color: String,
    pub parent_space_id: Option<Uuid>,
    pub order_: i32,
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TaskSpaceRow {
    pub fn to_space(&self) -> TaskSpace {
        TaskSpace {
            id: self.id,
            name: self.name.clone(),
            icon: self.icon.clone(),
            color: self.color.clone(),
            parent_space_id: self.parent_space_id,
            order: self.order_,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = task_spaces)]
pub struct NewTaskSpace {
    pub name: String,
    pub icon: Option<String>,
    pub color: Option<String>,
    pub parent_space_id: Option<Uuid>,
    pub order_: Option<i32>,
    pub created_by: i32,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = task_spaces)]
pub struct TaskSpaceChanges {
    pub name: Option<String>,
    pub icon: Option<String>,
    pub color: Option<String>,
    pub parent_space_id: Option<Option<Uuid>>,
    pub order_: Option<i32>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The whole tree, flat, in display order (`order`, then name).
pub async fn list(conn: &mut AsyncPgConnection) -> Result<Vec<TaskSpaceRow>, StorageError> {
    Ok(task_spaces::table
        .select(TaskSpaceRow::as_select())
        .order((task_spaces::order_.asc(), task_spaces::name.asc(), task_spaces::id.asc()))
        .load(conn)
        .await?)
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<TaskSpaceRow>, StorageError> {
    Ok(task_spaces::table.find(id).select(TaskSpaceRow::as_select()).first(conn).await.optional()?)
}

pub async fn insert(conn: &mut AsyncPgConnection, space: &NewTaskSpace) -> Result<TaskSpaceRow, StorageError> {
    Ok(diesel::insert_into(task_spaces::table)
        .values(space)
        .returning(TaskSpaceRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &TaskSpaceChanges,
) -> Result<TaskSpaceRow, StorageError> {
    let mut changes = changes.clone();
    changes.updated_at = Some(Utc::now());
    Ok(diesel::update(task_spaces::table.find(id))
        .set(&changes)
        .returning(TaskSpaceRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> Result<bool, StorageError> {
    Ok(diesel::delete(task_spaces::table.find(id)).execute(conn).await? > 0)
}

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
