//! Queries on `lead_imports`, the CSV lead import jobs.

use crate::crud;
use crate::schema::lead_imports;
use crate::StorageError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use domain::crm::lead_imports::{ImportMode, ImportRowError, ImportStatus, LeadImport};
use domain::json_column::Json;
use uuid::Uuid;

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
    pub errors: Json<Vec<ImportRowError>>,
    pub finished_at: Option<DateTime<Utc>>,
}

crud::insert!(lead_imports -> LeadImport, job: &NewLeadImport);

crud::find_by_id!(lead_imports -> LeadImport);

pub async fn set_progress(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    progress: &ImportProgress,
) -> Result<LeadImport, StorageError> {
    Ok(diesel::update(lead_imports::table.find(id))
        .set(progress)
        .returning(LeadImport::as_returning())
        .get_result(conn)
        .await?)
}
