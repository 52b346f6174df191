//! The background half of a lead import, a job on the queue (`jobs`): it validates and
//! inserts the file's rows in batches. The file waits in the import's row until it ends,
//! so a run cut short (a restart, a crash) starts again on any worker: `skip-invalid`
//! resumes after the last committed batch, `all-or-nothing` (whose transaction was rolled
//! back) from the first row.

use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::LEADS;
use crate::jobs::{Job, JobError, JobRun};
use crate::state::AppState;
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::crm::lead_imports::{lead_from_row, ImportMode, ImportRowError, ImportStatus, MAX_REPORTED_ERRORS};
use domain::crm::leads::{duplicate_message, normalize_email, normalize_phone, CreateLeadRequest, LeadSource};
use domain::identity::permissions::Access;
use domain::json_column::Json;
use domain::visibility::{client_visibility, lead_visibility, Caller, Rows, Visibility};
use domain::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use storage::crm::lead_imports::{ImportProgress, ImportWork};
use storage::AsyncPgConnection;
use uuid::Uuid;

/// Rows validated and inserted together; progress is saved after each batch.
const BATCH_ROWS: usize = 200;

/// The queued job: which import to run.
#[derive(Debug, Serialize, Deserialize)]
pub struct LeadImportJob {
    pub import_id: Uuid,
}

impl Job for LeadImportJob {
    const KIND: &'static str = "lead_import";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, run: JobRun) -> Result<(), JobError> {
        let outcome = process(&run.state, self.import_id).await;
        // Whatever the outcome, committed rows change the lead list totals.
        run.state.lead_totals.clear();
        outcome
    }

    async fn on_dead(self, run: JobRun, error: String) {
        tracing::error!(import = %self.import_id, %error, "lead import failed");
        if let Err(error) = mark_failed(&run.state, self.import_id).await {
            tracing::error!(import = %self.import_id, %error, "could not mark the lead import failed");
        }
    }
}

/// Everything a run needs, loaded from the import's row.
struct ImportRun {
    id: Uuid,
    mode: ImportMode,
    actor: i32,
    visibility: Visibility,
    /// The clients the creator may see (`None`: none); `clientId` cells outside it are
    /// row errors identical to an unknown client.
    clients: Option<Rows>,
    audit: AuditContext,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The creator's lead scope as of now: an account deactivated, or no longer allowed to
/// write leads, since the upload imports nothing more.
async fn load(conn: &mut AsyncPgConnection, work: ImportWork) -> Result<ImportRun, JobError> {
    // Checked as a whole at the upload; it cannot fail here unless the row was edited.
    let text = std::str::from_utf8(&work.source).map_err(|e| JobError::Fatal(e.to_string()))?;
    let (header, rows) = super::read_csv(text).map_err(|e| JobError::Fatal(e.to_string()))?;
    let refused = |why: &str| JobError::Fatal(format!("the import's creator {why}"));
    let actor = work.import.created_by.ok_or_else(|| refused("no longer exists"))?;
    let user = storage::identity::users::find(conn, actor).await?.ok_or_else(|| refused("no longer exists"))?;
    if !user.is_active {
        return Err(refused("was deactivated"));
    }
    let caller = Caller {
        user_id: user.id,
        access: Access::new(user.role, user.custom_permissions),
        client_id: user.client_id.as_deref(),
    };
    let visibility =
        lead_visibility(&caller).filter(|v| v.writable).ok_or_else(|| refused("may no longer write leads"))?;
    Ok(ImportRun {
        id: work.import.id,
        mode: work.import.mode,
        actor,
        visibility,
        clients: client_visibility(&caller).map(|visibility| visibility.rows),
        audit: AuditContext::detached(work.request_id, work.ip),
        header,
        rows,
    })
}

/// Ends a job stopped by errors as `failed`, keeping the counts it had saved
/// (skip-invalid batches committed before the error stay imported).
async fn mark_failed(state: &AppState, id: Uuid) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let Some(job) = storage::crm::lead_imports::find(&mut conn, id).await? else {
        return Ok(());
    };
    if job.status.is_finished() {
        return Ok(());
    }
    let mut errors = job.errors;
    errors.push(ImportRowError {
        row: job.processed_rows + 1,
        field: None,
        message: "The import stopped on a server error here; importedRows says how many rows were kept. \
                  Import the remaining rows again."
            .to_owned(),
    });
    let progress = ImportProgress {
        status: ImportStatus::Failed,
        processed_rows: job.processed_rows,
        imported_rows: job.imported_rows,
        skipped_rows: job.skipped_rows,
        error_count: job.error_count + 1,
        errors: Json(errors),
        finished_at: Some(Utc::now()),
    };
    storage::crm::lead_imports::set_progress(&mut conn, id, &progress).await?;
    storage::crm::lead_imports::drop_source(&mut conn, id).await?;
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
            status,
            processed_rows: self.processed,
            imported_rows: self.imported,
            skipped_rows: self.skipped,
            error_count: self.error_count,
            errors: Json(self.errors.clone()),
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
    lead: CreateLeadRequest,
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
) -> AppResult<(Vec<CreateLeadRequest>, Vec<ImportRowError>)> {
    let header: Vec<&str> = run.header.iter().map(String::as_str).collect();
    let mut errors = Vec::new();
    let mut candidates = Vec::new();
    for (offset, cells) in batch.iter().enumerate() {
        let row = first_row + offset as i64;
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let mut lead = match lead_from_row(row, &header, &cells) {
            Ok(body) => body,
            Err(row_errors) => {
                errors.extend(row_errors);
                continue;
            }
        };
        lead.assigned_to_id = match run.visibility.assignee(lead.assigned_to_id) {
            Ok(assigned) => assigned,
            Err(refusal) => {
                errors.push(ImportRowError {
                    row,
                    field: Some("assignedToId".to_owned()),
                    message: refusal.to_string(),
                });
                continue;
            }
        };
        lead.source = lead.source.or(Some(LeadSource::Import));
        let email = lead.email.as_deref().map(normalize_email);
        let phone = lead.phone.as_deref().and_then(normalize_phone);
        candidates.push(Candidate { row, lead, email, phone });
    }

    let emails: Vec<String> = candidates.iter().filter_map(|c| c.email.clone()).collect();
    let phones: Vec<String> = candidates.iter().filter_map(|c| c.phone.clone()).collect();
    let users: Vec<i32> = candidates.iter().filter_map(|c| c.lead.assigned_to_id).collect();
    let clients: Vec<Uuid> = candidates.iter().filter_map(|c| c.lead.client_id).collect();
    let stored_emails: HashMap<String, Uuid> =
        storage::crm::leads::ids_by_email(conn, &emails).await?.into_iter().collect();
    let stored_phones: HashMap<String, Uuid> =
        storage::crm::leads::ids_by_phone(conn, &phones).await?.into_iter().collect();
    let known_users: HashSet<i32> = storage::identity::users::existing_ids(conn, &users).await?.into_iter().collect();
    let known_clients: HashSet<Uuid> = match run.clients {
        Some(rows) => storage::crm::clients::visible_ids(conn, rows, &clients).await?.into_iter().collect(),
        None => HashSet::new(),
    };

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
                row_errors.push(error(field, duplicate_message(field, existing)));
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
    leads: &[CreateLeadRequest],
) -> AppResult<()> {
    let ids = storage::crm::leads::insert_many(conn, run.actor, leads).await.map_err(|e| LEADS.problem(e))?;
    if ids.is_empty() {
        return Ok(());
    }
    run.audit
        .by(run.actor)
        .record(
            conn,
            Entry::new(
                "lead.import",
                Subject::bare("lead_import", run.id),
                format!("Imported {} leads from rows starting at {first_row}", ids.len()),
            )
            .after(&json!({"leadIds": ids})),
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
    storage::crm::lead_imports::set_progress(conn, run.id, &progress).await?;
    storage::crm::lead_imports::drop_source(conn, run.id).await?;
    let description = format!(
        "Lead import {}: {} imported, {} skipped, {} errors",
        status.as_str(),
        tally.imported,
        tally.skipped,
        tally.error_count
    );
    let summary = json!({"status": status.as_str(), "importedRows": tally.imported, "skippedRows": tally.skipped, "errorCount": tally.error_count});
    let entry = Entry::new("lead.import.finish", Subject::bare("lead_import", run.id), description).after(&summary);
    run.audit.by(run.actor).record(conn, entry).await
}

/// One run of the job on one pooled connection (all-or-nothing progress goes through a
/// second, briefly).
async fn process(state: &AppState, id: Uuid) -> Result<(), JobError> {
    let mut conn = state.conn().await?;
    let Some(work) = storage::crm::lead_imports::work(&mut conn, id).await? else {
        // Finished by an earlier run whose outcome was not recorded: nothing to do.
        return Ok(());
    };
    if work.import.status.is_finished() {
        return Ok(());
    }
    let resumed = work.import.clone();
    let run = load(&mut conn, work).await?;
    match run.mode {
        ImportMode::SkipInvalid => {
            // Batches commit with their progress, so the saved counts are exactly the
            // rows done.
            let mut tally = Tally {
                processed: resumed.processed_rows,
                imported: resumed.imported_rows,
                skipped: resumed.skipped_rows,
                error_count: resumed.error_count,
                errors: resumed.errors,
            };
            storage::crm::lead_imports::set_progress(&mut conn, id, &tally.progress(ImportStatus::Running)).await?;
            skip_invalid(&mut conn, &run, &mut tally).await?
        }
        ImportMode::AllOrNothing => {
            let mut tally = Tally::default();
            storage::crm::lead_imports::set_progress(&mut conn, id, &tally.progress(ImportStatus::Running)).await?;
            all_or_nothing(state, &mut conn, &run, &mut tally).await?
        }
    }
    Ok(())
}

/// One transaction per batch: its valid rows, its audit row and the progress commit
/// together. Rows of earlier runs are skipped; their accepted emails and phones are
/// in the table by now, so in-file duplicates of them are still found.
async fn skip_invalid(conn: &mut AsyncPgConnection, run: &ImportRun, tally: &mut Tally) -> AppResult<()> {
    let mut seen = Seen::default();
    let done = usize::try_from(tally.processed).unwrap_or(0) / BATCH_ROWS;
    for (index, batch) in run.rows.chunks(BATCH_ROWS).enumerate().skip(done) {
        let first_row = (index * BATCH_ROWS) as i64 + 1;
        conn.transaction::<_, AppError, _>(async |conn| {
            let (valid, errors) = check_batch(conn, run, first_row, batch, &mut seen).await?;
            insert_batch(conn, run, first_row, &valid).await?;
            let rejected_rows: HashSet<i64> = errors.iter().map(|e| e.row).collect();
            tally.processed += batch.len() as i64;
            tally.imported += valid.len() as i64;
            tally.skipped += rejected_rows.len() as i64;
            tally.add_errors(errors);
            if tally.processed == run.rows.len() as i64 {
                record_finish(conn, run, ImportStatus::Completed, tally).await
            } else {
                storage::crm::lead_imports::set_progress(conn, run.id, &tally.progress(ImportStatus::Running)).await?;
                Ok(())
            }
        })
        .await?;
    }
    Ok(())
}

/// One transaction for the whole file, rolled back if any row is invalid. Its progress
/// is saved after each batch on a second pooled connection, outside the transaction
/// (inside it, pollers would not see it until the commit).
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
                storage::crm::lead_imports::set_progress(
                    &mut progress_conn,
                    run.id,
                    &tally.progress(ImportStatus::Running),
                )
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
