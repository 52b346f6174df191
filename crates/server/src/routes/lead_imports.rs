//! CSV import and export of leads, guarded as the leads routes are (`canManageLeads`,
//! sales agents limited to their own leads). An upload is checked as a whole file
//! (media type, size, UTF-8, CSV syntax, header) before the answer; its rows are then
//! validated and imported by a background task in batches, and the client polls the job.

use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Change};
use crate::http::input::{CsvBody, ValidQuery};
use crate::routes::clients::{assignee, Crm, LeadsRead, LeadsWrite};
use crate::routes::leads::{duplicate, new_lead, write_error};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::clients::Visibility;
use domain::lead_imports::{
    check_header, lead_cells, lead_from_row, lead_header, social_platforms, HeaderError, ImportMode, ImportParams,
    ImportRowError, ImportStatus, LeadImport, MAX_REPORTED_ERRORS,
};
use domain::leads::{normalize_email, normalize_phone, Lead, LeadFilter, LeadSource};
use domain::{ErrorCode, FieldError, Problem, Role};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use storage::lead_imports::{ImportProgress, NewLeadImport};
use storage::leads::NewLead;
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Rows validated and inserted together; progress is saved after each batch.
const BATCH_ROWS: usize = 200;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_leads).service(import_leads).service(get_import);
}

/// `text/csv` download named after the day, e.g. `leads-2026-11-25.csv`.
pub(crate) fn csv_download(name: &str, header: Vec<String>, rows: Vec<Vec<String>>) -> AppResult<HttpResponse> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).map_err(AppError::internal)?;
    for row in rows {
        writer.write_record(&row).map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    let filename = format!("{name}-{}.csv", Utc::now().format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")))
        .body(body))
}

/// Every lead `GET /api/leads` would list with these filters and sort (no paging), as
/// CSV in the import's columns, so an export imports again. Cells a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading `'`.
#[utoipa::path(
    tag = "leads",
    params(LeadFilter),
    responses(
        (status = 200, description = "The matching leads as CSV", content_type = "text/csv", body = String,
         headers(("Content-Disposition" = String, description = "attachment; filename=\"leads-<date>.csv\""))),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageLeads", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[get("/leads/export")]
async fn export_leads(
    state: web::Data<AppState>,
    access: Crm<LeadsRead>,
    ValidQuery(filter): ValidQuery<LeadFilter>,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let leads: Vec<Lead> = storage::leads::list_all(&mut conn, access.visibility.rows, &filter)
        .await?
        .into_iter()
        .map(Lead::from)
        .collect();
    let platforms = social_platforms(leads.iter().map(|lead| &lead.social_links));
    let rows = leads.iter().map(|lead| lead_cells(lead, &platforms)).collect();
    csv_download("leads", lead_header(&platforms), rows)
}

fn header_problem(error: HeaderError) -> AppError {
    let (names, code) = match &error {
        HeaderError::Unknown(names) => (names, "unknown"),
        HeaderError::Missing(names) => (names, "required"),
        HeaderError::Repeated(names) => (names, "repeated"),
    };
    let errors = names
        .iter()
        .map(|name| FieldError { field: name.clone(), code: code.to_owned(), message: error.to_string() })
        .collect();
    AppError { errors, ..AppError::new(ErrorCode::ValidationError, error.to_string()) }
}

/// The header (trimmed) and the data rows of an upload; a file that is not CSV or has no
/// usable header is the caller's mistake (400).
fn read_csv(text: &str) -> AppResult<(Vec<String>, Vec<Vec<String>>)> {
    let malformed = |error: csv::Error| {
        let line = error.position().map(|p| format!(" at line {}", p.line())).unwrap_or_default();
        AppError::new(ErrorCode::MalformedRequest, format!("The file is not valid CSV{line}: {error}"))
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().map_err(malformed)?.iter().map(|name| name.trim().to_owned()).collect();
    if header.iter().all(String::is_empty) {
        return Err(AppError::new(
            ErrorCode::ValidationError,
            "The file is empty: its first row must name the columns (e.g. name,email,phone)",
        ));
    }
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    check_header(&names).map_err(header_problem)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        rows.push(record.map_err(malformed)?.iter().map(str::to_owned).collect());
    }
    if rows.is_empty() {
        return Err(AppError::new(ErrorCode::ValidationError, "The file has a header but no data rows"));
    }
    Ok((header, rows))
}

/// Starts importing a CSV file of leads (`text/csv`, UTF-8, at most 10 MiB). The first
/// row names the columns with the lead's JSON field names (`name` is required; `tags`
/// are separated by `;`; `socialLinks.<platform>` columns fill `socialLinks`). Every row
/// is validated as `POST /api/leads` validates, duplicates included (against existing
/// leads and earlier rows of the file; email in any case, phone by digits). `source`
/// defaults to `import`; sales agents' leads are assigned to them. The rows are imported
/// in the background: poll the job at `Location`. `all-or-nothing` imports nothing when
/// any row is invalid (the job fails listing the row errors); `skip-invalid` imports the
/// valid rows and reports the others.
#[utoipa::path(
    tag = "leads",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, header row first"),
    responses(
        (status = 202, description = "Accepted; the job runs in the background", body = LeadImport,
         headers(("Location" = String, description = "The job's URL"))),
        (status = 400, description = "Not UTF-8, not valid CSV, unknown or missing columns, no data rows, or an invalid mode", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageLeads", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 10 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as text/csv", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[post("/leads/import")]
async fn import_leads(
    state: web::Data<AppState>,
    access: Crm<LeadsWrite>,
    audit: AuditContext,
    ValidQuery(params): ValidQuery<ImportParams>,
    CsvBody(text): CsvBody,
) -> AppResult<HttpResponse> {
    let (header, rows) = web::block(move || read_csv(&text)).await.map_err(AppError::internal)??;
    let actor = access.principal.id();
    let mode = params.mode();
    let job = NewLeadImport { created_by: Some(actor), mode: mode.as_str().to_owned(), total_rows: rows.len() as i64 };
    let mut conn = state.conn().await?;
    let job = conn
        .transaction::<_, AppError, _>(async |conn| {
            let job = LeadImport::from(storage::lead_imports::insert(conn, &job).await?);
            audit
                .record(
                    conn,
                    Change {
                        actor: Some(actor),
                        activity_type: "lead.import.start",
                        description: format!("Started importing {} leads ({})", job.total_rows, mode.as_str()),
                        entity_type: "lead_import",
                        entity_id: job.id.to_string(),
                        before: None,
                        after: Some(json!({"mode": mode.as_str(), "totalRows": job.total_rows, "columns": header})),
                    },
                )
                .await?;
            Ok(job)
        })
        .await?;
    drop(conn);
    let run = ImportRun { id: job.id, mode, actor, visibility: access.visibility, audit, header, rows };
    spawn_import(state.into_inner(), run);
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/leads/imports/{}", job.id))).json(job))
}

/// An import job: its creator, or an admin, sees it; anyone else gets 404.
#[utoipa::path(
    tag = "leads",
    params(("importId" = Uuid, Path, description = "Import job id")),
    responses(
        (status = 200, description = "The job and its progress", body = LeadImport),
        (status = 400, description = "Invalid id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks canManageLeads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job started by the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = []), ("apiKeyAuth" = []), ("cookieAuth" = []))
)]
#[get("/leads/imports/{importId}")]
async fn get_import(
    state: web::Data<AppState>,
    access: Crm<LeadsRead>,
    import_id: web::Path<Uuid>,
) -> AppResult<HttpResponse> {
    let principal = access.principal;
    let mut conn = state.conn().await?;
    let job = storage::lead_imports::find(&mut conn, *import_id)
        .await?
        .filter(|job| job.created_by == Some(principal.id()) || principal.access.role == Role::Admin)
        .ok_or_else(|| AppError::not_found(format!("Import {import_id}")))?;
    Ok(HttpResponse::Ok().json(LeadImport::from(job)))
}

/// Everything the background task needs; it outlives the request.
struct ImportRun {
    id: Uuid,
    mode: ImportMode,
    actor: i32,
    visibility: Visibility,
    audit: AuditContext,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Runs the import; a failure (or a panic) ends the job as `failed` rather than leaving
/// it `running` for ever.
fn spawn_import(state: Arc<AppState>, run: ImportRun) {
    tokio::spawn(async move {
        let id = run.id;
        let outcome = tokio::spawn(process(state.clone(), run)).await;
        let reason = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error.to_string(),
            Err(panic) => format!("the import task stopped: {panic}"),
        };
        tracing::error!(import = %id, %reason, "lead import failed");
        if let Err(error) = mark_failed(&state, id).await {
            tracing::error!(import = %id, %error, "could not mark the lead import failed");
        }
    });
}

/// Ends a job stopped by a server error as `failed`, keeping the counts it had saved
/// (skip-invalid batches committed before the error stay imported).
async fn mark_failed(state: &AppState, id: Uuid) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let Some(job) = storage::lead_imports::find(&mut conn, id).await?.map(LeadImport::from) else {
        return Ok(());
    };
    let mut errors = job.errors;
    errors.push(ImportRowError {
        row: job.processed_rows + 1,
        field: None,
        message: "The import stopped on a server error here; importedRows says how many rows were kept. \
                  Import the remaining rows again."
            .to_owned(),
    });
    let progress = ImportProgress {
        status: ImportStatus::Failed.as_str().to_owned(),
        processed_rows: job.processed_rows,
        imported_rows: job.imported_rows,
        skipped_rows: job.skipped_rows,
        error_count: job.error_count + 1,
        errors: serde_json::to_value(&errors).map_err(AppError::internal)?,
        finished_at: Some(Utc::now()),
    };
    storage::lead_imports::set_progress(&mut conn, id, &progress).await?;
    Ok(())
}

/// The counts and errors so far.
#[derive(Default)]
struct Tally {
    processed: i64,
    imported: i64,
    skipped: i64,
    error_count: i64,
    errors: Vec<ImportRowError>,
}

impl Tally {
    fn add_errors(&mut self, errors: Vec<ImportRowError>) {
        self.error_count += errors.len() as i64;
        let room = MAX_REPORTED_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(errors.into_iter().take(room));
    }

    fn progress(&self, status: ImportStatus) -> ImportProgress {
        ImportProgress {
            status: status.as_str().to_owned(),
            processed_rows: self.processed,
            imported_rows: self.imported,
            skipped_rows: self.skipped,
            error_count: self.error_count,
            errors: serde_json::to_value(&self.errors).unwrap_or_else(|_| json!([])),
            finished_at: status.is_finished().then(Utc::now),
        }
    }
}

/// Keys of the rows accepted so far, for in-file duplicates: key → 1-based row.
#[derive(Default)]
struct Seen {
    emails: HashMap<String, i64>,
    phones: HashMap<String, i64>,
}

/// A row that parsed and passed the scope rule, waiting for the checks against the database.
struct Candidate {
    row: i64,
    lead: NewLead,
    email: Option<String>,
    phone: Option<String>,
}

/// Validates one batch: returns the leads to insert and the row errors, in row order.
async fn check_batch(
    conn: &mut AsyncPgConnection,
    run: &ImportRun,
    first_row: i64,
    batch: &[Vec<String>],
    seen: &mut Seen,
) -> AppResult<(Vec<NewLead>, Vec<ImportRowError>)> {
    let header: Vec<&str> = run.header.iter().map(String::as_str).collect();
    let mut errors = Vec::new();
    let mut candidates = Vec::new();
    for (offset, cells) in batch.iter().enumerate() {
        let row = first_row + offset as i64;
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let body = match lead_from_row(row, &header, &cells) {
            Ok(body) => body,
            Err(row_errors) => {
                errors.extend(row_errors);
                continue;
            }
        };
        let assigned = match assignee(&run.visibility, body.assigned_to_id) {
            Ok(assigned) => assigned,
            Err(refusal) => {
                errors.push(ImportRowError { row, field: Some("assignedToId".to_owned()), message: refusal.detail });
                continue;
            }
        };
        let lead = new_lead(body, assigned, run.actor, LeadSource::Import)?;
        let email = lead.email.as_deref().map(normalize_email);
        let phone = lead.phone.as_deref().and_then(normalize_phone);
        candidates.push(Candidate { row, lead, email, phone });
    }

    let emails: Vec<String> = candidates.iter().filter_map(|c| c.email.clone()).collect();
    let phones: Vec<String> = candidates.iter().filter_map(|c| c.phone.clone()).collect();
    let users: Vec<i32> = candidates.iter().filter_map(|c| c.lead.assigned_to_id).collect();
    let clients: Vec<Uuid> = candidates.iter().filter_map(|c| c.lead.client_id).collect();
    let stored_emails: HashMap<String, Uuid> = storage::leads::ids_by_email(conn, &emails).await?.into_iter().collect();
    let stored_phones: HashMap<String, Uuid> = storage::leads::ids_by_phone(conn, &phones).await?.into_iter().collect();
    let known_users: HashSet<i32> = storage::users::existing_ids(conn, &users).await?.into_iter().collect();
    let known_clients: HashSet<Uuid> = storage::clients::existing_ids(conn, &clients).await?.into_iter().collect();

    let mut valid = Vec::new();
    for candidate in candidates {
        let row = candidate.row;
        let error = |field: &str, message: String| ImportRowError { row, field: Some(field.to_owned()), message };
        let mut row_errors = Vec::new();
        for (field, key, stored, earlier) in [
            ("email", &candidate.email, &stored_emails, &seen.emails),
            ("phone", &candidate.phone, &stored_phones, &seen.phones),
        ] {
            let Some(key) = key else { continue };
            if let Some(existing) = stored.get(key) {
                row_errors.push(error(field, duplicate(field, existing).detail));
            } else if let Some(earlier) = earlier.get(key) {
                row_errors.push(error(field, format!("Row {earlier} of this file has the same {field}")));
            }
        }
        if candidate.lead.assigned_to_id.is_some_and(|user| !known_users.contains(&user)) {
            row_errors.push(error("assignedToId", "No such user".to_owned()));
        }
        if candidate.lead.client_id.is_some_and(|client| !known_clients.contains(&client)) {
            row_errors.push(error("clientId", "No such client".to_owned()));
        }
        if row_errors.is_empty() {
            if let Some(email) = candidate.email {
                seen.emails.insert(email, row);
            }
            if let Some(phone) = candidate.phone {
                seen.phones.insert(phone, row);
            }
            valid.push(candidate.lead);
        } else {
            errors.extend(row_errors);
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok((valid, errors))
}

/// Inserts a batch's leads with one audit row naming them.
async fn insert_batch(
    conn: &mut AsyncPgConnection,
    run: &ImportRun,
    first_row: i64,
    leads: &[NewLead],
) -> AppResult<()> {
    let ids = storage::leads::insert_many(conn, leads).await.map_err(write_error)?;
    if ids.is_empty() {
        return Ok(());
    }
    run.audit
        .record(
            conn,
            Change {
                actor: Some(run.actor),
                activity_type: "lead.import",
                description: format!("Imported {} leads from rows starting at {first_row}", ids.len()),
                entity_type: "lead_import",
                entity_id: run.id.to_string(),
                before: None,
                after: Some(json!({"leadIds": ids})),
            },
        )
        .await
}

async fn record_finish(
    conn: &mut AsyncPgConnection,
    run: &ImportRun,
    status: ImportStatus,
    tally: &Tally,
) -> AppResult<()> {
    let progress = tally.progress(status);
    storage::lead_imports::set_progress(conn, run.id, &progress).await?;
    run.audit
        .record(
            conn,
            Change {
                actor: Some(run.actor),
                activity_type: "lead.import.finish",
                description: format!(
                    "Lead import {}: {} imported, {} skipped, {} errors",
                    status.as_str(),
                    tally.imported,
                    tally.skipped,
                    tally.error_count
                ),
                entity_type: "lead_import",
                entity_id: run.id.to_string(),
                before: None,
                after: Some(json!({"status": status.as_str(), "importedRows": tally.imported, "skippedRows": tally.skipped, "errorCount": tally.error_count})),
            },
        )
        .await
}

async fn process(state: Arc<AppState>, run: ImportRun) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let mut tally = Tally::default();
    storage::lead_imports::set_progress(&mut conn, run.id, &tally.progress(ImportStatus::Running)).await?;
    match run.mode {
        ImportMode::SkipInvalid => skip_invalid(&mut conn, &run, &mut tally).await?,
        ImportMode::AllOrNothing => all_or_nothing(&state, &mut conn, &run, &mut tally).await?,
    }
    Ok(())
}

/// One transaction per batch: its valid rows, its audit row and the progress commit together.
async fn skip_invalid(conn: &mut AsyncPgConnection, run: &ImportRun, tally: &mut Tally) -> AppResult<()> {
    let mut seen = Seen::default();
    for (index, batch) in run.rows.chunks(BATCH_ROWS).enumerate() {
        let first_row = (index * BATCH_ROWS) as i64 + 1;
        conn.transaction::<_, AppError, _>(async |conn| {
            let (valid, errors) = check_batch(conn, run, first_row, batch, &mut seen).await?;
            insert_batch(conn, run, first_row, &valid).await?;
            let rejected_rows: HashSet<i64> = errors.iter().map(|e| e.row).collect();
            tally.processed += batch.len() as i64;
            tally.imported += valid.len() as i64;
            tally.skipped += rejected_rows.len() as i64;
            tally.add_errors(errors);
            let status = if tally.processed == run.rows.len() as i64 { None } else { Some(ImportStatus::Running) };
            match status {
                Some(status) => {
                    storage::lead_imports::set_progress(conn, run.id, &tally.progress(status)).await?;
                }
                None => record_finish(conn, run, ImportStatus::Completed, tally).await?,
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// One transaction for the whole file, rolled back if any row is invalid. Progress is
/// saved on a second connection so polling clients see it move meanwhile.
async fn all_or_nothing(
    state: &AppState,
    conn: &mut AsyncPgConnection,
    run: &ImportRun,
    tally: &mut Tally,
) -> AppResult<()> {
    let mut seen = Seen::default();
    let mut rejected_rows: HashSet<i64> = HashSet::new();
    let mut staged = 0i64;
    let outcome = conn
        .transaction::<_, AppError, _>(async |conn| {
            for (index, batch) in run.rows.chunks(BATCH_ROWS).enumerate() {
                let first_row = (index * BATCH_ROWS) as i64 + 1;
                let (valid, errors) = check_batch(conn, run, first_row, batch, &mut seen).await?;
                rejected_rows.extend(errors.iter().map(|e| e.row));
                tally.add_errors(errors);
                // Once a row is invalid nothing will be kept: only check the rest.
                if tally.error_count == 0 {
                    insert_batch(conn, run, first_row, &valid).await?;
                    staged += valid.len() as i64;
                }
                tally.processed += batch.len() as i64;
                tally.skipped = rejected_rows.len() as i64;
                let mut progress_conn = state.conn().await?;
                storage::lead_imports::set_progress(&mut progress_conn, run.id, &tally.progress(ImportStatus::Running))
                    .await?;
            }
            if tally.error_count > 0 {
                return Err(AppError::new(ErrorCode::ValidationError, "Some rows are invalid"));
            }
            tally.imported = staged;
            record_finish(conn, run, ImportStatus::Completed, tally).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(()),
        Err(_) if tally.error_count > 0 => {
            tally.imported = 0;
            tally.skipped = tally.processed;
            record_finish(conn, run, ImportStatus::Failed, tally).await
        }
        Err(error) => Err(error),
    }
}
