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
    /// The file's header and data rows, kept until the import finishes.
    pub header: Json<Vec<String>>,
    pub pending_rows: Json<Vec<Vec<String>>>,
    /// Where the upload came from, for the audit rows the job writes.
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// What a worker needs to (re)start an import: the job row and the file's rows.
#[derive(Debug, Clone)]
pub struct ImportWork {
    pub import: LeadImport,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
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

/// The import and its rows, unless it finished (its rows are then gone).
pub async fn work(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<ImportWork>, StorageError> {
    type Row = (LeadImport, Option<Json<Vec<String>>>, Option<Json<Vec<Vec<String>>>>, Option<String>, Option<String>);
    let row: Option<Row> = lead_imports::table
        .find(id)
        .select((
            LeadImport::as_select(),
            lead_imports::header,
            lead_imports::pending_rows,
            lead_imports::request_id,
            lead_imports::ip,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.and_then(|(import, header, rows, request_id, ip)| {
        Some(ImportWork { import, header: header?.0, rows: rows?.0, request_id, ip })
    }))
}

/// Forgets a finished import's rows.
pub async fn drop_rows(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(lead_imports::table.find(id))
        .set((
            lead_imports::header.eq(None::<Json<Vec<String>>>),
            lead_imports::pending_rows.eq(None::<Json<Vec<Vec<String>>>>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

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
