//! CSV import and export of leads, guarded as the leads routes are (`canManageLeads`,
//! sales agents limited to their own leads). An upload is checked as a whole file
//! (media type, size, UTF-8, CSV syntax, header) before the answer; its rows are then
//! validated and imported in batches by a job on the queue, and the client polls the import.

mod job;

use crate::auth::scope::{Crm, LeadsRead, LeadsWrite};
use crate::error::OrNotFound;
use crate::error::{AppError, AppResult};
use crate::http::audit::{Entry, Subject};
use crate::http::csv::csv_download;
use crate::http::ctx::Ctx;
use crate::http::input::{CsvBody, ValidQuery};
use crate::http::responses::{CrmErrors, PathIdErrors, QueryErrors};
use actix_web::{get, post, web, HttpResponse};
use domain::crm::lead_imports::{
    check_header, lead_cells, lead_header, quoting_error, social_platforms, HeaderError, ImportParams, LeadImport,
};
use domain::crm::leads::LeadFilter;
use domain::{ErrorCode, FieldError, Problem, Role};
pub use job::LeadImportJob;
use serde_json::json;
use storage::crm::lead_imports::NewLeadImport;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_leads).service(import_leads).service(get_import);
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
        CrmErrors<LeadsRead>, QueryErrors,
    )
)]
#[get("/leads/export")]
async fn export_leads(
    ctx: Ctx,
    access: Crm<LeadsRead>,
    ValidQuery(filter): ValidQuery<LeadFilter>,
) -> AppResult<HttpResponse> {
    let mut conn = ctx.conn().await?;
    let leads = storage::crm::leads::list_all(&mut conn, access.scope.rows, &filter).await?;
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
    // The csv crate reads a broken quote leniently (the rest of the file becomes one cell).
    if let Some(problem) = quoting_error(text) {
        return Err(AppError::new(ErrorCode::MalformedRequest, format!("The file is not valid CSV: {problem}")));
    }
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
/// by the background workers (`JOB_WORKERS` jobs at a time per process; the others wait
/// `queued`), and survive a restart: poll the import at `Location`. `all-or-nothing` imports nothing when
/// any row is invalid (the job fails listing the row errors); `skip-invalid` imports the
/// valid rows and reports the others.
#[utoipa::path(
    tag = "leads",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file, header row first"),
    responses(
        (status = 202, description = "Accepted; the job runs in the background", body = LeadImport,
         headers(("Location" = String, description = "The job's URL"))),
        CrmErrors<LeadsWrite>, QueryErrors,
        (status = 400, description = "Not UTF-8, not valid CSV (e.g. a quote never closed; `detail` names the line), unknown or missing columns, no data rows, or an invalid mode", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 10 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as text/csv, or in a charset other than UTF-8", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leads/import")]
async fn import_leads(
    ctx: Ctx,
    access: Crm<LeadsWrite>,
    ValidQuery(params): ValidQuery<ImportParams>,
    CsvBody(text): CsvBody,
) -> AppResult<HttpResponse> {
    let ((header, rows), text) =
        web::block(move || read_csv(&text).map(|parsed| (parsed, text))).await.map_err(AppError::internal)??;
    let actor = access.principal.id();
    let mode = params.mode();
    let import = NewLeadImport {
        created_by: Some(actor),
        mode,
        total_rows: rows.len() as i64,
        source: text.into_bytes(),
        request_id: ctx.audit.request_id.clone(),
        ip: ctx.audit.ip.clone(),
    };
    let job = ctx
        .transaction(async |conn| {
            let job = storage::crm::lead_imports::insert(conn, &import).await?;
            crate::jobs::enqueue(conn, &LeadImportJob { import_id: job.id }).await?;
            ctx.audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "lead.import.start",
                        Subject::bare("lead_import", job.id),
                        format!("Started importing {} leads ({})", job.total_rows, mode.as_str()),
                    )
                    .after(&json!({"mode": mode.as_str(), "totalRows": job.total_rows, "columns": header})),
                )
                .await?;
            Ok(job)
        })
        .await?;
    Ok(HttpResponse::Accepted().insert_header(("Location", format!("/api/leads/imports/{}", job.id))).json(job))
}

/// An import job: its creator, or an admin, sees it; anyone else gets 404.
#[utoipa::path(
    tag = "leads",
    params(("importId" = Uuid, Path, description = "Import job id")),
    responses(
        (status = 200, description = "The job and its progress", body = LeadImport),
        CrmErrors<LeadsRead>, PathIdErrors,
    )
)]
#[get("/leads/imports/{importId}")]
async fn get_import(ctx: Ctx, access: Crm<LeadsRead>, import_id: web::Path<Uuid>) -> AppResult<HttpResponse> {
    let principal = access.principal;
    let mut conn = ctx.conn().await?;
    let job = storage::crm::lead_imports::find(&mut conn, *import_id)
        .await?
        .filter(|job| job.created_by == Some(principal.id()) || principal.access.role == Role::Admin)
        .found(format_args!("Import {import_id}"))?;
    Ok(HttpResponse::Ok().json(job))
}
