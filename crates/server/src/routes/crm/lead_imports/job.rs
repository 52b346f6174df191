//! The background half of a lead import: a bounded number of jobs run at once, each on
//! one pooled connection, validating and inserting the rows in batches.

use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::constraints::LEADS;
use crate::state::AppState;
use chrono::Utc;
use diesel_async::AsyncConnection;
use domain::crm::lead_imports::{
    lead_from_row, ImportMode, ImportRowError, ImportStatus, LeadImport, MAX_REPORTED_ERRORS,
};
use domain::crm::leads::{duplicate_message, normalize_email, normalize_phone, CreateLeadRequest, LeadSource};
use domain::json_column::Json;
use domain::visibility::{Rows, Visibility};
use domain::ErrorCode;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use storage::crm::lead_imports::ImportProgress;
use storage::AsyncPgConnection;
use tokio::sync::Semaphore;
use uuid::Uuid;

/// Rows validated and inserted together; progress is saved after each batch.
const BATCH_ROWS: usize = 200;

/// The import slots of one server (one `AppState`). Each running job holds one pooled
/// connection for its whole run, so imports get a quarter of the pool (at least one
/// connection) and the rest keeps serving requests; later jobs stay `queued` until a
/// slot frees. `live` holds the progress of all-or-nothing jobs, which is written inside
/// their transaction and so invisible to pollers until it commits.
struct ImportSlots {
    permits: Arc<Semaphore>,
    live: Mutex<HashMap<Uuid, ImportProgress>>,
}

/// Slots by server. Not a plain static: a process may run several servers (the API
/// tests do), each with its own pool to protect.
static SLOTS: Mutex<Vec<(Weak<AppState>, Arc<ImportSlots>)>> = Mutex::new(Vec::new());

fn slots(state: &Arc<AppState>) -> Arc<ImportSlots> {
    let mut all = SLOTS.lock().unwrap_or_else(PoisonError::into_inner);
    all.retain(|(server, _)| server.strong_count() > 0);
    if let Some((_, slots)) = all.iter().find(|(server, _)| std::ptr::eq(server.as_ptr(), Arc::as_ptr(state))) {
        return slots.clone();
    }
    let permits = (state.config.db_pool_size / 4).max(1);
    let slots = Arc::new(ImportSlots { permits: Arc::new(Semaphore::new(permits)), live: Mutex::default() });
    all.push((Arc::downgrade(state), slots.clone()));
    slots
}

impl ImportSlots {
    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, ImportProgress>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The job as a poller should see it. The in-memory progress is read before the row:
/// it is dropped only after the job's final row is committed, so a row still `running`
/// read after it never shows less progress than the poller saw before.
pub(super) async fn current(
    state: &Arc<AppState>,
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> AppResult<Option<LeadImport>> {
    let live = slots(state).live().get(&id).cloned();
    let Some(mut job) = storage::crm::lead_imports::find(conn, id).await? else {
        return Ok(None);
    };
    if let (ImportStatus::Running, Some(live)) = (job.status, live) {
        job.processed_rows = live.processed_rows;
        job.imported_rows = live.imported_rows;
        job.skipped_rows = live.skipped_rows;
        job.error_count = live.error_count;
        job.errors = live.errors.0;
    }
    Ok(Some(job))
}

/// Everything the background task needs; it outlives the request.
pub(super) struct ImportRun {
    pub id: Uuid,
    pub mode: ImportMode,
    pub actor: i32,
    pub visibility: Visibility,
    /// The clients the caller may see (`None`: none); `clientId` cells outside it are
    /// row errors identical to an unknown client.
    pub clients: Option<Rows>,
    pub audit: AuditContext,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Queues the import until a slot is free, then runs it; a failure (or a panic) ends
/// the job as `failed` rather than leaving it `running` for ever.
pub(super) fn spawn_import(state: Arc<AppState>, run: ImportRun) {
    tokio::spawn(async move {
        let id = run.id;
        let slots = slots(&state);
        // The semaphore is never closed; without a permit the job would just not run.
        let Ok(_permit) = slots.permits.clone().acquire_owned().await else { return };
        let outcome = tokio::spawn(process(state.clone(), slots.clone(), run)).await;
        // Whatever the outcome, committed rows change the lead list totals.
        state.lead_totals.clear();
        let reason = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error.to_string()),
            Err(panic) => Some(format!("the import task stopped: {panic}")),
        };
        if let Some(reason) = reason {
            tracing::error!(import = %id, %reason, "lead import failed");
            if let Err(error) = mark_failed(&state, id).await {
                tracing::error!(import = %id, %error, "could not mark the lead import failed");
            }
        }
        // Only now that the final row is committed (see `current`).
        slots.live().remove(&id);
    });
}

/// Ends a job stopped by a server error as `failed`, keeping the counts it had saved
/// (skip-invalid batches committed before the error stay imported).
async fn mark_failed(state: &Arc<AppState>, id: Uuid) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let Some(job) = current(state, &mut conn, id).await? else {
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
        status: ImportStatus::Failed,
        processed_rows: job.processed_rows,
        imported_rows: job.imported_rows,
        skipped_rows: job.skipped_rows,
        error_count: job.error_count + 1,
        errors: Json(errors),
        finished_at: Some(Utc::now()),
    };
    storage::crm::lead_imports::set_progress(&mut conn, id, &progress).await?;
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
    run.audit.by(run.actor).record(conn, Entry::new("lead.import.finish", Subject::bare("lead_import", run.id), format!(
                    "Lead import {}: {} imported, {} skipped, {} errors",
                    status.as_str(),
                    tally.imported,
                    tally.skipped,
                    tally.error_count
                )).after(&json!({"status": status.as_str(), "importedRows": tally.imported, "skippedRows": tally.skipped, "errorCount": tally.error_count}))).await
}

/// The whole job on one pooled connection, so a running import needs exactly one.
async fn process(state: Arc<AppState>, slots: Arc<ImportSlots>, run: ImportRun) -> AppResult<()> {
    let mut conn = state.conn().await?;
    let mut tally = Tally::default();
    storage::crm::lead_imports::set_progress(&mut conn, run.id, &tally.progress(ImportStatus::Running)).await?;
    match run.mode {
        ImportMode::SkipInvalid => skip_invalid(&mut conn, &run, &mut tally).await?,
        ImportMode::AllOrNothing => all_or_nothing(&slots, &mut conn, &run, &mut tally).await?,
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
                    storage::crm::lead_imports::set_progress(conn, run.id, &tally.progress(status)).await?;
                }
                None => record_finish(conn, run, ImportStatus::Completed, tally).await?,
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// One transaction for the whole file, rolled back if any row is invalid. Its progress
/// is kept in memory (`ImportSlots::live`) until the end: written in the transaction it
/// would stay invisible until the commit, and written on a second connection each job
/// would need two, which is how concurrent imports once emptied the pool.
async fn all_or_nothing(
    slots: &ImportSlots,
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
                slots.live().insert(run.id, tally.progress(ImportStatus::Running));
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
