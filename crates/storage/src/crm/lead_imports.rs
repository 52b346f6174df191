//! Queries on `lead_imports`, the CSV lead import jobs.

use crate::schema::lead_imports;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::lead_imports::{ImportMode, ImportStatus, LeadImport};
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = lead_imports, check_for_backend(Pg))]
pub struct LeadImportRow {
    pub id: Uuid,
    pub created_by: Option<i32>,
    pub mode: ImportMode,
    pub status: ImportStatus,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub imported_rows: i64,
    pub skipped_rows: i64,
    pub error_count: i64,
    pub errors: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<LeadImportRow> for LeadImport {
    fn from(row: LeadImportRow) -> Self {
        LeadImport {
            id: row.id,
            mode: row.mode,
            status: row.status,
            total_rows: row.total_rows,
            processed_rows: row.processed_rows,
            imported_rows: row.imported_rows,
            skipped_rows: row.skipped_rows,
            error_count: row.error_count,
            errors: serde_json::from_value(row.errors).unwrap_or_default(),
            created_by: row.created_by,
            created_at: row.created_at,
            finished_at: row.finished_at,
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = lead_imports)]
pub struct NewLeadImport {
    pub created_by: Option<i32>,
    pub mode: ImportMode,
    pub total_rows: i64,
}

/// A job's progress as of the last finished batch.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = lead_imports)]
pub struct ImportProgress {
    pub status: ImportStatus,
    pub processed_rows: i64,
    pub imported_rows: i64,
    pub skipped_rows: i64,
    pub error_count: i64,
    pub errors: serde_json::Value,
    pub finished_at: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, job: &NewLeadImport) -> Result<LeadImportRow, StorageError> {
    Ok(diesel::insert_into(lead_imports::table)
        .values(job)
        .returning(LeadImportRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<LeadImportRow>, StorageError> {
    Ok(lead_imports::table.find(id).select(LeadImportRow::as_select()).first(conn).await.optional()?)
}

pub async fn set_progress(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    progress: &ImportProgress,
) -> Result<LeadImportRow, StorageError> {
    Ok(diesel::update(lead_imports::table.find(id))
        .set(progress)
        .returning(LeadImportRow::as_returning())
        .get_result(conn)
        .await?)
}
