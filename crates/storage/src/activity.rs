//! Queries on `activity_logs`, the audit trail.

use crate::crud;
use crate::schema::activity_logs;
use crate::sql::Narrow;
use crate::StorageError;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::activity::{ActivityFilter, ActivityLog};
use domain::pagination::Page;

#[derive(Debug, Clone, Default, Insertable)]
#[diesel(table_name = activity_logs)]
pub struct NewActivity {
    pub user_id: Option<i32>,
    pub activity_type: String,
    pub description: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub metadata: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

pub async fn insert(conn: &mut AsyncPgConnection, entry: &NewActivity) -> Result<(), StorageError> {
    diesel::insert_into(activity_logs::table).values(entry).execute(conn).await?;
    Ok(())
}

fn filtered(filter: &ActivityFilter) -> activity_logs::BoxedQuery<'_, Pg> {
    activity_logs::table
        .into_boxed()
        .narrow(filter.user_id.map(|user| activity_logs::user_id.eq(user)))
        .narrow(filter.entity_type.as_ref().map(|entity_type| activity_logs::entity_type.eq(entity_type)))
        .narrow(filter.entity_id.as_ref().map(|entity_id| activity_logs::entity_id.eq(entity_id)))
}

/// One page of the audit trail, newest first, and the total matching the filter.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ActivityFilter,
    page: Page,
) -> Result<(Vec<ActivityLog>, i64), StorageError> {
    crud::offset_page!(
        conn,
        page,
        filtered(filter),
        ActivityLog,
        (activity_logs::created_at.desc(), activity_logs::id.desc())
    )
}
