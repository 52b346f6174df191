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
    /// The uploaded file, kept until the import finishes.
    pub source: Vec<u8>,
    /// Where the upload came from, for the audit rows the job writes.
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// What a worker needs to (re)start an import: the job row and the file.
#[derive(Debug, Clone)]
pub struct ImportWork {
    pub import: LeadImport,
    pub source: Vec<u8>,
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

/// The import and its file, unless it finished (the file is then gone).
pub async fn work(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Option<ImportWork>, StorageError> {
    type Row = (LeadImport, Option<Vec<u8>>, Option<String>, Option<String>);
    let row: Option<Row> = lead_imports::table
        .find(id)
        .select((LeadImport::as_select(), lead_imports::source, lead_imports::request_id, lead_imports::ip))
        .first(conn)
        .await
        .optional()?;
    Ok(row.and_then(|(import, source, request_id, ip)| Some(ImportWork { import, source: source?, request_id, ip })))
}

/// Forgets a finished import's file.
pub async fn drop_source(conn: &mut AsyncPgConnection, id: Uuid) -> Result<(), StorageError> {
    diesel::update(lead_imports::table.find(id)).set(lead_imports::source.eq(None::<Vec<u8>>)).execute(conn).await?;
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
