//! `POST /api/calendar/sync` (canManageSettings): imports each configured provider's
//! changed events into `calendar_events` (idempotent on the provider's event id; events
//! cancelled there are deleted here), then pushes the caller's events the provider does
//! not have yet. An unconfigured provider is reported as skipped, a failing one as
//! failed; neither fails the request.

use crate::auth::{perm, Authorized};
use crate::calendar_sync::{CalendarProvider, Google, Microsoft, OutgoingEvent, RemoteEvent};
use crate::error::{AppError, AppResult};
use crate::http::audit::{AuditContext, Entry, Subject};
use crate::http::ctx::Ctx;
use crate::http::responses::PermissionErrors;
use crate::platform::circuit_breaker::CircuitError;
use crate::state::AppState;
use actix_web::{post, HttpResponse};
use diesel_async::AsyncConnection;
use domain::json_column::Json;
use domain::work::calendar::{CalendarProviderName, CalendarSyncReport, EventType, ProviderSyncResult, SyncOutcome};
use storage::work::calendar::{CalendarEventRow, External, NewCalendarEvent};
use storage::AsyncPgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sync);
}

/// The most local events pushed to a provider per sync.
const MAX_PUSH: i64 = 200;

fn result(provider: CalendarProviderName, status: SyncOutcome, message: Option<String>) -> ProviderSyncResult {
    ProviderSyncResult { provider, status, imported: 0, updated: 0, deleted: 0, pushed: 0, message }
}

fn new_event(remote: &RemoteEvent, provider: External, owner: i32) -> NewCalendarEvent {
    let external = Some(remote.external_id.clone());
    NewCalendarEvent {
        title: remote.title.chars().take(255).collect(),
        description: remote.description.clone(),
        start: remote.start,
        end_: remote.end,
        all_day: remote.all_day,
        location: remote.location.as_ref().map(|l| l.chars().take(500).collect()),
        event_type: EventType::Event,
        attendees: Json(Vec::new()),
        reminders: Json(Vec::new()),
        meet_link: None,
        is_recurring: false,
        recurrence_rule: None,
        recurrence_timezone: "UTC".to_owned(),
        recurrence_ends_at: None,
        origin: match provider {
            External::Google => "google",
            External::Microsoft => "microsoft",
        }
        .to_owned(),
        google_event_id: if provider == External::Google { external.clone() } else { None },
        microsoft_event_id: if provider == External::Microsoft { external } else { None },
        created_by: owner,
    }
}

/// Applies a provider's changes and stores its next sync token, in one transaction.
async fn import(
    conn: &mut AsyncPgConnection,
    audit: &AuditContext,
    actor: i32,
    provider: (CalendarProviderName, External),
    events: &[RemoteEvent],
    next_sync_token: Option<&str>,
    outcome: &mut ProviderSyncResult,
) -> AppResult<()> {
    let (name, external) = provider;
    let (imported, updated, deleted) = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (mut imported, mut updated, mut deleted) = (0, 0, 0);
            for remote in events {
                let existing = storage::work::calendar::find_external(conn, external, &remote.external_id).await?;
                match (existing, remote.cancelled) {
                    (Some(local), true) => {
                        storage::work::calendar::delete(conn, local.event.id).await?;
                        deleted += 1;
                    }
                    (None, true) => {}
                    (Some(CalendarEventRow { event: local, origin, .. }), false) => {
                        let mut fields = new_event(remote, external, local.created_by);
                        // Only the provider's id for this provider is known here.
                        fields.google_event_id = local.google_event_id.clone().or(fields.google_event_id);
                        fields.microsoft_event_id = local.microsoft_event_id.clone().or(fields.microsoft_event_id);
                        fields.attendees = Json(local.attendees.clone());
                        fields.reminders = Json(local.reminders.clone());
                        fields.event_type = local.event_type;
                        fields.origin = origin;
                        storage::work::calendar::replace(conn, local.id, &fields).await?;
                        updated += 1;
                    }
                    (None, false) => {
                        storage::work::calendar::insert(conn, &new_event(remote, external, actor)).await?;
                        imported += 1;
                    }
                }
            }
            storage::work::calendar::set_sync_token(conn, name, next_sync_token).await?;
            audit
                .by(actor)
                .record(
                    conn,
                    Entry::new(
                        "calendar.sync",
                        Subject::bare("calendar_provider", name.as_str()),
                        format!("Synced {}: {imported} imported, {updated} updated, {deleted} deleted", name.as_str()),
                    ),
                )
                .await?;
            Ok((imported, updated, deleted))
        })
        .await?;
    outcome.imported = imported;
    outcome.updated = updated;
    outcome.deleted = deleted;
    Ok(())
}

/// One provider: pull its changes, then push the caller's events it lacks.
async fn sync_provider<P: CalendarProvider>(
    state: &AppState,
    audit: &AuditContext,
    actor: i32,
    provider: &P,
    names: (CalendarProviderName, External, &str),
) -> AppResult<ProviderSyncResult> {
    let (name, external, circuit_name) = names;
    let mut outcome = result(name, SyncOutcome::Synced, None);
    let failed = |outcome: ProviderSyncResult, message: String| ProviderSyncResult {
        status: SyncOutcome::Failed,
        message: Some(message),
        ..outcome
    };
    let circuit = state
        .circuits
        .get(circuit_name)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no circuit breaker named {circuit_name}")))?;
    let mut conn = state.conn().await?;
    let token = storage::work::calendar::sync_token(&mut conn, name).await?;
    let changes = match circuit.call(provider.changes(token.as_deref())).await {
        Ok(changes) => changes,
        Err(CircuitError::Open { .. }) => {
            return Ok(failed(outcome, "the provider failed repeatedly; retrying after a pause".to_owned()))
        }
        Err(CircuitError::Failed(error)) => return Ok(failed(outcome, error.to_string())),
    };
    import(
        &mut conn,
        audit,
        actor,
        (name, external),
        &changes.events,
        changes.next_sync_token.as_deref(),
        &mut outcome,
    )
    .await?;

    for local in storage::work::calendar::unpushed(&mut conn, actor, external, MAX_PUSH).await? {
        let outgoing = OutgoingEvent {
            title: local.title.clone(),
            description: local.description.clone(),
            location: local.location.clone(),
            start: local.start,
            end: local.end,
            recurrence_rule: local.recurrence_rule.clone().filter(|_| local.is_recurring),
        };
        match circuit.call(provider.push(&outgoing)).await {
            Ok(external_id) => {
                storage::work::calendar::set_external_id(&mut conn, local.id, external, &external_id).await?;
                outcome.pushed += 1;
            }
            Err(CircuitError::Open { .. }) => {
                return Ok(failed(outcome, "the provider failed repeatedly; retrying after a pause".to_owned()))
            }
            Err(CircuitError::Failed(error)) => return Ok(failed(outcome, format!("pushing an event: {error}"))),
        }
    }
    Ok(outcome)
}

fn skipped(provider: CalendarProviderName, variable: &str) -> ProviderSyncResult {
    result(provider, SyncOutcome::Skipped, Some(format!("not configured; set {variable}")))
}

/// Synchronises the configured external calendars (Google Calendar, Microsoft Graph) and
/// reports per provider: `synced` with counts, `skipped` when not configured, or `failed`
/// with the reason.
#[utoipa::path(
    tag = "calendar",
    responses(
        (status = 200, description = "What happened per provider", body = CalendarSyncReport),
        PermissionErrors<perm::ManageSettings>,
    )
)]
#[post("/calendar/sync")]
async fn sync(ctx: Ctx, auth: Authorized<perm::ManageSettings>) -> AppResult<HttpResponse> {
    let actor = auth.principal.id();
    let integrations = &ctx.config.integrations;
    let google = match integrations.google_calendar.clone().map(Google::new) {
        None => skipped(CalendarProviderName::Google, "GOOGLE_CALENDAR_ACCESS_TOKEN"),
        Some(Err(error)) => result(CalendarProviderName::Google, SyncOutcome::Failed, Some(error.to_string())),
        Some(Ok(google)) => {
            let names = (CalendarProviderName::Google, External::Google, "google_calendar");
            sync_provider(&ctx, &ctx.audit, actor, &google, names).await?
        }
    };
    let microsoft = match integrations.microsoft_calendar.clone().map(Microsoft::new) {
        None => skipped(CalendarProviderName::Microsoft, "MS_GRAPH_ACCESS_TOKEN"),
        Some(Err(error)) => result(CalendarProviderName::Microsoft, SyncOutcome::Failed, Some(error.to_string())),
        Some(Ok(microsoft)) => {
            let names = (CalendarProviderName::Microsoft, External::Microsoft, "microsoft_calendar");
            sync_provider(&ctx, &ctx.audit, actor, &microsoft, names).await?
        }
    };
    ctx.forget_calendar_feeds();
    Ok(HttpResponse::Ok().json(CalendarSyncReport { providers: vec![google, microsoft] }))
}
